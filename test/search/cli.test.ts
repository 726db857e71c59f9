import { describe, expect, it } from "vitest";
import { formatCampaign, runSearchCommand, settingsFrom, type SearchCommandOptions } from "../../packages/cli/src/commands/search.js";
import { UserError } from "../../packages/core/src/errors.js";
import { campaignToJson } from "../../packages/core/src/search/index.js";
import { syntheticBenchmark } from "./synthetic.js";

const base: SearchCommandOptions = { bench: "synthetic", dataset: "cifar10", runs: "4", budget: "6000", seed: "10", progress: false };

describe("aa-nas search (command logic)", () => {
  it("prints one line per run and a mean ± std summary", () => {
    const campaign = runSearchCommand("rea", "cifar10", base, syntheticBenchmark());
    const text = formatCampaign(campaign);
    expect(text.split("\n").filter((l) => /^\s+\d+\s+1\d\s/.test(l))).toHaveLength(4);
    expect(text).toMatch(/REA on cifar10: 4 runs, seeds 10…13, budget 6000 s/);
    expect(text).toMatch(/test \(cifar10 ori-test\): \d+\.\d\d±\d+\.\d\d/);
  });

  it("--json gives per-run results with best-so-far traces whose last point is the answer", () => {
    const campaign = runSearchCommand("bohb", "cifar100", { ...base, budget: "nats" }, syntheticBenchmark());
    const json = JSON.parse(JSON.stringify(campaignToJson(campaign))) as {
      budget: number;
      results: { archIndex: number; testAccuracy: number; trace: { time: number; archIndex: number; testAccuracy: number }[] }[];
      summary: { test: { mean: number } };
    };
    expect(json.budget).toBe(40000);
    expect(json.results).toHaveLength(4);
    for (const r of json.results) {
      const last = r.trace[r.trace.length - 1]!;
      expect(last.archIndex).toBe(r.archIndex);
      expect(last.testAccuracy).toBe(r.testAccuracy);
      const times = r.trace.map((p) => p.time);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    expect(json.summary.test.mean).toBeCloseTo(json.results.reduce((s, r) => s + r.testAccuracy, 0) / 4, 10);
  });

  it("rejects bad numbers with a message that says what is valid", () => {
    expect(() => runSearchCommand("rs", "cifar10", { ...base, runs: "0" }, syntheticBenchmark())).toThrow(/--runs '0': expected a positive integer/);
    expect(() => runSearchCommand("rs", "cifar10", { ...base, budget: "x" }, syntheticBenchmark())).toThrow(UserError);
    expect(() => settingsFrom({ ...base, lr: "-1" })).toThrow(/--lr/);
  });

  it("passes --lr, --population and --tournament to the algorithms", () => {
    const s = settingsFrom({ ...base, lr: "0.5", population: "20", tournament: "5" });
    expect(s.reinforce.learningRate).toBe(0.5);
    expect(s.rea).toEqual({ populationSize: 20, tournamentSize: 5 });
  });
});
