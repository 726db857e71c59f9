/**
 * `aa-nas merge`: folds record files into the benchmark store. Each record is verified (checksum, naming, consistency);
 * a damaged file is reported by name and skipped while every intact record is still merged. Merging is idempotent: the
 * store keys runs by (arch, hp, dataset, seed) and a record already merged with the same content is left as is.
 * A store holds one search space: the records' (each names its arch index and string, which only one space pairs)
 * makes a new store, and records of the other space fail the merge with SpaceMismatchError before anything is written.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { InvalidRecordError } from "@aa-nas/core/bench/errors.js";
import { validateRecord } from "@aa-nas/core/bench/rows.js";
import { SpaceMismatchError } from "@aa-nas/core/bench/errors.js";
import { BenchStore, type PutOptions, type PutResult } from "@aa-nas/core/bench/store.js";
import { spaceOfArch, type SearchSpace, type SpaceName } from "@aa-nas/core/space/index.js";
import type { RunRecord } from "@aa-nas/core/registry/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { CorruptRecordError, readRecordFile, type RecordFile } from "./record-file.js";
import { TIME_CORRECTIONS } from "./time-correction.js";

const RECORD_NAME = /^arch-\d{6}-seed-\d{4,}\.json$/;
const ARCH_OF_NAME = /^arch-(\d{6})-seed-/;

export interface MergeOptions {
  inputs: readonly string[];
  out: string;
  onConflict?: PutOptions["onConflict"];
  /** apply the store's space's time correction (tss: v1.1 / NATS-tss, spec §5.5; sss: NATS-sss, nats-sss §3.2) */
  timeCorrection?: boolean;
  /** what should be there, for the report of what is missing */
  expect?: { archIndexes: readonly number[]; seeds: readonly number[]; datasets: readonly string[]; hp: string };
  /** runs handed to the store at a time (default 2048) */
  batchRuns?: number;
}

export interface MergeReport extends PutResult {
  /** the store's search space */
  space: SpaceName;
  files: number;
  corrupt: { file: string; error: string }[];
  uncorrected: number[];
  missing: { archIndex: number; seed: number; dataset: string }[];
}

/** Record files directly in each input folder (or the input itself when it is a file). */
export function findRecordFiles(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new UserError(`results path ${input} does not exist`);
    if (statSync(input).isFile()) files.push(input);
    else files.push(...readdirSync(input).filter((n) => RECORD_NAME.test(n)).sort().map((n) => join(input, n)));
  }
  return files;
}

/** Runs handed to the store at a time: bounds memory (a full benchmark is 375,000 runs of 200-epoch curves). */
const BATCH_RUNS = 2048;

/** A record file's search space; a file whose arch index and string no space pairs is damaged. */
function recordSpace(file: string, record: RecordFile): SearchSpace {
  const space = spaceOfArch(record.archIndex, record.arch);
  if (space === null) throw new CorruptRecordError(`record file ${file}: arch ${record.archIndex} is not '${record.arch}' in either search space`);
  return space;
}

/** The space of the first intact record file, which a new store is made of (none: tss). */
function firstRecordSpace(files: readonly string[]): SpaceName | undefined {
  for (const file of files) {
    try {
      return recordSpace(file, readRecordFile(file)).name;
    } catch (err) {
      if (!(err instanceof CorruptRecordError)) throw err;
    }
  }
  return undefined;
}

export function mergeRecords(o: MergeOptions): MergeReport {
  const files = findRecordFiles(o.inputs);
  const isNew = !existsSync(o.out);
  const space = isNew ? firstRecordSpace(files) : undefined;
  // a new store appears only once the merge succeeded (BenchStore.write); an existing one is changed in one transaction
  return BenchStore.write(o.out, (store) => {
    const mismatch = (requested: string): SpaceMismatchError =>
      new SpaceMismatchError(
        o.out,
        store.space.name,
        requested,
        isNew ? `the inputs hold records of both spaces; merge each space's records into a store of its own` : `merge the '${requested}' records into a new store`,
      );
    const outOfSpace = o.expect?.archIndexes.find((i) => i >= store.space.size);
    if (outOfSpace !== undefined) throw new UserError(`expected arch ${outOfSpace} is not in the ${store.space.title} of ${o.out}: valid indexes are 0..${store.space.size - 1}`);
    const corrupt: MergeReport["corrupt"] = [];
    const uncorrected: number[] = [];
    const put: PutResult = { inserted: 0, unchanged: 0, replaced: 0, skipped: 0 };
    // one transaction, so a conflict still leaves the store as it was, while runs go in batch by batch
    store.transaction(() => {
      let batch: RunRecord[] = [];
      const flush = (): void => {
        const r = store.putRuns(batch, { onConflict: o.onConflict ?? "error" });
        for (const k of ["inserted", "unchanged", "replaced", "skipped"] as const) put[k] += r[k];
        batch = [];
      };
      for (const group of groupByArch(files)) {
        let runs: RunRecord[] = [];
        for (const file of group) {
          try {
            const record = readRecordFile(file);
            const fileSpace = recordSpace(file, record);
            // thrown, not reported: the transaction is undone, so no run of either space goes in
            if (fileSpace !== store.space) throw mismatch(fileSpace.name);
            // a record with an impossible value is damaged like one with a bad checksum: reported, the others merged
            for (const run of record.runs) validateRecord(run, `record file ${file}`, store.space);
            runs.push(...record.runs);
          } catch (err) {
            if (!(err instanceof CorruptRecordError) && !(err instanceof InvalidRecordError)) throw err;
            corrupt.push({ file, error: err.message });
          }
        }
        if (o.timeCorrection) {
          const c = TIME_CORRECTIONS[store.space.name].correct(runs);
          runs = c.runs;
          uncorrected.push(...c.uncorrected);
        }
        batch.push(...runs);
        if (batch.length >= (o.batchRuns ?? BATCH_RUNS)) flush();
      }
      flush();
    });
    // findBest reads the rankings summary; rebuild it so merged runs are ranked
    if (put.inserted + put.replaced > 0) store.refreshRankings();
    const missing: MergeReport["missing"] = [];
    if (o.expect) {
      const have = new Set(store.finalRows(o.expect.hp).map((r) => `${r.arch_index}/${r.seed}/${r.dataset}`));
      for (const archIndex of o.expect.archIndexes) {
        for (const seed of o.expect.seeds) {
          for (const dataset of o.expect.datasets) {
            if (!have.has(`${archIndex}/${seed}/${dataset}`)) missing.push({ archIndex, seed, dataset });
          }
        }
      }
    }
    return { ...put, space: store.space.name, files: files.length, corrupt, uncorrected, missing };
  }, space === undefined ? {} : { space });
}

/**
 * Files of one arch together, archs ascending (the time correction needs all runs of an arch at once; nothing else
 * needs more than one file in memory). Files not named `arch-NNNNNN-seed-…` (given by path) form one last group.
 */
function groupByArch(files: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const file of files) {
    const m = ARCH_OF_NAME.exec(basename(file));
    const key = m === null ? Infinity : Number(m[1]);
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
}

export interface ZeroCostMergeReport {
  /** stores read */
  stores: number;
  /** scores written (a score already in `out` for the same arch, dataset, seed and proxy is replaced by the same) */
  scores: number;
}

/** The per-job stores a zero-cost sweep wrote into a results folder (`<results>/zero-cost/zc-*.db`), sorted. */
export function findZeroCostStores(resultsDir: string): string[] {
  const dir = join(resultsDir, "zero-cost");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /^zc-.*\.db$/.test(n)).sort().map((n) => join(dir, n));
}

/**
 * Copies the zero-cost scores of `inputs` (stores, e.g. a zero-cost sweep's per-job stores) into the store `out`
 * through `putZeroCost`, the path `aa-nas zero-cost compute` writes by: the same records with their batch, seed,
 * version, seconds and device. Idempotent.
 */
export function mergeZeroCostStores(inputs: readonly string[], out: string): ZeroCostMergeReport {
  return BenchStore.write(out, (store) => {
    let scores = 0;
    for (const input of inputs) {
      const from = BenchStore.open(input);
      try {
        const rows = from.zeroCostScores();
        store.putZeroCost(rows);
        scores += rows.length;
      } finally {
        from.close();
      }
    }
    return { stores: inputs.length, scores };
  });
}
