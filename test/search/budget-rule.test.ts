import { describe, expect, it } from "vitest";
import {
  ALGORITHMS,
  NATS_BUDGETS,
  PAPER_BUDGET,
  SearchSession,
  SimulatedClock,
  resolveBudget,
  runAlgorithm,
} from "../../packages/core/src/search/index.js";
import { UserError } from "../../packages/core/src/errors.js";
import { RecordingBenchmark, syntheticBenchmark } from "./synthetic.js";

describe("simulated clock", () => {
  it("charges an evaluation that fits exactly and refuses one that would exceed the budget, leaving the clock unchanged", () => {
    const clock = new SimulatedClock(300);
    expect(clock.tryCharge(100)).toBe(true);
    expect(clock.tryCharge(200)).toBe(true);
    expect(clock.used).toBe(300);
    expect(clock.tryCharge(0.001)).toBe(false);
    expect(clock.used).toBe(300);
  });

  it("rejects a non-positive budget", () => {
    expect(() => new SimulatedClock(0)).toThrow(RangeError);
  });
});

describe("budget rule in every algorithm", () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: stops at the first evaluation that would exceed the budget and does not count it`, () => {
      const bench = new RecordingBenchmark(syntheticBenchmark());
      const budget = 5000;
      const session = new SearchSession({ benchmark: bench, dataset: "cifar10", budget, seed: 11 });
      const result = runAlgorithm(algorithm, session);
      // every simulate call but the last was counted; the last one is the refused evaluation
      expect(bench.calls.length).toBe(result.evaluations + 1);
      const counted = bench.calls.slice(0, -1);
      const refused = bench.calls[bench.calls.length - 1]!;
      const spent = counted.reduce((s, c) => s + c.result.cost, 0);
      expect(result.usedTime).toBeCloseTo(spent, 9);
      expect(result.usedTime).toBeLessThanOrEqual(budget);
      expect(result.usedTime + refused.result.cost).toBeGreaterThan(budget);
      // the refused arch never reaches the history, and the answer comes from counted evaluations only
      expect(result.history.map((h) => h.archIndex)).toEqual(counted.map((c) => c.archIndex));
      expect(result.history.some((h) => h.archIndex === result.archIndex && h.reward === result.reward)).toBe(true);
    });
  }

  it("counts an evaluation that lands exactly on the budget", () => {
    // RS draws the same archs whatever the budget, so a probe run tells the cost of its first three evaluations
    const probe = new RecordingBenchmark(syntheticBenchmark());
    runAlgorithm("rs", new SearchSession({ benchmark: probe, dataset: "cifar10", budget: 1000, seed: 3 }));
    const firstThree = probe.calls.slice(0, 3).reduce((s, c) => s + c.result.cost, 0);
    const result = runAlgorithm("rs", new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: firstThree, seed: 3 }));
    expect(result.evaluations).toBe(3);
    expect(result.usedTime).toBe(firstThree);
  });

  it("reports a user error when the budget cannot pay for a single evaluation", () => {
    const session = new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 1, seed: 1 });
    expect(() => runAlgorithm("rea", session)).toThrow(UserError);
  });
});

describe("budget presets", () => {
  it("resolves 'paper', 'nats' per dataset and plain seconds, and explains bad values", () => {
    expect(resolveBudget("paper", "cifar100")).toBe(PAPER_BUDGET);
    expect(resolveBudget("nats", "cifar10")).toBe(20000);
    expect(resolveBudget("nats", "cifar100")).toBe(40000);
    expect(resolveBudget("NATS", "ImageNet16-120")).toBe(NATS_BUDGETS["ImageNet16-120"]);
    expect(resolveBudget("12000", "cifar10")).toBe(12000);
    expect(() => resolveBudget("-5", "cifar10")).toThrow(/positive number.*'paper'.*'nats'/);
    expect(() => resolveBudget("soon", "cifar10")).toThrow(UserError);
  });
});

describe("wall-time accounting", () => {
  it("is off by default (the clock holds exactly the evaluation costs) and, when on, adds the bookkeeping time", () => {
    for (const algorithm of ["rea", "reinforce"] as const) {
      const plain = runAlgorithm(algorithm, new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 8000, seed: 4 }));
      expect(plain.usedTime).toBe(plain.history.reduce((s, h) => s + h.cost, 0));
      const timed = runAlgorithm(
        algorithm,
        new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 8000, seed: 4, accountWallTime: true }),
      );
      expect(timed.usedTime).toBeGreaterThan(timed.history.reduce((s, h) => s + h.cost, 0));
    }
  });
});
