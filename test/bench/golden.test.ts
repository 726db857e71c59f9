/**
 * Replays every query recorded from the real nats_bench v1.8 API on the three sample archs
 * (golden-api-nats_bench-v1.8.json) against a store imported from the same sample directory.
 * Floats must be bit-identical (Object.is) and the queries the original failed on must fail here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { costInfoToOriginal, NasBench, toOriginalKeys } from "../../packages/core/src/bench/api.js";
import { BenchQueryError, MetricUnavailableError } from "../../packages/core/src/bench/errors.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { toMatrix } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE, readReferenceJson, referencePath } from "../support/reference.js";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface GoldenCase {
  index: number;
  arch: string;
  hp: string;
  dataset: string;
  seeds: number[];
  get_cost_info: Record<string, number | null>;
  get_latency: number;
  get_more_info_mean: Record<string, Json>;
  get_more_info_by_seed: Record<string, Record<string, Json>>;
  get_net_config: Record<string, Json>;
  total_epoch: number;
  get_metrics_mean: Record<string, Record<string, number | null> | string>;
}
interface Golden {
  cases: GoldenCase[];
  find_best_over_loaded_0_11_284: Record<string, [number, number] | string>;
  statistics: Record<string, Record<string, number>>;
  query_info_str_by_arch: Record<string, string>;
  unique_str: Record<string, string>;
  str2matrix: Record<string, number[][]>;
}

const golden = readReferenceJson<Golden>("nats-api-golden", "golden-api-nats_bench-v1.8.json");

let dir: string;
let bench: NasBench;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-golden-"));
  const store = BenchStore.create(join(dir, "bench.sqlite"));
  importBenchmark(referencePath(NATS_SAMPLE), store);
  store.close();
  bench = NasBench.open(join(dir, "bench.sqlite"));
});

afterAll(() => {
  bench?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Exact comparison that also pins key order (Python dicts are ordered, so is the output). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    expect(Object.keys(actual as object)).toStrictEqual(Object.keys(expected));
  }
}

function isError(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("ERROR:");
}

describe.each(golden.cases.map((c) => [`arch ${c.index} hp ${c.hp} ${c.dataset}`, c] as const))("golden case %s", (_name, c) => {
  test("cost info and latency match bit for bit", () => {
    expectSame(costInfoToOriginal(bench.getCostInfo(c.index, c.dataset, { hp: c.hp })), c.get_cost_info);
    expect(bench.getLatency(c.index, c.dataset, { hp: c.hp })).toBe(c.get_latency);
  });

  test("get_more_info over the mean of trials matches, keys and order included", () => {
    expectSame(toOriginalKeys(bench.getMoreInfo(c.index, c.dataset, { hp: c.hp, trial: "mean" })), c.get_more_info_mean);
    // an arch string is accepted as well as an index
    expectSame(toOriginalKeys(bench.getMoreInfo(c.arch, c.dataset, { hp: c.hp })), c.get_more_info_mean);
  });

  test("get_more_info for each seed matches", () => {
    expect(Object.keys(c.get_more_info_by_seed).map(Number)).toStrictEqual(c.seeds);
    for (const [seed, expected] of Object.entries(c.get_more_info_by_seed)) {
      expectSame(toOriginalKeys(bench.getMoreInfo(c.index, c.dataset, { hp: c.hp, trial: Number(seed) })), expected);
    }
  });

  test("net config and total epochs match", () => {
    const cfg = bench.getNetConfig(c.index, c.dataset);
    if (cfg.name !== "infer.tiny") throw new Error(`a topology store answered a ${cfg.name} config`);
    expectSame({ name: cfg.name, C: cfg.C, N: cfg.N, arch_str: cfg.archStr, num_classes: cfg.numClasses }, c.get_net_config);
    expect(bench.getTotalEpoch(c.index, c.dataset, { hp: c.hp })).toBe(c.total_epoch);
  });

  test("per-epoch mean metrics match, and fail exactly where the original failed", () => {
    for (const [key, expected] of Object.entries(c.get_metrics_mean)) {
      const [set, epoch] = key.split("@") as [string, string];
      const query = (): unknown =>
        bench.getMetrics(c.index, c.dataset, set as "train", { hp: c.hp, iepoch: Number(epoch), trial: "mean" });
      if (isError(expected)) {
        expect(query, key).toThrow(MetricUnavailableError);
        continue;
      }
      const m = query() as { iepoch: number; loss: number; accuracy: number; curTime: number | null; allTime: number | null };
      expectSame({ iepoch: m.iepoch, loss: m.loss, accuracy: m.accuracy, cur_time: m.curTime, all_time: m.allTime }, expected);
    }
  });
});

describe("golden queries over the three loaded archs", () => {
  test("find_best returns the same (index, accuracy) and fails on the same (dataset, set) pairs", () => {
    const entries = Object.entries(golden.find_best_over_loaded_0_11_284);
    expect(entries.length).toBe(48);
    for (const [key, expected] of entries) {
      const [dataset, set, hp] = key.split("|") as [string, string, string];
      const query = (): unknown => bench.findBest(dataset, set, { hp });
      if (isError(expected)) {
        expect(query, key).toThrow(BenchQueryError);
        continue;
      }
      const best = query() as { index: number; accuracy: number };
      expect([best.index, best.accuracy], key).toStrictEqual(expected);
    }
  });

  test("statistics count the trials per arch like the original", () => {
    for (const [key, expected] of Object.entries(golden.statistics)) {
      const [dataset, hp] = key.split("|") as [string, string];
      const stats = bench.statistics(dataset, hp);
      expect(Object.fromEntries([...stats].map(([k, v]) => [String(k), v])), key).toStrictEqual(expected);
    }
  });

  test("query_info_str_by_arch prints the same summary text", () => {
    for (const [key, expected] of Object.entries(golden.query_info_str_by_arch)) {
      const [index, hp] = key.split("|") as [string, string];
      expect(bench.queryInfoStr(Number(index), hp), key).toBe(expected);
    }
  });

  test("unique strings and NAS-Bench-101 matrices match", () => {
    for (const [index, expected] of Object.entries(golden.unique_str)) expect(bench.uniqueStr(Number(index))).toBe(expected);
    for (const [index, expected] of Object.entries(golden.str2matrix)) expect(toMatrix(bench.arch(Number(index)))).toStrictEqual(expected);
  });
});
