/**
 * The benchmark's split files (spec §4.3): `{key: ["int", ["<i0>", "<i1>", …]]}` in the original config format.
 * `cifar-split.txt` is regenerated here (random.seed(1021) shuffle); the other three come from the original repository
 * and are read from the data directory, checked against pinned sha256 digests.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cifarSplit } from "@aa-nas/core/space/index.js";
import { verifyChecksum } from "./checksum.js";
import { DataFileError, MissingDataError } from "./errors.js";

/** Commit of D-X-Y/AutoDL-Projects the split files are downloaded from (identical blobs since 487fec2). */
export const SPLIT_SOURCE_COMMIT = "f46486e21b71ae6459a700be720d7648b5429569";

export interface SplitFileInfo {
  file: string;
  keys: readonly [string, string];
  sizes: readonly [number, number];
  sha256: string;
}

export const SPLIT_FILES = {
  cifar10: {
    file: "cifar-split.txt",
    keys: ["train", "valid"],
    sizes: [25000, 25000],
    sha256: "986da6174822048d4c5a25ee8ebdb7e754cd5372b51c633ffd4898ace8db9e32",
  },
  cifar100Test: {
    file: "cifar100-test-split.txt",
    keys: ["xvalid", "xtest"],
    sizes: [5000, 5000],
    sha256: "14a5e3708e790ad57f987cdbcf202f724519475d6e8b0db34d0182e73b581bba",
  },
  imagenet16Test: {
    file: "imagenet-16-120-test-split.txt",
    keys: ["xvalid", "xtest"],
    sizes: [3000, 3000],
    sha256: "c0edac1d3676a9f21acea8feeb31336202d75b1a73df62aec31c6b45bb289a18",
  },
  imagenet16Train: {
    file: "ImageNet16-120-split.txt",
    keys: ["train", "valid"],
    sizes: [75850, 75850],
    sha256: "b2f3d37fbc2e2c239eb90ce12abeb6bac7a539f8d3888b4d5a136d292cddbef9",
  },
} as const satisfies Record<string, SplitFileInfo>;

export type SplitName = keyof typeof SPLIT_FILES;

/** Two disjoint ascending index lists, named by the file's keys. */
export type SplitIndices = Record<string, Int32Array>;

export function splitUrl(info: SplitFileInfo): string {
  return `https://raw.githubusercontent.com/D-X-Y/AutoDL-Projects/${SPLIT_SOURCE_COMMIT}/configs/nas-benchmark/${info.file}`;
}

/** Parses the config-format JSON, checking the keys, sizes, order and disjointness the benchmark relies on. */
export function parseSplitFile(text: string, info: SplitFileInfo): SplitIndices {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataFileError(`${info.file} is not valid JSON (${(err as Error).message}); it is truncated or corrupt`);
  }
  const out: SplitIndices = {};
  info.keys.forEach((key, k) => {
    const entry = (json as Record<string, unknown>)[key];
    if (!Array.isArray(entry) || entry[0] !== "int" || !Array.isArray(entry[1])) {
      throw new DataFileError(`${info.file}: key '${key}' must be ["int", [indices…]]`);
    }
    const values = (entry[1] as unknown[]).map((v) => Number(v));
    if (values.length !== info.sizes[k]) throw new DataFileError(`${info.file}: '${key}' has ${values.length} indices, expected ${info.sizes[k]}`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0 || (i > 0 && v <= values[i - 1]!)) {
        throw new DataFileError(`${info.file}: '${key}' must hold ascending non-negative integers (position ${i} is ${String((entry[1] as unknown[])[i])})`);
      }
    }
    out[key] = Int32Array.from(values);
  });
  return out;
}

/**
 * Formats indices exactly as the original files are written (so the regenerated cifar-split.txt can be compared by
 * digest): `{`, one line per key `  "<key>"` padded to 21 columns, ` : ["int"   , ["0", "5", …]]`, comma between lines, `}`.
 */
export function formatSplitFile(split: Readonly<Record<string, ArrayLike<number>>>, keys: readonly string[]): string {
  const lines = keys.map((key) => {
    const values = Array.from(split[key] ?? [], (v) => `"${v}"`).join(", ");
    return `  ${`"${key}"`.padEnd(21)}: ["int"   , [${values}]]`;
  });
  return `{\n${lines.join(",\n")}\n}`;
}

/** cifar-split regenerated from `random.seed(1021)` (no file needed). */
export function cifar10Split(): SplitIndices {
  const split = cifarSplit(50000);
  return { train: Int32Array.from(split.train), valid: Int32Array.from(split.valid) };
}

/** Where a split file may sit: the directory itself or its `splits/` subfolder. */
export function locateSplitFile(dir: string, info: SplitFileInfo): string | null {
  for (const candidate of [join(dir, info.file), join(dir, "splits", info.file)]) if (existsSync(candidate)) return candidate;
  return null;
}

export function loadSplit(name: SplitName, dir: string): SplitIndices {
  if (name === "cifar10") return cifar10Split();
  const info: SplitFileInfo = SPLIT_FILES[name];
  const path = locateSplitFile(dir, info);
  if (path === null) {
    throw new MissingDataError(
      `split file ${info.file} not found in ${dir} (or ${join(dir, "splits")}); run 'aa-nas data download splits --data-dir ${dir}' ` +
        `or save ${splitUrl(info)} there`,
    );
  }
  const bytes = readFileSync(path);
  verifyChecksum(bytes, info.sha256, "sha256", path, `run 'aa-nas data download splits --data-dir ${dir}' to fetch it again`);
  return parseSplitFile(bytes.toString("utf8"), info);
}
