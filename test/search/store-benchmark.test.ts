import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { SearchSession, TableBenchmark, runAlgorithm, type SearchDataset } from "../../packages/core/src/search/index.js";
import { StoreSearchBenchmark } from "../../packages/core/src/search/store-benchmark.js";
import { PyRandom, type RandomSource } from "../../packages/core/src/space/index.js";
import { readReferenceJson, referenceRoot } from "../support/reference.js";
import { loadPeerTables, tableBenchmark, type PeerTables } from "../../reproduce/tables.js";
import { recordsForArch } from "../../packages/core/src/bench/import/tables.js";
import { withoutWall } from "./synthetic.js";

const SAMPLES = [0, 11, 284];

/** The real NATS-tss records of the sample archs (hp 12, cifar10-valid seed 777): per-epoch train time and x-valid time. */
function realTimes(archIndex: number): { train: number; xvalid: number; rewards: number[] } {
  const rec = readReferenceJson<{
    "12": { all_results: Record<string, { train_times: Record<string, number>; eval_times: Record<string, number>; eval_acc1es: Record<string, number> }> };
  }>("nats-tss-sample-archs-json", `${String(archIndex).padStart(6, "0")}.json`);
  const runs = rec["12"].all_results;
  const r777 = runs["cifar10-valid@777"]!;
  return {
    train: r777.train_times["0"]!,
    xvalid: r777.eval_times["x-valid@11"]!,
    rewards: ["cifar10-valid@111", "cifar10-valid@777"].map((k) => runs[k]!.eval_acc1es["x-valid@11"]!),
  };
}

describe("peer tables as a search benchmark (reproduction harness)", () => {
  let tables: PeerTables;
  let dir: string;
  let store: StoreSearchBenchmark;
  let direct: TableBenchmark;

  beforeAll(() => {
    tables = loadPeerTables(referenceRoot);
    direct = tableBenchmark(tables);
    dir = mkdtempSync(join(tmpdir(), "aa-nas-search-"));
    const path = join(dir, "tables.db");
    const s = BenchStore.create(path);
    s.putRuns(SAMPLES.flatMap((i) => recordsForArch(tables, i)));
    s.close();
    store = new StoreSearchBenchmark(NasBench.open(path));
  });

  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rewards are the mean of the real 12-epoch trials; costs are within 1 % of the real simulate_train_eval cost", () => {
    for (const i of SAMPLES) {
      const real = realTimes(i);
      const realCost = 12 * real.train + real.xvalid;
      const { reward, cost } = store.simulate(i, "cifar10", new PyRandom(1));
      expect(reward).toBeCloseTo((real.rewards[0]! + real.rewards[1]!) / 2, 6);
      expect(Math.abs(cost - realCost) / realCost).toBeLessThan(0.01);
    }
  });

  it("the store path and the direct table path agree on rewards, costs and final numbers", () => {
    for (const i of SAMPLES) {
      for (const d of ["cifar10", "cifar100", "ImageNet16-120"] as const) {
        const a = store.simulate(i, d, new PyRandom(2));
        const b = direct.simulate(i, d, new PyRandom(2));
        expect(a.reward).toBe(b.reward);
        expect(a.cost).toBeCloseTo(b.cost, 9);
        const fa = store.finalAccuracy(i, d);
        const fb = direct.finalAccuracy(i, d);
        expect(fa.valid).toBeCloseTo(fb.valid, 9);
        expect(fa.test).toBeCloseTo(fb.test, 9);
      }
    }
  });

  it("reports the paper's final numbers: cifar10 valid = mean cifar10-valid x-valid, test = mean cifar10 ori-test", () => {
    // arch 0 (nats_bench.csv and metric_vals.csv rows 0)
    expect(store.finalAccuracy(0, "cifar10").test).toBeCloseTo(85.86333333333334, 9);
    expect(store.finalAccuracy(0, "cifar10").valid).toBeCloseTo((82.09199998291015 + 81.61599997314453 + 82.24000001464844) / 3, 9);
    // cifar100 x-valid = 2·mean(ori-test) − mean(x-test)
    expect(store.finalAccuracy(0, "cifar100").valid).toBeCloseTo((2 * (51.93 + 53.38 + 53.11)) / 3 - 52.913333294677734, 9);
  });

  it("a search on the store is reproducible and stays inside the budget", () => {
    const run = () => runAlgorithm("rs", new SearchSession({ benchmark: restrictTo(store, SAMPLES), dataset: "cifar10", budget: 1000, seed: 9 }));
    const a = run();
    expect(withoutWall(run())).toEqual(withoutWall(a));
    expect(a.usedTime).toBeLessThanOrEqual(1000);
  });
});

/** RS samples the whole space; map every arch onto the few stored ones so the small store can serve it. */
function restrictTo(bench: StoreSearchBenchmark, archs: number[]) {
  return { simulate: (i: number, d: SearchDataset, rng: RandomSource) => bench.simulate(archs[i % archs.length]!, d, rng) };
}
