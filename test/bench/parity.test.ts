/**
 * The NATS-Bench parity members of NasBench (docs/api-mapping.md) against the real sample records: seeds and dataset
 * names against the golden answers of nats_bench 1.8, per-seed trials against the independently decoded JSON records.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NasBench, toOriginalKeys } from "../../packages/core/src/bench/api.js";
import { BENCH_STORE_ENV, defaultStorePath, openBench } from "../../packages/core/src/bench/default-store.js";
import { BenchQueryError, StoreError } from "../../packages/core/src/bench/errors.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { NUM_ARCHS, PyRandom } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE, readReferenceJson, referencePath } from "../support/reference.js";

interface GoldenCase {
  index: number;
  hp: string;
  dataset: string;
  seeds: number[];
  get_more_info_mean: Record<string, unknown>;
  get_more_info_by_seed: Record<string, Record<string, unknown>>;
}
const golden = readReferenceJson<{ cases: GoldenCase[] }>("nats-api-golden", "golden-api-nats_bench-v1.8.json");

/** One trial of the decoded sample records (the original's ResultsCount state). */
interface JsonTrial {
  seed: number | string;
  epochs: number;
  params: number;
  flop: number;
  latency: number[] | null;
  arch_config: { channel: number; num_cells: number; arch_str: string };
  train_acc1es: Record<string, number>;
  train_losses: Record<string, number>;
  train_times: Record<string, number> | null;
  eval_names: string[];
  eval_acc1es: Record<string, number>;
}
type JsonArch = Record<string, { dataset_seed: Record<string, number[]>; all_results: Record<string, JsonTrial> }>;
const SAMPLES = [0, 11, 284];
const decoded = new Map(SAMPLES.map((i) => [i, readReferenceJson<JsonArch>("nats-tss-sample-archs-json", `${String(i).padStart(6, "0")}.json`)]));

let dir: string;
let bench: NasBench;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-parity-"));
  const store = BenchStore.create(join(dir, "bench.sqlite"));
  importBenchmark(referencePath(NATS_SAMPLE), store);
  store.close();
  bench = NasBench.open(join(dir, "bench.sqlite"));
});

afterAll(() => {
  bench?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("what a store holds (get_dataset_seeds, get_dataset_names, hps per arch)", () => {
  test("seedsOf equals the seeds the real API reports, for every golden case", () => {
    expect(golden.cases.length).toBe(24);
    for (const c of golden.cases) expect(bench.seedsOf(c.index, c.dataset, { hp: c.hp }), `${c.index} ${c.hp} ${c.dataset}`).toStrictEqual(c.seeds);
  });

  test("datasetsOf and hpsOf equal the record's dataset_seed keys and hp keys, in the original's order", () => {
    for (const [index, rec] of decoded) {
      expect(bench.hpsOf(index)).toStrictEqual(Object.keys(rec));
      for (const hp of Object.keys(rec)) expect(bench.datasetsOf(index, { hp })).toStrictEqual(Object.keys(rec[hp]!.dataset_seed));
    }
    expect(bench.hpsOf(1)).toStrictEqual([]);
  });

  test("unknown datasets, hps and indexes are errors that list what is valid", () => {
    expect(() => bench.seedsOf(0, "cifar11", { hp: "12" })).toThrow(/unknown dataset 'cifar11'.*cifar10-valid/);
    expect(() => bench.datasetsOf(0, { hp: "90" })).toThrow(/unknown hp '90': valid hps are '12' or '200'/);
    expect(() => bench.seedsOf(1, "cifar10", { hp: "12" })).toThrow(/arch 1 has no results in this store \(it holds 3 archs\)/);
    expect(() => bench.hpsOf(NUM_ARCHS)).toThrow(BenchQueryError);
  });
});

describe("queryByIndex (query_by_index with a dataset: every trial by seed)", () => {
  test("each trial is the stored record: curves, costs, latency and config equal the decoded original", () => {
    for (const c of golden.cases) {
      const trials = bench.queryByIndex(c.index, c.dataset, { hp: c.hp });
      expect([...trials.keys()]).toStrictEqual(c.seeds);
      for (const [seed, record] of trials) {
        const orig = decoded.get(c.index)![c.hp]!.all_results[`${c.dataset}@${seed}`]!;
        expect(Number(orig.seed)).toBe(seed);
        expect(record.epochs).toBe(orig.epochs);
        expect(record.params).toBe(orig.params);
        expect(record.flops).toBe(orig.flop);
        expect(record.latency).toStrictEqual(orig.latency);
        expect(record.config).toMatchObject({ channel: orig.arch_config.channel, numCells: orig.arch_config.num_cells });
        expect(record.arch).toBe(orig.arch_config.arch_str);
        expect(record.train.acc1).toStrictEqual(Object.values(orig.train_acc1es));
        expect(record.train.loss).toStrictEqual(Object.values(orig.train_losses));
        expect(record.train.time).toStrictEqual(orig.train_times === null ? null : Object.values(orig.train_times));
        expect(Object.keys(record.evals)).toStrictEqual(orig.eval_names);
        for (const set of orig.eval_names) {
          const curve = record.evals[set as "x-valid"]!;
          const expected = Object.entries(orig.eval_acc1es).filter(([k]) => k.startsWith(`${set}@`));
          expect(curve.epochs).toStrictEqual(expected.map(([k]) => Number(k.split("@")[1])));
          expect(curve.acc).toStrictEqual(expected.map(([, v]) => v));
        }
      }
    }
  });

  test("a trial's record agrees with getMoreInfo for that seed (the golden per-seed answer)", () => {
    const c = golden.cases.find((x) => x.index === 11 && x.hp === "200" && x.dataset === "cifar100")!;
    for (const [seed, record] of bench.queryByIndex(11, "cifar100", { hp: "200" })) {
      const info = toOriginalKeys(bench.getMoreInfo(11, "cifar100", { hp: "200", trial: seed }));
      expect(info["train-accuracy"]).toBe(record.train.acc1![record.epochs - 1]);
      expect(info).toStrictEqual(c.get_more_info_by_seed[String(seed)]);
    }
  });
});

describe("migration trap: getMoreInfo's default trial", () => {
  test("without trial it is the mean over seeds (NATS's default is_random=True draws one seed)", () => {
    for (const c of golden.cases.filter((x) => x.seeds.length > 1)) {
      const dflt = toOriginalKeys(bench.getMoreInfo(c.index, c.dataset, { hp: c.hp }));
      expect(dflt).toStrictEqual(c.get_more_info_mean);
      // the mean is no single seed's answer, so code that relied on the original's default would see other numbers
      for (const perSeed of Object.values(c.get_more_info_by_seed)) expect(dflt["train-loss"]).not.toBe(perSeed["train-loss"]);
    }
  });
});

describe("space facts, random() and the summary", () => {
  test("searchSpaceName, isTopology, isSize and fullTrainEpochs", () => {
    expect([bench.searchSpaceName, bench.isTopology, bench.isSize, bench.fullTrainEpochs]).toStrictEqual(["topology", true, false, 200]);
    // the full schedule is the one the store's hp-200 trials ran
    expect(bench.getTotalEpoch(0, "cifar10", { hp: "200" })).toBe(bench.fullTrainEpochs);
  });

  test("random() draws like CPython's random.randint(0, 15624) after random.seed(s)", () => {
    // CPython 3.11: random.seed(0); [random.randint(0, 15624) for _ in range(5)]  and the same after random.seed(7)
    const rng = new PyRandom(0);
    expect(Array.from({ length: 5 }, () => bench.random(rng))).toStrictEqual([13835, 6311, 12418, 14585, 6890]);
    const own = new NasBench(bench.store, { rng: new PyRandom(7) });
    expect([own.random(), own.random(), own.random()]).toStrictEqual([5305, 15529, 2471]);
  });

  test("toString is the original's __repr__: evaluated/total archs, hps and the file", () => {
    expect(String(bench)).toBe("NasBench(3/15625 architectures, hps=['12', '200'], file=bench.sqlite)");
  });
});

describe("default store location (create(None, 'tss'))", () => {
  test(`${BENCH_STORE_ENV} names the store; without it ~/.cache/aa-nas/bench.sqlite`, () => {
    const path = join(dir, "bench.sqlite");
    expect(defaultStorePath({ [BENCH_STORE_ENV]: path })).toBe(path);
    expect(defaultStorePath({})).toMatch(/[\\/]\.cache[\\/]aa-nas[\\/]bench\.sqlite$/);
    const opened = openBench(null, { env: { [BENCH_STORE_ENV]: path } });
    try {
      expect(opened.evaluatedIndexes()).toStrictEqual(SAMPLES);
    } finally {
      opened.close();
    }
  });

  test("a missing default store is an error naming the variable and the place", () => {
    const missing = join(dir, "none.sqlite");
    expect(() => openBench(undefined, { env: { [BENCH_STORE_ENV]: missing } })).toThrow(StoreError);
    expect(() => openBench(undefined, { env: { [BENCH_STORE_ENV]: missing } })).toThrow(`no benchmark store at the default location ${missing}: set ${BENCH_STORE_ENV}`);
  });
});
