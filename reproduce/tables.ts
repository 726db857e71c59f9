/**
 * Reads the three all-architecture peer tables of test/fixtures/reference (see their SOURCE.md) into per-arch columns, and derives
 * what the searches need. Every approximation is named here and in docs/reproduction.md:
 * - 12-epoch reward: the mini-bench column, which is the MEAN over the 12-epoch trials (cifar10-valid: seeds 111 and 777;
 *   cifar100 / ImageNet16-120: one trial, seed 111). The original drew one trial at random; the trial noise is absent.
 * - 12-epoch train-all-time: the 200-epoch train-all-time × 12/200. Exact for NATS-tss / file v1.1, whose times are the
 *   pseudo times of spec §5.5 (every epoch of every hp equals the same per-epoch value).
 * - valid-per-time: not in any table. §5.5 defines it as N_valid·e with e = (ori-test + x-valid time)/35,000 of the
 *   12-epoch cifar10-valid seed-777 run; e is estimated as κ·T (T = per-epoch cifar10-valid train time) with κ the mean
 *   e/T of the three real sample records (archs 0, 11, 284).
 * - 200-epoch valid for cifar100 / ImageNet16-120: x-valid = 2·mean(ori-test) − mean(x-test) (the two halves are equal
 *   in size, so the trial means satisfy ori-test = (x-valid + x-test)/2 exactly).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { NUM_ARCHS, allArchs } from "../packages/core/src/space/index.js";
import type { DatasetTable, SearchDataset } from "../packages/core/src/search/index.js";
import { TableBenchmark } from "../packages/core/src/search/index.js";

export const TABLE_FILES = {
  twelveEpoch: "nb201-all-archs-12ep-mini-bench/mini-bench-arch-cell-accs.csv",
  perSeed: "nb201-all-archs-200ep-per-seed/metric_vals.csv",
  test200: "nb201-all-archs-200ep-test/nats_bench.csv",
  samples: "nats-tss-sample-archs-json",
} as const;

export const SAMPLE_ARCHS = [0, 11, 284] as const;

/** Images in each dataset's x-valid set (spec §5.5): the valid-per-time multiplier. */
export const VALID_IMAGES: Readonly<Record<SearchDataset, number>> = { cifar10: 25000, cifar100: 5000, "ImageNet16-120": 3000 };

/** The per-seed table's dataset column prefix for each search dataset. */
const PER_SEED_KEY: Readonly<Record<SearchDataset, string>> = {
  cifar10: "cifar10-valid",
  cifar100: "cifar100",
  "ImageNet16-120": "ImageNet16-120",
};

export interface ArchColumns {
  /** 12-epoch x-valid (mean over the 12-epoch trials) and 12-epoch test column of the mini-bench */
  valid12: Float64Array;
  test12: Float64Array;
  /** per-seed 200-epoch accuracy (cifar10: cifar10-valid x-valid; others: ori-test); NaN where the seed is absent */
  perSeed200: [Float64Array, Float64Array, Float64Array];
  /** 200-epoch train-all-time (s) of this dataset key */
  trainAllTime200: Float64Array;
  /** params (MB) of the first 200-epoch trial, as the per-seed table stores it */
  params200: Float64Array;
  /** mean 200-epoch test: cifar10 ori-test / x-test */
  test200: Float64Array;
}

export interface PeerTables {
  trials: Int32Array;
  columns: Record<SearchDataset, ArchColumns>;
  /** κ = e/T estimated from the sample records, and the three ratios it averages */
  evalTimeRatio: { kappa: number; samples: { archIndex: number; ratio: number }[] };
}

export const SEEDS_200 = [777, 888, 999] as const;

/** A text file by its published name, or its gzip-compressed copy `<name>.gz` (the fixtures store large tables so). */
function readText(path: string): string {
  if (existsSync(path)) return readFileSync(path, "utf8");
  return Buffer.from(gunzipSync(readFileSync(`${path}.gz`))).toString("utf8");
}

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readText(path).split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(",");
  return { header, rows: lines.slice(1).map((l) => l.split(",")) };
}

function column(table: { header: string[]; rows: string[][] }, name: string): (row: string[]) => string {
  const i = table.header.indexOf(name);
  if (i < 0) throw new Error(`column '${name}' missing (have: ${table.header.join(", ")})`);
  return (row) => row[i] ?? "";
}

function expectArchOrder(archs: string[], what: string): void {
  const expected = allArchs();
  if (archs.length !== NUM_ARCHS) throw new Error(`${what}: expected ${NUM_ARCHS} rows, got ${archs.length}`);
  archs.forEach((a, i) => {
    if (a !== expected[i]) throw new Error(`${what}: row ${i} holds '${a}', expected '${expected[i]}'`);
  });
}

/** e/T for one sample record: (ori-test + x-valid time)/35,000 over the per-epoch train time, 12-epoch seed-777 run. */
function sampleRatio(dataDir: string, archIndex: number): number {
  const file = join(dataDir, TABLE_FILES.samples, `${String(archIndex).padStart(6, "0")}.json`);
  const rec = JSON.parse(readText(file)) as {
    "12": { all_results: Record<string, { train_times: Record<string, number>; eval_times: Record<string, number> }> };
  };
  const run = rec["12"].all_results["cifar10-valid@777"];
  if (run === undefined) throw new Error(`${file}: no 12-epoch cifar10-valid seed-777 run`);
  const T = run.train_times["0"]!;
  const e = (run.eval_times["x-valid@11"]! + run.eval_times["ori-test@11"]!) / 35000;
  return e / T;
}

export function loadPeerTables(dataDir: string): PeerTables {
  const mini = readCsv(join(dataDir, TABLE_FILES.twelveEpoch));
  const seeds = readCsv(join(dataDir, TABLE_FILES.perSeed));
  const tests = readCsv(join(dataDir, TABLE_FILES.test200));
  expectArchOrder(mini.rows.map(column(mini, "cellstr")), TABLE_FILES.twelveEpoch);
  expectArchOrder(seeds.rows.map(column(seeds, "arch_str")), TABLE_FILES.perSeed);
  expectArchOrder(tests.rows.map(column(tests, "ArchitectureString")), TABLE_FILES.test200);

  const num = (s: string): number => (s === "" ? NaN : Number(s));
  const col = (t: { header: string[]; rows: string[][] }, name: string): Float64Array =>
    Float64Array.from(t.rows.map(column(t, name)), num);

  const miniNames: Record<SearchDataset, [string, string]> = {
    cifar10: ["cifar10-val", "cifar10-test"],
    cifar100: ["cifar100-val", "cifar100-test"],
    "ImageNet16-120": ["imagenet-val", "imagenet-test"],
  };
  const testNames: Record<SearchDataset, string> = {
    cifar10: "CIFAR10TestAccuracy200Epochs",
    cifar100: "CIFAR100TestAccuracy200Epochs",
    "ImageNet16-120": "ImageNetTestAccuracy200Epochs",
  };
  const accName = (d: SearchDataset, seed: number): string =>
    d === "cifar10" ? `cifar10-valid_x-valid_acc_seed${seed}` : `${PER_SEED_KEY[d]}_ori-test_acc_seed${seed}`;

  const columns = {} as Record<SearchDataset, ArchColumns>;
  for (const d of ["cifar10", "cifar100", "ImageNet16-120"] as const) {
    columns[d] = {
      valid12: col(mini, miniNames[d][0]),
      test12: col(mini, miniNames[d][1]),
      perSeed200: [col(seeds, accName(d, 777)), col(seeds, accName(d, 888)), col(seeds, accName(d, 999))],
      trainAllTime200: col(seeds, `${PER_SEED_KEY[d]}_train_all_time_s`),
      params200: col(seeds, `${PER_SEED_KEY[d]}_params_MB`),
      test200: col(tests, testNames[d]),
    };
  }
  const samples = SAMPLE_ARCHS.map((archIndex) => ({ archIndex, ratio: sampleRatio(dataDir, archIndex) }));
  const kappa = samples.reduce((s, x) => s + x.ratio, 0) / samples.length;
  return { trials: Int32Array.from(seeds.rows.map(column(seeds, "n_trials")), Number), columns, evalTimeRatio: { kappa, samples } };
}

/** Mean of the per-seed values present (NaN entries are absent seeds). */
export function seedMean(c: ArchColumns, i: number): number {
  let s = 0;
  let n = 0;
  for (const col of c.perSeed200) {
    const v = col[i]!;
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return s / n;
}

/** 200-epoch valid as the paper reports it: cifar10 → cifar10-valid x-valid; others → x-valid = 2·ori-test − x-test. */
export function final200Valid(tables: PeerTables, d: SearchDataset, i: number): number {
  const c = tables.columns[d];
  const m = seedMean(c, i);
  return d === "cifar10" ? m : 2 * m - c.test200[i]!;
}

/** Per-epoch cifar10-valid train time T (the unit of the pseudo times). */
export function perEpochTime(tables: PeerTables, i: number): number {
  return tables.columns.cifar10.trainAllTime200[i]! / 200;
}

/** valid-per-time estimate N_valid·κ·T. */
export function validPerTime(tables: PeerTables, d: SearchDataset, i: number): number {
  return VALID_IMAGES[d] * tables.evalTimeRatio.kappa * perEpochTime(tables, i);
}

/** Simulated seconds of one 12-epoch evaluation: 12-epoch train-all-time + valid-per-time. */
export function evaluationCost(tables: PeerTables, d: SearchDataset, i: number): number {
  return (tables.columns[d].trainAllTime200[i]! * 12) / 200 + validPerTime(tables, d, i);
}

/** The peer tables as a search benchmark, without going through a store. */
export function tableBenchmark(tables: PeerTables): TableBenchmark {
  const make = (d: SearchDataset): DatasetTable => {
    const c = tables.columns[d];
    const idx = Array.from({ length: NUM_ARCHS }, (_, i) => i);
    return {
      rewards: idx.map((i) => [c.valid12[i]!]),
      cost: Float64Array.from(idx, (i) => evaluationCost(tables, d, i)),
      valid: Float64Array.from(idx, (i) => final200Valid(tables, d, i)),
      test: Float64Array.from(c.test200),
    };
  };
  return new TableBenchmark({ cifar10: make("cifar10"), cifar100: make("cifar100"), "ImageNet16-120": make("ImageNet16-120") });
}
