/**
 * The reference fixtures in test/fixtures/reference (see its README.md): facts and figures from public sources that
 * tests compare against. Callers name files as published (e.g. "splits/cifar-split.txt"); whether a file is stored
 * gzip-compressed is this module's business.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { repoRoot } from "./paths.js";

export const referenceRoot = join(repoRoot, "test", "fixtures", "reference");

/** The real NATS-Bench topology sample folder (meta + archs 0, 11, 284), laid out like the official directory. */
export const NATS_SAMPLE = "nats-tss-v1_0-3ffb9-simple-sample";

function missing(path: string): Error {
  return new Error(`reference fixture missing: ${path} (the repository's test/fixtures/reference is incomplete)`);
}

/** Path of a fixture stored as it is (a folder, or a file that is not compressed). */
export function referencePath(...parts: string[]): string {
  const p = join(referenceRoot, ...parts);
  if (!existsSync(p)) throw missing(p);
  return p;
}

/** Bytes of a fixture file by its published name; `<name>.gz` is decompressed transparently. */
export function readReference(...parts: string[]): Buffer {
  const p = join(referenceRoot, ...parts);
  if (existsSync(p)) return readFileSync(p);
  if (existsSync(`${p}.gz`)) return Buffer.from(gunzipSync(readFileSync(`${p}.gz`)));
  throw missing(p);
}

export function readReferenceText(...parts: string[]): string {
  return readReference(...parts).toString("utf8");
}

export function readReferenceJson<T>(...parts: string[]): T {
  return JSON.parse(readReferenceText(...parts)) as T;
}

let unpackRoot: string | undefined;
const unpacked = new Map<string, string>();

/**
 * A fixture folder as plain files, for code under test that reads a directory (the split loader, the importer). A
 * folder without compressed files is returned as it is; otherwise it is unpacked once per process into a temporary
 * folder that is removed when the process exits.
 */
export function referenceDir(folder: string): string {
  const src = referencePath(folder);
  const names = readdirSync(src);
  if (!names.some((n) => n.endsWith(".gz"))) return src;
  const cached = unpacked.get(folder);
  if (cached !== undefined) return cached;
  if (unpackRoot === undefined) {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-reference-"));
    process.on("exit", () => rmSync(root, { recursive: true, force: true }));
    unpackRoot = root;
  }
  const out = join(unpackRoot, folder);
  mkdirSync(out, { recursive: true });
  for (const name of names) {
    if (!statSync(join(src, name)).isFile()) continue;
    const plain = name.endsWith(".gz") ? name.slice(0, -3) : name;
    writeFileSync(join(out, plain), readReference(folder, plain));
  }
  unpacked.set(folder, out);
  return out;
}

let metaArchs: readonly string[] | undefined;

/**
 * The 15,625 arch strings in index order, as NATS-Bench publishes them (`meta_archs` of the sample meta file), read by
 * CPython's own bz2 and pickle modules so the reference does not depend on aa-nas's readers.
 */
export function natsMetaArchs(): readonly string[] {
  if (metaArchs !== undefined) return metaArchs;
  const script = [
    "import bz2, json, pickle, sys",
    "class Plain(pickle.Unpickler):",
    "    def find_class(self, module, name):",
    "        raise pickle.UnpicklingError('unexpected global %s.%s' % (module, name))",
    "meta = Plain(bz2.open(sys.argv[1])).load()",
    "json.dump(meta['meta_archs'], sys.stdout)",
  ].join("\n");
  const r = spawnSync("/usr/bin/python3", ["-c", script, referencePath(NATS_SAMPLE, "meta.pickle.pbz2")], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`reading meta_archs with /usr/bin/python3 failed: ${r.error?.message ?? r.stderr}`);
  metaArchs = JSON.parse(r.stdout) as string[];
  return metaArchs;
}
