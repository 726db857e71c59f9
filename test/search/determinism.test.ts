import { describe, expect, it } from "vitest";
import { ALGORITHMS, SearchSession, runAlgorithm, runCampaign } from "../../packages/core/src/search/index.js";
import { syntheticBenchmark, withoutWall } from "./synthetic.js";

const run = (algorithm: (typeof ALGORITHMS)[number], seed: number) =>
  runAlgorithm(algorithm, new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 12000, seed }));

describe("seeded reproducibility", () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: the same seed gives an identical run, another seed a different one`, () => {
      const a = run(algorithm, 2024);
      const b = run(algorithm, 2024);
      expect(withoutWall(b)).toEqual(withoutWall(a));
      const c = run(algorithm, 2025);
      expect(c.history.map((h) => h.archIndex)).not.toEqual(a.history.map((h) => h.archIndex));
    });
  }

  it("a campaign's run i equals a single run with seed + i", () => {
    const bench = syntheticBenchmark();
    const campaign = runCampaign({ algorithm: "rea", benchmark: bench, oracle: bench, dataset: "cifar100", runs: 3, seed: 40, budget: 6000 });
    const single = runAlgorithm("rea", new SearchSession({ benchmark: bench, dataset: "cifar100", budget: 6000, seed: 42 }));
    expect(withoutWall(campaign.results[2]!)).toEqual(withoutWall(single));
    expect(campaign.reports[2]!.archIndex).toBe(single.archIndex);
    expect(campaign.summary.runs).toBe(3);
  });
});
