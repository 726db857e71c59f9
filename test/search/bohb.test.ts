import { describe, expect, it } from "vitest";
import {
  AitchisonAitkenKde,
  BOHB_DEFAULTS,
  BohbConfigGenerator,
  SearchSession,
  bohb,
  hyperbandBudgets,
  normalReferenceBandwidth,
  successiveHalvingPlan,
  type BohbRun,
  type ConfigGeneratorOptions,
} from "../../packages/core/src/search/index.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { syntheticBenchmark } from "./synthetic.js";

const generatorOptions: ConfigGeneratorOptions = {
  dims: 6,
  choices: 5,
  topNPercent: 15,
  numSamples: 4,
  randomFraction: 0,
  bandwidthFactor: 3,
  minBandwidth: 0.3,
};

describe("Aitchison–Aitken KDE", () => {
  it("uses 1 − λ for a matching value and λ/(L − 1) otherwise, L = distinct values in the column", () => {
    const kde = new AitchisonAitkenKde(
      [
        [0, 2],
        [1, 2],
        [3, 4],
      ],
      [0.3, 0.6],
    );
    expect(kde.levels).toEqual([3, 2]);
    // x = [1, 2]: row0 (0.3/2)(0.4), row1 (0.7)(0.4), row2 (0.3/2)(0.6/1)
    expect(kde.pdf([1, 2])).toBeCloseTo((0.15 * 0.4 + 0.7 * 0.4 + 0.15 * 0.6) / 3, 14);
  });

  it("computes the normal-reference bandwidth 1.06·σ·n^(−1/(4+d)) with the population σ", () => {
    const data = [
      [0, 4],
      [0, 4],
      [1, 4],
      [1, 4],
    ];
    const bw = normalReferenceBandwidth(data);
    expect(bw[0]).toBeCloseTo(1.06 * 0.5 * 4 ** (-1 / 6), 14);
    expect(bw[1]).toBe(0);
  });

  it("floors every bandwidth at min_bandwidth", () => {
    const kde = AitchisonAitkenKde.fit(
      [
        [2, 0],
        [2, 1],
        [2, 0],
      ],
      0.3,
    );
    expect(kde.bandwidth[0]).toBe(0.3);
    expect(kde.bandwidth[1]).toBeGreaterThan(0.3);
  });
});

/** Feeds `n` results on one budget: configs with more 3s get lower loss. */
function feed(gen: BohbConfigGenerator, budget: number, n: number, rng: PyRandom): void {
  for (let i = 0; i < n; i++) {
    const config = gen.uniform(rng);
    gen.newResult(budget, config, 100 - 10 * config.filter((v) => v === 3).length - rng.random());
  }
}

describe("BOHB config generator", () => {
  it("needs more than min_points_in_model results for the good and for the bad KDE before it has a model", () => {
    const gen = new BohbConfigGenerator(generatorOptions);
    const rng = new PyRandom(1);
    feed(gen, 22, 13, rng);
    expect(gen.currentModel()).toBeUndefined();
    feed(gen, 22, 1, rng);
    const model = gen.currentModel();
    expect(model?.budget).toBe(22);
    expect(model?.model.good.n).toBe(7);
    expect(model?.model.bad.n).toBe(7);
  });

  it("stops recording results on budgets below the largest one with a model", () => {
    const gen = new BohbConfigGenerator(generatorOptions);
    const rng = new PyRandom(2);
    feed(gen, 66, 14, rng);
    feed(gen, 22, 5, rng);
    expect(gen.observationCount(22)).toBe(0);
    expect(gen.currentModel()?.budget).toBe(66);
  });

  it("with one candidate, keeps each good value with probability 1 − bw + bw/5 (bandwidth floor honoured)", () => {
    const gen = new BohbConfigGenerator({ ...generatorOptions, numSamples: 1 });
    // good points all identical → σ = 0 → every bandwidth is the 0.3 floor
    for (let i = 0; i < 7; i++) gen.newResult(1, [3, 3, 3, 3, 3, 3], 1);
    const rng = new PyRandom(3);
    for (let i = 0; i < 7; i++) gen.newResult(1, gen.uniform(rng), 90);
    const good = gen.currentModel()!.model.good;
    expect(good.bandwidth).toEqual([0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
    let kept = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const p = gen.propose(rng);
      expect(p.modelBased).toBe(true);
      kept += p.config.filter((v) => v === 3).length;
    }
    expect(kept / (6 * n)).toBeCloseTo(0.7 + 0.3 / 5, 1.5);
  });

  it("picks, among its candidates, the one with the lowest bad/good density ratio", () => {
    // Concentrated good (mostly op 3) and bad (mostly op 0) sets keep every bandwidth at the 0.3 floor, where the
    // ratio is informative: more candidates must then mean proposals closer to the good set.
    const rng = new PyRandom(4);
    const share = (numSamples: number): number => {
      const gen = new BohbConfigGenerator({ ...generatorOptions, numSamples });
      for (let i = 0; i < 7; i++) gen.newResult(1, [3, 3, 3, 3, 3, 3].map((v, d) => (d === i % 6 ? 2 : v)), 10);
      for (let i = 0; i < 7; i++) gen.newResult(1, [0, 0, 0, 0, 0, 0].map((v, d) => (d === i % 6 ? 1 : v)), 90);
      const { good, bad } = gen.currentModel()!.model;
      expect([...good.bandwidth, ...bad.bandwidth].every((b) => b <= 0.5)).toBe(true);
      let threes = 0;
      for (let i = 0; i < 500; i++) threes += gen.propose(rng).config.filter((v) => v === 3).length;
      return threes / 3000;
    };
    const one = share(1);
    const many = share(8);
    expect(one).toBeGreaterThan(0.4);
    expect(many).toBeGreaterThan(one + 0.05);
  });

  it("keeps statsmodels' uncapped normal-reference bandwidth, so a spread-out set can get λ > 1", () => {
    const rng = new PyRandom(6);
    const spread = Array.from({ length: 8 }, () => [0, 1, 2, 3, 4, 0].map(() => rng.randbelow(5)));
    spread.push([0, 0, 0, 0, 0, 0], [4, 4, 4, 4, 4, 4]);
    const kde = AitchisonAitkenKde.fit(spread, 0.3);
    expect(Math.max(...kde.bandwidth)).toBeGreaterThan(1);
  });

  it("proposes uniformly while no model exists", () => {
    const gen = new BohbConfigGenerator(generatorOptions);
    const rng = new PyRandom(5);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const p = gen.propose(rng);
      expect(p.modelBased).toBe(false);
      p.config.forEach((v) => counts[v]!++);
    }
    counts.forEach((c) => expect(c / 18000).toBeCloseTo(0.2, 1));
  });
});

describe("Hyperband schedule", () => {
  it("uses budgets 200/9, 200/3, 200 and brackets [9,3,1], [3,1], [3] for min 12, max 200, eta 3", () => {
    const budgets = hyperbandBudgets(12, 200, 3);
    expect(budgets.map((b) => +b.toFixed(4))).toEqual([22.2222, 66.6667, 200]);
    expect(successiveHalvingPlan(0, budgets, 3).numConfigs).toEqual([9, 3, 1]);
    expect(successiveHalvingPlan(1, budgets, 3)).toEqual({ numConfigs: [3, 1], budgets: budgets.slice(1) });
    expect(successiveHalvingPlan(2, budgets, 3)).toEqual({ numConfigs: [3], budgets: [200] });
    expect(successiveHalvingPlan(3, budgets, 3).numConfigs).toEqual([9, 3, 1]);
  });
});

describe("BOHB search", () => {
  const runs: BohbRun[] = [];
  const session = new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 30000, seed: 21 });
  const result = bohb(session, BOHB_DEFAULTS, (r) => runs.push(r));

  it("runs the first bracket as successive halving: 9 proposals, the best 3 re-run, then the best of those", () => {
    const first = runs.filter((r) => r.iteration === 0);
    expect(first.map((r) => r.stage)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    const stage0 = first.filter((r) => r.stage === 0);
    const best3 = [...stage0].sort((a, b) => a.loss - b.loss || a.configId - b.configId).slice(0, 3);
    expect(first.filter((r) => r.stage === 1).map((r) => r.configId)).toEqual(best3.map((r) => r.configId).sort((a, b) => a - b));
    const stage1 = first.filter((r) => r.stage === 1);
    const bestOf3 = [...stage1].sort((a, b) => a.loss - b.loss || a.configId - b.configId)[0]!;
    expect(first.find((r) => r.stage === 2)!.configId).toBe(bestOf3.configId);
  });

  it("switches to model-based proposals once a budget has enough results", () => {
    expect(runs.slice(0, 20).every((r) => !r.modelBased)).toBe(true);
    expect(runs.some((r) => r.modelBased)).toBe(true);
  });

  it("answers with the incumbent: the lowest loss among runs on the max budget", () => {
    const onMax = runs.filter((r) => r.budget === 200);
    const bestLoss = Math.min(...onMax.map((r) => r.loss));
    expect(100 - result.reward).toBeCloseTo(bestLoss, 10);
    expect(result.evaluations).toBe(runs.length);
  });
});
