/**
 * `aa-nas data download <name>`: fetches the official archives (or takes local copies with `--from`), checks each
 * against a pinned digest, and unpacks them into the data directory in the layout `sources.ts` reads.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { unzipSync } from "fflate";
import * as tar from "tar";
import { RECORD_DATASET_KEYS, datasetInfo } from "@aa-nas/core/registry/index.js";
import { UserError, listChoices } from "@aa-nas/core/errors.js";
import { digestHex, verifyChecksum, type HashAlgorithm } from "./checksum.js";
import { DataFileError } from "./errors.js";
import { IMAGENET16_DIR, IMAGENET16_FILES } from "./sources.js";
import { SPLIT_FILES, splitUrl } from "./splits.js";

export interface DownloadItem {
  /** file name of the archive or file as published */
  file: string;
  /** null: no public URL (the user must fetch it and pass --from) */
  url: string | null;
  algorithm: HashAlgorithm;
  digest: string;
  /** tar.gz: unpack members under `into` (a folder name inside the archive); copy: store as `<dataDir>/<into>/<file>`;
   * imagenet16-zip: unpack the pickles, each md5-checked, into ImageNet16/ */
  kind: "tar.gz" | "copy" | "imagenet16-zip";
  into: string;
}

export interface DownloadSpec {
  name: string;
  what: string;
  items: DownloadItem[];
  /** what to tell a user when an item has no URL */
  manual?: string;
}

const TORONTO = "https://www.cs.toronto.edu/~kriz/";
const FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

export const DOWNLOADS: Record<string, DownloadSpec> = {
  cifar10: {
    name: "cifar10",
    what: `CIFAR-10, python version (for ${RECORD_DATASET_KEYS.filter((k) => datasetInfo(k).family === "CIFAR-10").join(" and ")})`,
    items: [{ file: "cifar-10-python.tar.gz", url: `${TORONTO}cifar-10-python.tar.gz`, algorithm: "md5", digest: "c58f30108f718f92721af3b95e74349a", kind: "tar.gz", into: "cifar-10-batches-py" }],
  },
  "cifar10-binary": {
    name: "cifar10-binary",
    what: "CIFAR-10, binary version",
    items: [{ file: "cifar-10-binary.tar.gz", url: `${TORONTO}cifar-10-binary.tar.gz`, algorithm: "md5", digest: "c32a1d4ab5d03f1284b67883e8d87530", kind: "tar.gz", into: "cifar-10-batches-bin" }],
  },
  cifar100: {
    name: "cifar100",
    what: "CIFAR-100, python version",
    items: [{ file: "cifar-100-python.tar.gz", url: `${TORONTO}cifar-100-python.tar.gz`, algorithm: "md5", digest: "eb9058c3a382ffc7106e4002c42a8d85", kind: "tar.gz", into: "cifar-100-python" }],
  },
  "cifar100-binary": {
    name: "cifar100-binary",
    what: "CIFAR-100, binary version",
    items: [{ file: "cifar-100-binary.tar.gz", url: `${TORONTO}cifar-100-binary.tar.gz`, algorithm: "md5", digest: "03b5dce01913d631647c71ecec9e9cb8", kind: "tar.gz", into: "cifar-100-binary" }],
  },
  ImageNet16: {
    name: "ImageNet16",
    what: "ImageNet16 (16×16 downsampled ImageNet, pickled; ImageNet16-120 uses its first 120 classes)",
    manual:
      "ImageNet16 needs an image-net.org login: download Imagenet16_train.zip and Imagenet16_val.zip (Downsampled ImageNet 16x16, " +
      "https://image-net.org/download-images), then run 'aa-nas data download ImageNet16 --from <folder holding them>' " +
      "(a folder with the unpacked train_data_batch_1..10 and val_data works too)",
    items: [
      { file: "Imagenet16_train.zip", url: null, algorithm: "md5", digest: "", kind: "imagenet16-zip", into: IMAGENET16_DIR },
      { file: "Imagenet16_val.zip", url: null, algorithm: "md5", digest: "", kind: "imagenet16-zip", into: IMAGENET16_DIR },
    ],
  },
  "fashion-mnist": {
    name: "fashion-mnist",
    what: "Fashion-MNIST (normally already installed by Debian's dataset-fashion-mnist)",
    items: [
      ["train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"],
      ["train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"],
      ["t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"],
      ["t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"],
    ].map(([file, md5]) => ({ file: file!, url: FASHION + file!, algorithm: "md5" as const, digest: md5!, kind: "copy" as const, into: "fashion-mnist" })),
  },
  splits: {
    name: "splits",
    what: "the benchmark's split files for CIFAR-100 and ImageNet16-120 (cifar-split.txt is regenerated, not downloaded)",
    items: (["cifar100Test", "imagenet16Test", "imagenet16Train"] as const).map((n) => ({
      file: SPLIT_FILES[n].file,
      url: splitUrl(SPLIT_FILES[n]),
      algorithm: "sha256" as const,
      digest: SPLIT_FILES[n].sha256,
      kind: "copy" as const,
      into: ".",
    })),
  },
};

export const DOWNLOAD_NAMES = Object.keys(DOWNLOADS);

export function downloadSpec(name: string): DownloadSpec {
  const spec = DOWNLOADS[name];
  if (spec === undefined) throw new UserError(`unknown data set '${name}'; valid names: ${listChoices(DOWNLOAD_NAMES)}`);
  return spec;
}

export interface DownloadOptions {
  dataDir: string;
  /** a local archive, or a folder holding the published files, used instead of the network */
  from?: string;
  /** network fetch (injectable for tests); defaults to the global fetch */
  fetchBytes?: (url: string) => Promise<Uint8Array>;
  log?: (line: string) => void;
}

async function defaultFetch(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

function localCopy(from: string, item: DownloadItem, single: boolean): string | null {
  if (!existsSync(from)) throw new UserError(`--from ${from} does not exist`);
  if (statSync(from).isDirectory()) {
    const p = join(from, item.file);
    return existsSync(p) ? p : null;
  }
  return single || basename(from) === item.file ? from : null;
}

async function obtain(spec: DownloadSpec, item: DownloadItem, opts: DownloadOptions): Promise<Uint8Array> {
  if (opts.from !== undefined) {
    const path = localCopy(opts.from, item, spec.items.length === 1);
    if (path !== null) return readFileSync(path);
    throw new UserError(`${item.file} not found at --from ${opts.from}; give the file itself or a folder that holds it`);
  }
  if (item.url === null) throw new UserError(spec.manual ?? `${item.file} has no public download URL; pass it with --from`);
  opts.log?.(`fetching ${item.url}`);
  try {
    return await (opts.fetchBytes ?? defaultFetch)(item.url);
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new UserError(
      `could not fetch ${item.url} (${cause}); check the internet connection, or download it elsewhere and pass it with --from <file or folder>`,
    );
  }
}

function unpackImageNet16(bytes: Uint8Array, item: DownloadItem, dataDir: string): string[] {
  const expected = new Map(IMAGENET16_FILES.map((f) => [f.name, f.md5]));
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => expected.has(basename(f.name)) });
  } catch (err) {
    throw new DataFileError(`${item.file} is not a valid zip archive (${(err as Error).message}); it is truncated or corrupt, download it again`);
  }
  const outDir = join(dataDir, item.into);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const base = basename(name);
    verifyChecksum(content, expected.get(base)!, "md5", `${item.file}:${name}`, "download the archive again");
    writeFileSync(join(outDir, base), content);
    written.push(join(outDir, base));
  }
  if (written.length === 0) throw new DataFileError(`${item.file} holds none of ${[...expected.keys()].join(", ")}`);
  return written;
}

/** An ImageNet16 folder given with --from: copy and check the unpacked pickles. */
function copyImageNet16Folder(from: string, dataDir: string): string[] {
  const outDir = join(dataDir, IMAGENET16_DIR);
  mkdirSync(outDir, { recursive: true });
  const present = new Set(readdirSync(from));
  return IMAGENET16_FILES.filter((f) => present.has(f.name)).map((f) => {
    const bytes = readFileSync(join(from, f.name));
    verifyChecksum(bytes, f.md5, "md5", join(from, f.name), "download it again");
    copyFileSync(join(from, f.name), join(outDir, f.name));
    return join(outDir, f.name);
  });
}

async function unpackTarGz(bytes: Uint8Array, item: DownloadItem, dataDir: string): Promise<string[]> {
  const archive = join(dataDir, item.file);
  writeFileSync(archive, bytes);
  const written: string[] = [];
  try {
    // only members under the expected folder; tar already refuses absolute paths and '..'
    await tar.x({ file: archive, cwd: dataDir, strict: true, filter: (p) => p === `${item.into}/` || p.startsWith(`${item.into}/`), onReadEntry: (e) => void written.push(join(dataDir, e.path)) });
  } catch (err) {
    throw new DataFileError(`${item.file} could not be unpacked (${(err as Error).message}); it is truncated or corrupt, download it again`);
  }
  if (written.length === 0) throw new DataFileError(`${item.file} has no '${item.into}/' folder; is it the right archive?`);
  return written;
}

/** Fetches (or takes from --from), verifies and unpacks every item of a data set; returns the files written. */
export async function downloadDataset(spec: DownloadSpec, opts: DownloadOptions): Promise<string[]> {
  mkdirSync(opts.dataDir, { recursive: true });
  if (spec.name === "ImageNet16" && opts.from !== undefined && statSync(opts.from).isDirectory() && existsSync(join(opts.from, IMAGENET16_FILES[0]!.name))) {
    return copyImageNet16Folder(opts.from, opts.dataDir);
  }
  const written: string[] = [];
  for (const item of spec.items) {
    const bytes = await obtain(spec, item, opts);
    if (item.digest !== "") {
      verifyChecksum(bytes, item.digest, item.algorithm, item.file, opts.from === undefined ? "try the download again" : "download it again");
    }
    opts.log?.(`${item.file}: ${bytes.length} bytes, ${item.algorithm} ${item.digest === "" ? digestHex(bytes, item.algorithm) + " (members checked)" : "ok"}`);
    switch (item.kind) {
      case "tar.gz":
        written.push(...(await unpackTarGz(bytes, item, opts.dataDir)));
        break;
      case "imagenet16-zip":
        written.push(...unpackImageNet16(bytes, item, opts.dataDir));
        break;
      case "copy": {
        const dir = join(opts.dataDir, item.into);
        mkdirSync(dir, { recursive: true });
        const target = join(dir, item.file);
        writeFileSync(`${target}.part`, bytes);
        renameSync(`${target}.part`, target);
        written.push(target);
        break;
      }
    }
  }
  return written;
}
