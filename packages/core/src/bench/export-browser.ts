/**
 * Writes a browser export (browser/format.ts, docs/browser.md) of a store: Node only. The export holds what NasBench
 * reads through BenchSource, taken from the store's own answers (hpsOf, datasetsOf, ranking BLOBs, trial counts) and
 * its stored run columns, so the browser's answers are Node's by construction. Either search space: the manifest names
 * the store's, and everything else (hps, seeds, datasets) is what the store holds. The folder is built beside `out` and
 * renamed into place when complete: an interrupted export leaves no half-written folder under that name.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RECORD_DATASET_KEYS } from "../registry/index.js";
import { StoreError } from "./errors.js";
import { encodeRanking, encodeTop, RANKING_METRICS } from "./ranking.js";
import { DECODE_COLUMNS, type StoredRow } from "./row-decode.js";
import { SCHEMA_VERSION, STORE_FORMAT } from "./schema.js";
import type { SpaceName } from "../space/index.js";
import type { BenchStore } from "./store.js";
import {
  archFile,
  type ArchChunk,
  encodeChunk,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportManifest,
  type FileRef,
  rankingFile,
  type RankingFiles,
  toRanges,
  type TrialsFile,
  trialsFile,
} from "./browser/format.js";

export interface BrowserExportSummary {
  out: string;
  /** the store's search space, which the manifest names */
  space: SpaceName;
  archs: number;
  runs: number;
  files: number;
  bytes: number;
  manifestBytes: number;
  archBytes: { total: number; max: number; mean: number };
  rankingBytes: number;
  seconds: number;
}

export interface BrowserExportOptions {
  /** called after each arch chunk is written */
  onArch?: (done: number, total: number) => void;
}

/** Writes the export of `store` into the folder `out`, which must not exist or be empty. */
export function writeBrowserExport(store: BenchStore, out: string, opts: BrowserExportOptions = {}): BrowserExportSummary {
  const t0 = performance.now();
  if (existsSync(out) && readdirSync(out).length > 0) throw new StoreError(`${out} is not empty: a browser export goes into a new or empty folder`);
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  let files = 0;
  let bytes = 0;
  const write = (path: string, data: Uint8Array | string): FileRef => {
    const full = join(tmp, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
    const n = typeof data === "string" ? Buffer.byteLength(data) : data.length;
    files++;
    bytes += n;
    return { file: path, bytes: n };
  };
  try {
    const id = randomBytes(8).toString("hex");
    const hps = store.hps();
    const evaluated = store.evaluatedIndexes();

    // arch chunks, streamed: one pass over `runs` in (arch, hp, dataset, seed) order
    let archBytes = 0;
    let maxArch = 0;
    let done = 0;
    let runs = 0;
    const datasets = new Set<string>();
    const flush = (index: number, rows: StoredRow[]): void => {
      const archHps = store.hpsOf(index);
      const chunk: ArchChunk = {
        id,
        index,
        hps: archHps,
        datasets: archHps.map((hp) => ({ hp, datasets: store.datasetsOf(index, hp) })),
        runs: rows.map((row) => ({ hp: String(row.hp), dataset: String(row.dataset), row: pick(row) })),
      };
      const ref = write(archFile(index), encodeChunk(chunk, DECODE_COLUMNS));
      archBytes += ref.bytes;
      maxArch = Math.max(maxArch, ref.bytes);
      runs += rows.length;
      for (const r of chunk.runs) datasets.add(r.dataset);
      done++;
      opts.onArch?.(done, evaluated.length);
    };
    let current: StoredRow[] = [];
    for (const row of store.decodeRows()) {
      if (current.length > 0 && current[0]!.arch_index !== row.arch_index) {
        flush(Number(current[0]!.arch_index), current);
        current = [];
      }
      current.push(row);
    }
    if (current.length > 0) flush(Number(current[0]!.arch_index), current);
    if (done !== evaluated.length) throw new StoreError(`${store.path} changed during the export (${done} archs written, ${evaluated.length} evaluated); export again`);

    // every (hp, dataset, metric) NasBench may rank, also those without runs (their empty summary answers -1)
    let rankingBytes = 0;
    const rankings: RankingFiles[] = [];
    hps.forEach((hp, h) => {
      for (const dataset of RECORD_DATASET_KEYS) {
        for (const metric of RANKING_METRICS) {
          const top = store.rankingTop(hp, dataset, metric);
          const topRef = top === null ? null : write(rankingFile(h, dataset, metric, "top"), encodeTop(top));
          const summary = write(rankingFile(h, dataset, metric, "summary"), encodeRanking(store.ranking(hp, dataset, metric)));
          rankingBytes += summary.bytes + (topRef?.bytes ?? 0);
          rankings.push({ hp, dataset, metric, top: topRef, summary });
        }
      }
    });

    const trials = hps.map((hp, h) => {
      const groups = new Map<string, { dataset: string; trials: number; archs: number[] }>();
      for (const r of store.trialCounts(hp)) {
        const key = `${r.dataset}\u0000${r.trials}`;
        let g = groups.get(key);
        if (g === undefined) groups.set(key, (g = { dataset: r.dataset, trials: r.trials, archs: [] }));
        g.archs.push(r.arch_index);
      }
      const file: TrialsFile = { hp, groups: [...groups.values()].map((g) => ({ dataset: g.dataset, trials: g.trials, archs: toRanges(g.archs.sort((a, b) => a - b)) })) };
      return { hp, ...write(trialsFile(h), JSON.stringify(file)) };
    });

    const manifest: ExportManifest = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      space: store.space.name,
      id,
      createdAt: new Date().toISOString(),
      store: { format: STORE_FORMAT, schemaVersion: SCHEMA_VERSION, runs, archs: done, datasets: RECORD_DATASET_KEYS.filter((d) => datasets.has(d)) },
      hps,
      evaluated: toRanges(evaluated),
      rankings,
      trials,
      archs: { count: done, bytes: archBytes, maxBytes: maxArch },
    };
    const manifestRef = write("manifest.json", `${JSON.stringify(manifest)}\n`);
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, out);
    return {
      out,
      space: store.space.name,
      archs: done,
      runs,
      files,
      bytes,
      manifestBytes: manifestRef.bytes,
      archBytes: { total: archBytes, max: maxArch, mean: done === 0 ? 0 : archBytes / done },
      rankingBytes,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function pick(row: StoredRow): StoredRow {
  const out: StoredRow = {};
  for (const c of DECODE_COLUMNS) out[c] = row[c] ?? null;
  return out;
}
