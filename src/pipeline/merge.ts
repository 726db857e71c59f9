/**
 * `aa-nas merge`: folds record files into the benchmark store. Each record is verified (checksum, naming, consistency);
 * a damaged file is reported by name and skipped while every intact record is still merged. Merging is idempotent: the
 * store keys runs by (arch, hp, dataset, seed) and a record already merged with the same content is left as is.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { BenchStore, type PutOptions, type PutResult } from "../bench/store.js";
import type { RunRecord } from "../bench/record.js";
import { UserError } from "../errors.js";
import { CorruptRecordError, readRecordFile } from "./record-file.js";
import { correctTimes } from "./time-correction.js";

const RECORD_NAME = /^arch-\d{6}-seed-\d{4,}\.json$/;

export interface MergeOptions {
  inputs: readonly string[];
  out: string;
  onConflict?: PutOptions["onConflict"];
  /** apply the v1.1 / NATS time correction (spec §5.5) */
  timeCorrection?: boolean;
  /** what should be there, for the report of what is missing */
  expect?: { archIndexes: readonly number[]; seeds: readonly number[]; datasets: readonly string[]; hp: string };
}

export interface MergeReport extends PutResult {
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

export function mergeRecords(o: MergeOptions): MergeReport {
  const files = findRecordFiles(o.inputs);
  const corrupt: MergeReport["corrupt"] = [];
  let runs: RunRecord[] = [];
  for (const file of files) {
    try {
      runs.push(...readRecordFile(file).runs);
    } catch (err) {
      if (!(err instanceof CorruptRecordError)) throw err;
      corrupt.push({ file, error: err.message });
    }
  }
  let uncorrected: number[] = [];
  if (o.timeCorrection) ({ runs, uncorrected } = correctTimes(runs));
  const store = BenchStore.openOrCreate(o.out);
  try {
    const put = store.putRuns(runs, { onConflict: o.onConflict ?? "error" });
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
    return { ...put, files: files.length, corrupt, uncorrected, missing };
  } finally {
    store.close();
  }
}
