/**
 * Importers of the official benchmark files into a BenchStore. All stream with bounded memory (one arch at a time
 * for directories; the `arch2infos` dict of a single file is consumed entry by entry), write in batches of archs
 * per transaction, and are resumable: an arch recorded in the store's `imports` table for this source is skipped,
 * and re-putting an identical run is a no-op.
 *
 *   importBenchmark(path, store, opts?) → ImportSummary   dispatches on what `path` is:
 *     NATS-Bench tss or sss directory (meta.pickle.pbz2 + NNNNNN.pickle.pbz2)   'nats-dir'
 *     NATS-Bench single file  *.pickle.pbz2 (or an uncompressed *.pickle) 'nats-file'
 *     one arch of a NATS-Bench directory  NNNNNN.pickle.pbz2              'nats-arch-file'
 *     NAS-Bench-201 *.pth (v1.0 / v1.1; zip container or legacy)          'nb201-file'
 *     NAS-Bench-201 archive directory of NNNNNN-FULL.pth files            'nb201-dir'
 *     a .tar of either directory (as distributed), read entry by entry     'tar'
 *     the public all-arch tables (a folder of them, or one of the files)  'tables'  (the lite store, tables.ts)
 *   importSpaceOf(path) → 'tss' | 'sss'   the search space an input holds, to create its store with
 *
 * A store holds one search space (BenchStore.space). NATS inputs hold either; their meta_archs and every record's arch
 * string are checked against the store's space, and an input of the other space is a SpaceMismatchError before anything
 * is written. NAS-Bench-201 files and the all-arch tables are topology-only.
 */
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { Bunzip2Chunks, bunzip2 } from "../../formats/bzip2.js";
import { FormatError } from "../../formats/errors.js";
import { FileChunks } from "../../formats/file-chunks.js";
import { readTar } from "../../formats/tar.js";
import { unpickle } from "../../formats/pickle.js";
import { describe, PyDict, type PyValue } from "../../formats/pyvalue.js";
import { readTorch, storageFromBytes } from "../../formats/torch.js";
import { UserError } from "../../errors.js";
import { searchSpace, type SpaceName } from "../../space/index.js";
import { SpaceMismatchError } from "../errors.js";
import type { RunRecord } from "../../registry/index.js";
import type { BenchStore, PutOptions, PutResult } from "../store.js";
import { type ArchFileKind, decodeArchFile, natsHp, nb201Hp } from "./arch-file.js";
import { ArchFileDecoder } from "./arch-file-pool.js";
import { archEntryToRecords, type ConvertContext } from "./arch-results.js";
import { importTables, isTablesInput } from "./tables.js";
import { MAX_PICKLE_ITEM_BYTES, NATS_ARCH_FILE_LIMIT, NATS_META_LIMIT, NB201_ARCH_FILE_LIMIT } from "./limits.js";

export type ImportKind = "nats-dir" | "nats-file" | "nats-arch-file" | "nb201-file" | "nb201-dir" | "tar" | "tables";

export interface ImportProgress {
  done: number;
  total: number;
  unit: "archs" | "bytes";
}

export interface ImportOptions {
  /** provenance source name (default: derived from the file or directory name) */
  source?: string;
  onConflict?: PutOptions["onConflict"];
  /** archs per transaction (default 64) */
  batchArchs?: number;
  /** override the provenance flag "times are estimates" (default: true for NATS and NAS-Bench-201 v1.1, false for v1.0) */
  timesEstimated?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /** threads decoding the per-arch files of a directory or tar import (default: one per CPU, at most 8; 0 = this thread) */
  workers?: number;
}

export interface ImportSummary {
  kind: ImportKind;
  source: string;
  /** archs written in this call */
  archs: number;
  /** archs skipped because an earlier import of this source completed them */
  skippedArchs: number;
  runs: PutResult;
  /** worker threads that decoded the files (directory imports; 0: decoded on the calling thread) */
  decodeWorkers?: number;
}

/** Past ~6 decoding threads the writing thread (≈ 5.5 ms per file against 31 ms of decoding) is the limit. */
const DEFAULT_MAX_WORKERS = 8;
const NATS_FILE = /^(\d+)\.pickle\.pbz2$/;
const NB201_ARCHIVE_FILE = /^(\d{6})-FULL\.pth$/;

/** Collects runs of several archs and writes them in one transaction. */
class BatchWriter {
  private runs: RunRecord[] = [];
  private archs: number[] = [];
  readonly result: PutResult = { inserted: 0, unchanged: 0, replaced: 0, skipped: 0 };
  written = 0;

  constructor(
    private readonly store: BenchStore,
    private readonly source: string,
    private readonly opts: ImportOptions,
  ) {}

  add(archIndex: number, runs: RunRecord[]): void {
    this.runs.push(...runs);
    this.archs.push(archIndex);
    if (this.archs.length >= (this.opts.batchArchs ?? 64)) this.flush();
  }

  /** Writes what is pending and rebuilds the ranking summaries the writes made stale. */
  finish(): void {
    this.flush();
    if (this.written > 0) this.store.refreshRankings();
  }

  flush(): void {
    if (this.archs.length === 0) return;
    const runs = this.runs;
    const archs = this.archs;
    this.runs = [];
    this.archs = [];
    this.store.transaction(() => {
      const r = this.store.putRuns(runs, { onConflict: this.opts.onConflict });
      this.result.inserted += r.inserted;
      this.result.unchanged += r.unchanged;
      this.result.replaced += r.replaced;
      this.result.skipped += r.skipped;
      this.store.markImported(this.source, archs);
    });
    this.written += archs.length;
  }
}

/** The space whose arch count a meta_archs list has (the spaces differ in size), or null. */
function metaSpace(meta: PyValue): SpaceName | null {
  const archs = meta instanceof PyDict ? meta.get("meta_archs") : undefined;
  if (!Array.isArray(archs)) return null;
  for (const name of ["tss", "sss"] as const) if (archs.length === searchSpace(name).size) return name;
  return null;
}

function checkMetaArchs(meta: PyValue, label: string, store: BenchStore): void {
  if (!(meta instanceof PyDict)) throw new FormatError(`${label}: meta is a ${describe(meta)}, expected a dict with meta_archs`);
  const archs = meta.get("meta_archs");
  const found = metaSpace(meta);
  if (found !== null && found !== store.space.name) throw new SpaceMismatchError(store.path, store.space.name, found);
  const expected = store.space.allArchs();
  if (!Array.isArray(archs) || archs.length !== expected.length) {
    throw new FormatError(`${label}: meta_archs must list the ${expected.length} archs of the ${store.space.title}`);
  }
  for (let i = 0; i < archs.length; i++) {
    if (archs[i] !== expected[i]) throw new FormatError(`${label}: meta_archs[${i}] is '${String(archs[i])}', expected '${expected[i]}' (different index order)`);
  }
}

function defaultSource(path: string): string {
  return basename(path.replace(/\/+$/, ""))
    .replace(/\.pickle\.pbz2$|\.pickle$|\.pth$/, "")
    .replace(/-simple$|-full$/, "");
}

/**
 * The search space an input holds, for creating its store: a NATS directory's meta file decides; a file or tar is sss
 * when its name says so (the releases are named NATS-sss-… and NATS-tss-…), and everything else is tss.
 */
export function importSpaceOf(path: string): SpaceName {
  try {
    if (statSync(path).isDirectory()) {
      const metaPath = join(path, "meta.pickle.pbz2");
      if (readdirSync(path).includes("meta.pickle.pbz2")) {
        return metaSpace(unpickle(bunzip2(readFileSync(metaPath), metaPath, NATS_META_LIMIT), { label: metaPath })) ?? "tss";
      }
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    // a missing path: importBenchmark reports it
  }
  return /(^|[^a-z])sss([^a-z]|$)/i.test(basename(resolve(path))) ? "sss" : "tss";
}

/** NAS-Bench-201 files and the all-arch tables hold topology archs only. */
function requireTopology(store: BenchStore, what: string): void {
  if (store.space.name !== "tss") throw new SpaceMismatchError(store.path, store.space.name, `tss (${what} holds topology archs)`);
}

export function importBenchmark(path: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${path} does not exist`);
  }
  if (isTablesInput(path)) {
    requireTopology(store, path);
    const { kappa: _kappa, ...summary } = importTables(path, store, { source: opts.source, onConflict: opts.onConflict, onProgress: opts.onProgress });
    return summary;
  }
  if (st.isDirectory()) {
    const names = readdirSync(path);
    if (names.includes("meta.pickle.pbz2")) return importNatsDirectory(path, store, opts);
    if (names.some((n) => NB201_ARCHIVE_FILE.test(n))) return importNb201Directory(path, store, opts);
    throw new UserError(
      `${path} is neither a NATS-Bench directory (meta.pickle.pbz2 + NNNNNN.pickle.pbz2), a NAS-Bench-201 archive (NNNNNN-FULL.pth) nor a folder of the all-arch tables (metric_vals.csv, nats_bench.csv, mini-bench-arch-cell-accs.csv)`,
    );
  }
  if (/\.tar$/.test(path)) return importTar(path, store, opts);
  if (NATS_FILE.test(basename(path))) return importNatsArchFile(path, store, opts);
  if (/\.pickle(\.pbz2)?$/.test(path)) return importNatsFile(path, store, opts);
  if (/\.pth$/.test(path)) return importNb201File(path, store, opts);
  throw new UserError(
    `${path}: unknown benchmark file type (expected a .pickle.pbz2, .pickle, .pth or .tar file, one of the all-arch tables metric_vals.csv / nats_bench.csv / mini-bench-arch-cell-accs.csv, or a directory)`,
  );
}

export function importNatsDirectory(dir: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  const source = opts.source ?? defaultSource(dir);
  const metaPath = join(dir, "meta.pickle.pbz2");
  checkMetaArchs(unpickle(bunzip2(readFileSync(metaPath), metaPath, NATS_META_LIMIT), { label: metaPath }), metaPath, store);
  const r = importArchFiles(dir, NATS_FILE, "nats", store, opts, { source, timesEstimated: opts.timesEstimated ?? true, space: store.space.name });
  return { kind: "nats-dir", ...r };
}

/**
 * One arch's file of a NATS directory (`<dir>/NNNNNN.pickle.pbz2`). Its source defaults to the directory's, so that
 * importing the whole directory later skips the arch.
 */
export function importNatsArchFile(path: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  const index = Number(NATS_FILE.exec(basename(path))![1]);
  const n = store.space.size;
  if (index >= n) throw new UserError(`${path}: arch ${index} does not exist in the ${store.space.title}; its files are numbered 000000 to ${String(n - 1).padStart(6, "0")}`);
  const source = opts.source ?? defaultSource(dirname(resolve(path)));
  const done = store.importedArchs(source);
  const writer = new BatchWriter(store, source, opts);
  if (!done.has(index)) writer.add(index, decodeArchFile({ index, kind: "nats", file: path, ctx: { label: path, source, timesEstimated: opts.timesEstimated ?? true, space: store.space.name } }));
  writer.finish();
  opts.onProgress?.({ done: 1, total: 1, unit: "archs" });
  return { kind: "nats-arch-file", source, archs: writer.written, skippedArchs: done.has(index) ? 1 : 0, runs: writer.result };
}

/**
 * One file per arch (`NNNNNN.…`, the number from `pattern`'s first group), in index order; archs this source already
 * imported are skipped, so an interrupted import resumes where it stopped.
 */
function importArchFiles(
  dir: string,
  pattern: RegExp,
  kind: ArchFileKind,
  store: BenchStore,
  opts: ImportOptions,
  ctx: Omit<ConvertContext, "label">,
): Omit<ImportSummary, "kind"> {
  const files = readdirSync(dir)
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((x): x is { n: string; m: RegExpExecArray } => x.m !== null)
    .map(({ n, m }) => ({ file: join(dir, n), index: Number(m[1]) }))
    .sort((a, b) => a.index - b.index);
  const done = store.importedArchs(ctx.source);
  const todo = files.filter((f) => !done.has(f.index));
  const skipped = files.length - todo.length;
  const writer = new BatchWriter(store, ctx.source, opts);
  let k = 0;
  const decoder = new ArchFileDecoder(
    importWorkers(opts),
    (index, records) => {
      writer.add(index, records);
      opts.onProgress?.({ done: skipped + ++k, total: files.length, unit: "archs" });
    },
    todo.length,
  );
  try {
    for (const f of todo) decoder.submit({ ...f, kind, ctx: { ...ctx, label: f.file } });
    decoder.finish();
  } finally {
    decoder.close();
  }
  writer.finish();
  opts.onProgress?.({ done: files.length, total: files.length, unit: "archs" });
  return { source: ctx.source, archs: writer.written, skippedArchs: skipped, runs: writer.result, decodeWorkers: decoder.threads };
}

function importWorkers(opts: ImportOptions): number {
  return opts.workers ?? Math.min(availableParallelism(), DEFAULT_MAX_WORKERS);
}

/** Streams the `arch2infos` dict of a large pickle; entries the streamer could not hand over come from the result. */
function importArch2Infos(
  load: (onEntry: (key: PyValue, value: PyValue) => void) => PyValue,
  label: string,
  kind: ImportKind,
  store: BenchStore,
  opts: ImportOptions,
  hpName: (k: string) => string,
  timesEstimated: boolean,
): ImportSummary {
  const source = opts.source ?? defaultSource(label);
  const done = store.importedArchs(source);
  const writer = new BatchWriter(store, source, opts);
  const ctx: ConvertContext = { label, source, timesEstimated: opts.timesEstimated ?? timesEstimated, space: store.space.name };
  let skipped = 0;
  const seen = new Set<number>();
  const take = (key: PyValue, value: PyValue): void => {
    const index = Number(key);
    if (!Number.isInteger(index)) throw new FormatError(`${label}: arch2infos key ${String(key)} is not an arch index`);
    seen.add(index);
    if (done.has(index)) {
      skipped++;
      return;
    }
    writer.add(index, archEntryToRecords(value, { ...ctx, label: `${label} [arch ${index}]` }, hpName, index));
  };
  const top = load(take);
  if (!(top instanceof PyDict)) throw new FormatError(`${label}: top level is a ${describe(top)}, expected a dict with arch2infos`);
  checkMetaArchs(top, label, store);
  const rest = top.get("arch2infos");
  if (!(rest instanceof PyDict)) throw new FormatError(`${label}: arch2infos is a ${describe(rest)}, expected a dict`);
  for (const [k, v] of rest.entries()) if (!seen.has(Number(k))) take(k, v);
  writer.finish();
  return { kind, source, archs: writer.written, skippedArchs: skipped, runs: writer.result };
}

export function importNatsFile(path: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  return importArch2Infos(
    (onEntry) => {
      const file = new FileChunks(path);
      const progress = (): void => opts.onProgress?.({ done: file.position, total: file.total, unit: "bytes" });
      const raw = path.endsWith(".pbz2") ? new Bunzip2Chunks(file, path) : file;
      const chunks = {
        next: () => {
          const c = raw.next();
          progress();
          return c;
        },
      };
      try {
        return unpickle(chunks, {
          label: path,
          stream: { key: "arch2infos", onEntry },
          maxItemBytes: MAX_PICKLE_ITEM_BYTES,
          // weights of a -full file's records: their metadata is parsed, their data skipped
          storageFromBytes: (b) => storageFromBytes(b, path),
        });
      } finally {
        file.close();
      }
    },
    path,
    "nats-file",
    store,
    opts,
    natsHp,
    true,
  );
}

export function importNb201File(path: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  requireTopology(store, path);
  const v11 = /v1[._]1/.test(basename(path));
  return importArch2Infos(
    (onEntry) =>
      readTorch(path, {
        label: path,
        stream: { key: "arch2infos", onEntry },
        maxItemBytes: MAX_PICKLE_ITEM_BYTES,
        onProgress: (done, total) => opts.onProgress?.({ done, total, unit: "bytes" }),
      }),
    path,
    "nb201-file",
    store,
    opts,
    nb201Hp,
    v11,
  );
}

export function importNb201Directory(dir: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  requireTopology(store, dir);
  const source = opts.source ?? defaultSource(dir).replace(/-archive$/, "");
  const timesEstimated = opts.timesEstimated ?? /v1[._]1/.test(basename(dir));
  const r = importArchFiles(dir, NB201_ARCHIVE_FILE, "nb201", store, opts, { source, timesEstimated });
  return { kind: "nb201-dir", ...r };
}

/**
 * A tar of a NATS directory or a NAS-Bench-201 archive directory, read entry by entry, so the archive is never
 * unpacked to disk and only the entries in flight are in memory. The reader is strict (formats/tar.ts): a damaged
 * header or a truncated archive stops the import instead of dropping archs.
 */
export function importTar(path: string, store: BenchStore, opts: ImportOptions = {}): ImportSummary {
  const source = opts.source ?? defaultSource(path.replace(/\.tar$/, "")).replace(/-archive$/, "");
  const done = store.importedArchs(source);
  const writer = new BatchWriter(store, source, opts);
  let skipped = 0;
  let processed = 0;
  let delivered = 0;
  const decoder = new ArchFileDecoder(importWorkers(opts), (index, records) => {
    writer.add(index, records);
    opts.onProgress?.({ done: skipped + ++delivered, total: Math.max(processed, store.space.size), unit: "archs" });
  });
  const handle = (name: string, bytes: Uint8Array): void => {
    const label = `${path}:${name}`;
    const base = basename(name);
    if (base === "meta.pickle.pbz2") {
      // checked when present; every record's arch string is checked against the index anyway
      checkMetaArchs(unpickle(bunzip2(bytes, label, NATS_META_LIMIT), { label }), label, store);
      return;
    }
    const nats = NATS_FILE.exec(base);
    const nb = NB201_ARCHIVE_FILE.exec(base);
    if (nats === null && nb === null) return;
    const index = Number((nats ?? nb)![1]);
    processed++;
    if (done.has(index)) {
      skipped++;
      return;
    }
    decoder.submit(
      nats !== null
        ? { index, bytes, kind: "nats", ctx: { label, source, timesEstimated: opts.timesEstimated ?? true, space: store.space.name } }
        : { index, bytes, kind: "nb201", ctx: { label, source, timesEstimated: opts.timesEstimated ?? /v1[._]1/.test(base + path), space: store.space.name } },
    );
  };
  try {
    readTar(path, {
      select: (name) => {
        const base = basename(name);
        if (base === "meta.pickle.pbz2") return NATS_META_LIMIT;
        if (NATS_FILE.test(base)) return NATS_ARCH_FILE_LIMIT;
        if (NB201_ARCHIVE_FILE.test(base)) return NB201_ARCH_FILE_LIMIT;
        return null;
      },
      onEntry: handle,
    });
    decoder.finish();
  } finally {
    decoder.close();
  }
  writer.finish();
  if (processed === 0) throw new UserError(`${path} holds no NNNNNN.pickle.pbz2 or NNNNNN-FULL.pth entries`);
  return { kind: "tar", source, archs: writer.written, skippedArchs: skipped, runs: writer.result, decodeWorkers: decoder.threads };
}
