/**
 * Zero-cost scores in the store: a round trip keeps every field (NaN as SQL NULL and back, the batch description
 * shared between rows), a recomputed score replaces the old one, a store made before the tables existed reads as
 * empty and gets them on first write, and proxyCorrelation pairs each arch's mean score with its mean accuracy.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { proxyCorrelation, proxyScore, scoredProxies, type ZeroCostBatch, type ZeroCostScore } from "../../packages/core/src/bench/zero-cost.js";
import { rankCorrelation } from "../../packages/core/src/bench/correlation.js";
import { SMALL_HPS, writeSyntheticStore } from "../web/support/synthetic-store.js";
import { tempDirs } from "../data/temp.js";

const tempDir = tempDirs();
const BATCH: ZeroCostBatch = { source: "cifar10 train (test)", size: 4, seed: 3, indices: [9, 1, 4, 0], normalization: { mean: [1, 2, 3], std: [4, 5, 6] } };

const score = (archIndex: number, proxy: ZeroCostScore["proxy"], value: number, seed = 0): ZeroCostScore => ({
  archIndex,
  dataset: "cifar10",
  seed,
  proxy,
  score: value,
  version: 1,
  batch: BATCH,
  seconds: 0.25,
  device: "cpu",
  computedAt: "2026-12-07T00:00:00.000Z",
});

describe("zero-cost scores in the store", () => {
  it("round-trips every field, NaN included, and shares one batch row", () => {
    const path = join(tempDir("aa-zc-store-"), "s.db");
    const store = BenchStore.create(path);
    const rows = [score(5, "synflow", 1.5e30), score(5, "jacov", NaN), score(7, "nwot", -Infinity), score(7, "synflow", 2, 1)];
    store.putZeroCost(rows);
    store.close();
    const again = BenchStore.open(path);
    expect(again.zeroCostScores()).toEqual([rows[1], rows[0], rows[2], rows[3]]); // ordered by arch, dataset, seed, proxy
    expect(again.zeroCostScores({ proxy: "synflow", seed: 1 })).toEqual([rows[3]]);
    again.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM zero_cost_batches").pluck().get()).toBe(1);
    expect(db.prepare("SELECT score FROM zero_cost WHERE proxy = 'jacov'").pluck().get()).toBeNull();
    db.close();
  });

  it("replaces a recomputed score and knows what a resumed run can skip", () => {
    const store = BenchStore.create(join(tempDir("aa-zc-store-"), "s.db"));
    store.putZeroCost([score(1, "snip", 1), score(1, "grasp", 2), score(2, "snip", 3)]);
    store.putZeroCost([score(1, "snip", 10)]);
    expect(proxyScore(store, 1, "snip", "cifar10")).toEqual({ score: 10, seeds: [0] });
    const done = scoredProxies(store, "cifar10", 0, 1, BATCH);
    expect([...done.get(1)!].sort()).toEqual(["grasp", "snip"]);
    // another batch, seed or version is not the same work
    expect(scoredProxies(store, "cifar10", 0, 1, { ...BATCH, seed: 4 }).size).toBe(0);
    expect(scoredProxies(store, "cifar10", 0, 2, BATCH).size).toBe(0);
    store.close();
  });

  it("reads a store made before the zero-cost tables as empty and adds them on the first write", () => {
    const path = join(tempDir("aa-zc-store-"), "old.db");
    BenchStore.create(path).close();
    const db = new Database(path);
    db.exec("DROP TABLE zero_cost; DROP TABLE zero_cost_batches;");
    db.close();
    const ro = BenchStore.open(path);
    expect(ro.zeroCostScores()).toEqual([]);
    ro.close();
    const rw = BenchStore.open(path, { write: true });
    rw.putZeroCost([score(3, "l2_norm", 4)]);
    expect(rw.zeroCostScores().map((s) => s.score)).toEqual([4]);
    rw.close();
  });

  it("rejects an arch index outside the space", () => {
    const store = BenchStore.create(join(tempDir("aa-zc-store-"), "s.db"));
    expect(() => store.putZeroCost([score(15625, "snip", 1)])).toThrow(/valid indexes are 0\.\.15624/);
    store.close();
  });

  it("correlates the mean score over seeds with the mean accuracy over trials, over all archs or a filter", () => {
    const path = join(tempDir("aa-zc-store-"), "bench.db");
    const archs = Array.from({ length: 40 }, (_, i) => i * 37);
    writeSyntheticStore(path, { archs, datasets: ["cifar10-valid"], hps: { "200": SMALL_HPS["200"]! } });
    const store = BenchStore.open(path, { write: true });
    // two seeds per arch; the score is a noisy function of the index so the correlation is neither 0 nor 1
    store.putZeroCost(archs.flatMap((a) => [score(a, "snip", (a % 97) + 1, 0), score(a, "snip", (a % 89) + 2, 1)]));
    const finals = store.finalRows("200", "cifar10-valid");
    const meanAcc = (a: number): number => {
      const v = finals.filter((r) => r.arch_index === a).map((r) => r.xvalid_acc!);
      return v.reduce((s, x) => s + x, 0) / v.length;
    };
    const expected = rankCorrelation(archs.map((a) => ((a % 97) + 1 + (a % 89) + 2) / 2), archs.map(meanAcc));
    const got = proxyCorrelation(store, { proxy: "snip", proxyDataset: "cifar10", hp: "200", dataset: "cifar10-valid", metric: "xvalid_acc" });
    expect(got).toEqual({ proxy: "snip", archs: 40, ...expected });
    const some = new Set(archs.slice(0, 10));
    const filtered = proxyCorrelation(store, { proxy: "snip", proxyDataset: "cifar10", seed: 1, hp: "200", dataset: "cifar10-valid", metric: "xvalid_acc", archIndexes: some });
    expect(filtered.n).toBe(10);
    expect(filtered.spearman).toBeCloseTo(rankCorrelation(archs.slice(0, 10).map((a) => (a % 89) + 2), archs.slice(0, 10).map(meanAcc)).spearman, 14);
    store.close();
  });
});
