/**
 * The "lite" store: a benchmark store built from the public all-architecture tables instead of the official files.
 * They hold final accuracies (12-epoch means, 200-epoch per-seed values and test means) and 200-epoch train times of
 * all 15,625 archs, nothing else; docs/getting-the-benchmark.md names them and docs/format.md the representation.
 *
 *   importTables(dir, store, opts?) → ImportSummary (kind 'tables')   dir: the tables, each by its published name,
 *       either at the top of `dir` or in the reference layout (<folder>/<file>, gzip-compressed `<file>.gz` accepted):
 *         mini-bench-arch-cell-accs.csv   12-epoch accuracies (cifar10-valid: mean of seeds 111 and 777)
 *         metric_vals.csv                 200-epoch per-seed accuracy, train-all-time and params
 *         nats_bench.csv                  200-epoch mean test accuracy
 *         sample archs 000000 / 000011 / 000284 as JSON (nats-tss-sample-archs-json/): the eval-time ratio κ
 *
 * What the tables lack is ABSENT, not NaN: losses, train accuracies, top-5, latency, and cifar10-valid ori-test are
 * stored as "not recorded" (RunRecord curves null; zero-length BLOBs in the store) and the query API raises
 * MetricNotInStoreError for them. Every record names, in `provenance.source`, the table and column of each of its
 * values and how the derived ones were computed ("table:" prefix). Derivations (also in docs/reproduction.md):
 * - times are the v1.1 / NATS pseudo times of spec §5.5: per-epoch train time = 200-epoch train-all-time / 200 scaled by
 *   the dataset's train images (ratios 1 / 2 / 2 / 6.068, the table's own); eval time per epoch N_set·κ·T;
 * - hp 12: only the MEAN over the 12-epoch trials is known. cifar10-valid had two trials (seeds 111, 777): both records
 *   carry the mean. ori-test of cifar100 / ImageNet16-120 = (x-valid + x-test)/2 (equal halves);
 * - hp 200: per-seed cifar10-valid x-valid and cifar100 / ImageNet16-120 ori-test are real per-seed values; the test
 *   means (cifar10 ori-test, x-test) are copied to every seed; x-valid of cifar100 / ImageNet16-120 per seed =
 *   2·ori-test(seed) − mean x-test (its mean over seeds is exact; the 5 of 78,838 values outside [0, 100] are absent).
 *   Archs with two trials are labelled seeds 777, 888 by the table's generator: `seedImputed` is set for them;
 * - params / FLOPs: the closed form (spec §2.5) — the hp-200 table column carries the known NATS legacy bug.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "fflate";
import { UserError } from "../../errors.js";
import { FormatError } from "../../formats/errors.js";
import { NUM_ARCHS, allArchs, archAt, archCosts } from "../../space/index.js";
import { TABLE_SOURCE_PREFIX, datasetInfo, type DatasetKey, type EvalCurve, type EvalSet, type RunRecord } from "../../registry/index.js";
import type { BenchStore, PutOptions, PutResult } from "../store.js";

/** The tables by their path in the reference layout; the file name alone is the published name. */
export const TABLE_FILES = {
  twelveEpoch: "nb201-all-archs-12ep-mini-bench/mini-bench-arch-cell-accs.csv",
  perSeed: "nb201-all-archs-200ep-per-seed/metric_vals.csv",
  test200: "nb201-all-archs-200ep-test/nats_bench.csv",
  samples: "nats-tss-sample-archs-json",
} as const;

/** The three archs whose real records give κ (their JSON decodings sit in TABLE_FILES.samples). */
export const SAMPLE_ARCHS = [0, 11, 284] as const;

/** Seeds the per-seed table's generator labels its trials with, in column order. */
export const SEEDS_200 = [777, 888, 999] as const;

/** The datasets the tables cover, named as the searches name them. */
export type TableDataset = "cifar10" | "cifar100" | "ImageNet16-120";
const TABLE_DATASETS: readonly TableDataset[] = ["cifar10", "cifar100", "ImageNet16-120"];

/** The per-seed table's dataset column prefix for each dataset (cifar10's valid numbers are cifar10-valid's). */
const PER_SEED_KEY: Readonly<Record<TableDataset, string>> = { cifar10: "cifar10-valid", cifar100: "cifar100", "ImageNet16-120": "ImageNet16-120" };
const MINI_COLUMNS: Readonly<Record<TableDataset, [string, string]>> = {
  cifar10: ["cifar10-val", "cifar10-test"],
  cifar100: ["cifar100-val", "cifar100-test"],
  "ImageNet16-120": ["imagenet-val", "imagenet-test"],
};
const TEST_COLUMNS: Readonly<Record<TableDataset, string>> = {
  cifar10: "CIFAR10TestAccuracy200Epochs",
  cifar100: "CIFAR100TestAccuracy200Epochs",
  "ImageNet16-120": "ImageNetTestAccuracy200Epochs",
};
const perSeedAccColumn = (d: TableDataset, seed: number): string =>
  d === "cifar10" ? `cifar10-valid_x-valid_acc_seed${seed}` : `${PER_SEED_KEY[d]}_ori-test_acc_seed${seed}`;

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

/** The tables as parsed columns (arch index order). NaN in a column is a blank cell, never a stored value. */
export interface PeerTables {
  trials: Int32Array;
  columns: Record<TableDataset, ArchColumns>;
  /** κ = e/T estimated from the sample records, and the three ratios it averages */
  evalTimeRatio: { kappa: number; samples: { archIndex: number; ratio: number }[] };
}

/** `rel` (reference layout) under `dir`, or its file name at the top of `dir`; each plain or as `<name>.gz`. */
function locate(dir: string, rel: string): string {
  for (const p of [join(dir, rel), join(dir, basename(rel))]) {
    if (existsSync(p)) return p;
    if (existsSync(`${p}.gz`)) return `${p}.gz`;
  }
  throw new UserError(`${dir}: no ${basename(rel)} (looked for ${rel} and ${basename(rel)}, plain or .gz); the lite import needs the three all-arch tables and the sample-arch JSON files (docs/getting-the-benchmark.md)`);
}

function readText(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith(".gz") ? Buffer.from(gunzipSync(bytes)).toString("utf8") : bytes.toString("utf8");
}

interface Csv {
  path: string;
  header: string[];
  rows: string[][];
}

function readCsv(path: string): Csv {
  const lines = readText(path).split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) throw new FormatError(`${path} is empty`);
  return { path, header: lines[0]!.split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

function column(table: Csv, name: string): (row: string[]) => string {
  const i = table.header.indexOf(name);
  if (i < 0) throw new FormatError(`${table.path}: column '${name}' missing (have: ${table.header.join(", ")})`);
  return (row) => row[i] ?? "";
}

function numbers(table: Csv, name: string): Float64Array {
  const get = column(table, name);
  return Float64Array.from(table.rows, (row, r) => {
    const s = get(row).trim();
    if (s === "") return NaN;
    const v = Number(s);
    if (!Number.isFinite(v)) throw new FormatError(`${table.path}: row ${r + 1}, column '${name}' is '${s}', expected a number or a blank`);
    return v;
  });
}

function expectArchOrder(table: Csv, name: string): void {
  const expected = allArchs();
  const archs = table.rows.map(column(table, name));
  if (archs.length !== NUM_ARCHS) throw new FormatError(`${table.path}: expected ${NUM_ARCHS} rows, got ${archs.length}`);
  archs.forEach((a, i) => {
    if (a !== expected[i]) throw new FormatError(`${table.path}: row ${i + 1} holds '${a}', expected '${expected[i]}' (arch index order)`);
  });
}

/** e/T for one sample record: (ori-test + x-valid time)/35,000 over the per-epoch train time, 12-epoch seed-777 run. */
function sampleRatio(dir: string, archIndex: number): number {
  const file = locate(dir, join(TABLE_FILES.samples, `${String(archIndex).padStart(6, "0")}.json`));
  const rec = JSON.parse(readText(file)) as {
    "12"?: { all_results?: Record<string, { train_times?: Record<string, number>; eval_times?: Record<string, number> }> };
  };
  const run = rec["12"]?.all_results?.["cifar10-valid@777"];
  const T = run?.train_times?.["0"];
  const xv = run?.eval_times?.["x-valid@11"];
  const ot = run?.eval_times?.["ori-test@11"];
  if (T === undefined || xv === undefined || ot === undefined) throw new FormatError(`${file}: no 12-epoch cifar10-valid seed-777 run with train and eval times`);
  return (xv + ot) / 35000 / T;
}

/** Reads and checks the tables (arch order, columns, numbers). */
export function loadPeerTables(dir: string): PeerTables {
  const mini = readCsv(locate(dir, TABLE_FILES.twelveEpoch));
  const seeds = readCsv(locate(dir, TABLE_FILES.perSeed));
  const tests = readCsv(locate(dir, TABLE_FILES.test200));
  expectArchOrder(mini, "cellstr");
  expectArchOrder(seeds, "arch_str");
  expectArchOrder(tests, "ArchitectureString");
  const columns = {} as Record<TableDataset, ArchColumns>;
  for (const d of TABLE_DATASETS) {
    columns[d] = {
      valid12: numbers(mini, MINI_COLUMNS[d][0]),
      test12: numbers(mini, MINI_COLUMNS[d][1]),
      perSeed200: [numbers(seeds, perSeedAccColumn(d, 777)), numbers(seeds, perSeedAccColumn(d, 888)), numbers(seeds, perSeedAccColumn(d, 999))],
      trainAllTime200: numbers(seeds, `${PER_SEED_KEY[d]}_train_all_time_s`),
      params200: numbers(seeds, `${PER_SEED_KEY[d]}_params_MB`),
      test200: numbers(tests, TEST_COLUMNS[d]),
    };
  }
  const trials = Int32Array.from(seeds.rows.map(column(seeds, "n_trials")), Number);
  trials.forEach((t, i) => {
    if (t < 1 || t > 3) throw new FormatError(`${seeds.path}: row ${i + 1} has n_trials ${t}, expected 1..3`);
  });
  const samples = SAMPLE_ARCHS.map((archIndex) => ({ archIndex, ratio: sampleRatio(dir, archIndex) }));
  const kappa = samples.reduce((s, x) => s + x.ratio, 0) / samples.length;
  return { trials, columns, evalTimeRatio: { kappa, samples } };
}

/** Per-epoch cifar10-valid train time T (the unit of the pseudo times). */
export function perEpochTime(tables: PeerTables, i: number): number {
  return tables.columns.cifar10.trainAllTime200[i]! / 200;
}

/** Images per split (spec §5.5): train images set the per-epoch train time, eval images the per-epoch eval time. */
const TRAIN_IMAGES: Record<DatasetKey, number> = { "cifar10-valid": 25000, cifar10: 50000, cifar100: 50000, "ImageNet16-120": 151700 };
const EVAL_IMAGES: Record<DatasetKey, Partial<Record<EvalSet, number>>> = {
  "cifar10-valid": { "x-valid": 25000, "ori-test": 10000 },
  cifar10: { "ori-test": 10000 },
  cifar100: { "x-valid": 5000, "x-test": 5000, "ori-test": 10000 },
  "ImageNet16-120": { "x-valid": 3000, "x-test": 3000, "ori-test": 6000 },
};

const filled = (n: number, v: number): number[] => new Array<number>(n).fill(v);

/** One value of a record and where it came from. */
interface Sourced {
  value: number;
  /** the table file and column, or the derivation */
  from: string;
}

interface RecordSpec {
  dataset: DatasetKey;
  hp: "12" | "200";
  seed: number;
  seedImputed: boolean;
  /** final-epoch accuracy per eval set that the tables give; null: derived value outside [0, 100], stored as absent */
  acc: Partial<Record<EvalSet, Sourced | { value: null; from: string }>>;
}

const file = (rel: string): string => basename(rel);

function makeRecord(tables: PeerTables, archIndex: number, spec: RecordSpec): RunRecord {
  const epochs = spec.hp === "12" ? 12 : 200;
  const arch = archAt(archIndex);
  const T = perEpochTime(tables, archIndex);
  // T/25000·N reproduces the table's own dataset ratios (2 for cifar100, 6.068 = 151700/25000 for ImageNet16-120)
  const trainPerEpoch = (T / 25000) * TRAIN_IMAGES[spec.dataset];
  const evalPerImage = tables.evalTimeRatio.kappa * T;
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  const notes: string[] = [];
  for (const [set, acc] of Object.entries(spec.acc) as [EvalSet, RecordSpec["acc"][EvalSet]][]) {
    if (acc === undefined) continue;
    const perEpoch = evalPerImage * EVAL_IMAGES[spec.dataset][set]!;
    evals[set] = { epochs: [epochs - 1], loss: null, acc: acc.value === null ? null : [acc.value], time: [perEpoch], timeAllEpochs: filled(epochs, perEpoch) };
    notes.push(`${set} acc@${epochs - 1} = ${acc.from}`);
  }
  const costs = archCosts(arch, spec.dataset);
  notes.push(
    `train time/epoch = ${file(TABLE_FILES.perSeed)} cifar10-valid_train_all_time_s/200 × ${TRAIN_IMAGES[spec.dataset]}/25000`,
    `eval time/epoch = κ·T·images (κ ${tables.evalTimeRatio.kappa.toExponential(6)} from sample archs ${SAMPLE_ARCHS.join(", ")})`,
    "params/flops = closed form",
    "not recorded: losses, train accuracy, top-5, latency",
  );
  return {
    archIndex,
    arch,
    hp: spec.hp,
    dataset: spec.dataset,
    seed: spec.seed,
    epochs,
    params: costs.params,
    flops: costs.flops,
    latency: null,
    config: { channel: 16, numCells: 5, classNum: datasetInfo(spec.dataset).classes },
    train: { loss: null, acc1: null, acc5: null, time: filled(epochs, trainPerEpoch) },
    evals,
    provenance: { seedImputed: spec.seedImputed, timesEstimated: true, device: null, source: `${TABLE_SOURCE_PREFIX} ${notes.join("; ")}` },
  };
}

/** All RunRecords the tables support for one arch (17 for a 3-trial arch, 13 for a 2-trial arch). */
export function recordsForArch(tables: PeerTables, i: number): RunRecord[] {
  const c = tables.columns;
  const mini = file(TABLE_FILES.twelveEpoch);
  const perSeed = file(TABLE_FILES.perSeed);
  const test = file(TABLE_FILES.test200);
  const out: RunRecord[] = [];
  for (const seed of [111, 777]) {
    const from = `${mini} ${MINI_COLUMNS.cifar10[0]} (mean of seeds 111 and 777, copied to each)`;
    out.push(makeRecord(tables, i, { dataset: "cifar10-valid", hp: "12", seed, seedImputed: false, acc: { "x-valid": { value: c.cifar10.valid12[i]!, from } } }));
  }
  out.push(
    makeRecord(tables, i, {
      dataset: "cifar10",
      hp: "12",
      seed: 111,
      seedImputed: false,
      acc: { "ori-test": { value: c.cifar10.test12[i]!, from: `${mini} ${MINI_COLUMNS.cifar10[1]}` } },
    }),
  );
  for (const d of ["cifar100", "ImageNet16-120"] as const) {
    const [vc, tc] = MINI_COLUMNS[d];
    const v = c[d].valid12[i]!;
    const t = c[d].test12[i]!;
    out.push(
      makeRecord(tables, i, {
        dataset: d,
        hp: "12",
        seed: 111,
        seedImputed: false,
        acc: {
          "x-valid": { value: v, from: `${mini} ${vc}` },
          "x-test": { value: t, from: `${mini} ${tc}` },
          "ori-test": { value: (v + t) / 2, from: `(${mini} ${vc} + ${tc})/2` },
        },
      }),
    );
  }

  const trials = tables.trials[i]!;
  const seedImputed = trials < 3;
  SEEDS_200.slice(0, trials).forEach((seed, k) => {
    out.push(
      makeRecord(tables, i, {
        dataset: "cifar10-valid",
        hp: "200",
        seed,
        seedImputed,
        acc: { "x-valid": { value: c.cifar10.perSeed200[k]![i]!, from: `${perSeed} ${perSeedAccColumn("cifar10", seed)}` } },
      }),
    );
    out.push(
      makeRecord(tables, i, {
        dataset: "cifar10",
        hp: "200",
        seed,
        seedImputed,
        acc: { "ori-test": { value: c.cifar10.test200[i]!, from: `${test} ${TEST_COLUMNS.cifar10} (mean over trials, copied to each seed)` } },
      }),
    );
    for (const d of ["cifar100", "ImageNet16-120"] as const) {
      const ori = c[d].perSeed200[k]![i]!;
      const xtest = c[d].test200[i]!;
      const oriFrom = `${perSeed} ${perSeedAccColumn(d, seed)}`;
      const testFrom = `${test} ${TEST_COLUMNS[d]}`;
      // exact for the means; per seed an estimate, which for 5 of 78,838 trials (one diverged seed of an
      // ImageNet16-120 arch, e.g. arch 818 seed 888: −3.79) is no accuracy at all: those are absent
      const derived = 2 * ori - xtest;
      const inRange = derived >= 0 && derived <= 100;
      out.push(
        makeRecord(tables, i, {
          dataset: d,
          hp: "200",
          seed,
          seedImputed,
          acc: {
            "ori-test": { value: ori, from: oriFrom },
            "x-test": { value: xtest, from: `${testFrom} (mean over trials, copied to each seed)` },
            "x-valid": inRange
              ? { value: derived, from: `2·ori-test − x-test` }
              : { value: null, from: `not recorded (2·ori-test − x-test = ${derived}, outside [0, 100])` },
          },
        }),
      );
    }
  });
  return out;
}

export interface TablesImportOptions {
  /** import source name recorded in the store's `imports` table (default 'nb201-all-arch-tables') */
  source?: string;
  onConflict?: PutOptions["onConflict"];
  /** archs per transaction (default 250) */
  batchArchs?: number;
  onProgress?: (p: { done: number; total: number; unit: "archs" }) => void;
  /** import only these arch indexes (a quick partial store); default all 15,625 */
  archs?: readonly number[];
}

export interface TablesImportSummary {
  kind: "tables";
  source: string;
  archs: number;
  skippedArchs: number;
  runs: PutResult;
  /** κ and the sample ratios it averages */
  kappa: number;
}

export const DEFAULT_TABLES_SOURCE = "nb201-all-arch-tables";

/** Whether `path` looks like the lite import's input: a folder holding the tables or a table file itself. */
export function isTablesInput(path: string): boolean {
  const name = basename(path);
  if (Object.values(TABLE_FILES).some((rel) => name === basename(rel) || name === `${basename(rel)}.gz`)) return true;
  try {
    if (!statSync(path).isDirectory()) return false;
  } catch {
    return false;
  }
  try {
    locate(path, TABLE_FILES.perSeed);
    return true;
  } catch {
    return false;
  }
}

/**
 * Imports the tables in `dir` into `store` (resumable: archs this source already imported are skipped). A path to
 * one of the table files stands for the folder holding it.
 */
export function importTables(path: string, store: BenchStore, opts: TablesImportOptions = {}): TablesImportSummary {
  let dir = path;
  if (!statSync(path).isDirectory()) {
    const parent = join(path, "..");
    // a table file in the reference layout (<folder>/<file>) stands for the layout's root
    dir = existsSync(join(parent, "..", TABLE_FILES.perSeed)) || existsSync(join(parent, "..", `${TABLE_FILES.perSeed}.gz`)) ? join(parent, "..") : parent;
  }
  const tables = loadPeerTables(dir);
  const source = opts.source ?? DEFAULT_TABLES_SOURCE;
  const done = store.importedArchs(source);
  const wanted = opts.archs === undefined ? null : new Set(opts.archs);
  for (const i of wanted ?? []) {
    if (!Number.isInteger(i) || i < 0 || i >= NUM_ARCHS) throw new UserError(`arch index ${i} is out of range: valid indexes are 0..${NUM_ARCHS - 1}`);
  }
  const batch = opts.batchArchs ?? 250;
  const result: PutResult = { inserted: 0, unchanged: 0, replaced: 0, skipped: 0 };
  let written = 0;
  let skipped = 0;
  for (let start = 0; start < NUM_ARCHS; start += batch) {
    const archs: number[] = [];
    for (let i = start; i < Math.min(start + batch, NUM_ARCHS); i++) {
      if (wanted !== null && !wanted.has(i)) continue;
      if (done.has(i)) skipped++;
      else archs.push(i);
    }
    if (archs.length > 0) {
      store.transaction(() => {
        const r = store.putRuns(archs.flatMap((i) => recordsForArch(tables, i)), { onConflict: opts.onConflict });
        result.inserted += r.inserted;
        result.unchanged += r.unchanged;
        result.replaced += r.replaced;
        result.skipped += r.skipped;
        store.markImported(source, archs);
      });
      written += archs.length;
    }
    opts.onProgress?.({ done: Math.min(start + batch, NUM_ARCHS), total: NUM_ARCHS, unit: "archs" });
  }
  if (written > 0) store.refreshRankings();
  return { kind: "tables", source, archs: written, skippedArchs: skipped, runs: result, kappa: tables.evalTimeRatio.kappa };
}
