/**
 * The benchmark-driven searches on the size space (sss), on a generated store with all 32,768 configs
 * (sss-store.ts, synthetic numbers): the space's own sampling and mutation (checked against CPython's random draws of
 * random_size_func / mutate_size_func), REINFORCE's 5×8 policy, BOHB's epoch budgets, each algorithm's campaign through
 * the library and the CLI, its determinism per seed, the hp-'90' numbers answers are judged by, and the refusals.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { bohb, type BohbRun } from "../../packages/core/src/search/bohb/bohb.js";
import { IncompleteBenchmarkError } from "../../packages/core/src/search/campaign.js";
import {
  ALGORITHMS,
  SearchSession,
  StoreSearchBenchmark,
  campaignToFile,
  campaignToJson,
  defaultSettings,
  reinforce,
  searchCampaign,
  type CampaignFile,
  type CampaignJson,
} from "../../packages/core/src/search/index.js";
import { PyRandom, sampleIndex, searchSpace } from "../../packages/core/src/space/index.js";
import { runCli } from "../support/cli.js";
import { writeSssSearchStore } from "./sss-store.js";
import { syntheticBenchmark } from "./synthetic.js";

const SSS = searchSpace("sss");
const TSS = searchSpace("tss");

let dir: string;
let db: string;
let partial: string;
let bench: NasBench;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-sss-search-"));
  db = join(dir, "sss.db");
  writeSssSearchStore(db, ["cifar10"]);
  partial = join(dir, "partial.db");
  writeSssSearchStore(partial, ["cifar10"], [0, 1, 2, 32767]);
  bench = NasBench.open(db);
}, 600_000);

afterAll(() => {
  bench?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function withoutWall(j: CampaignJson): unknown {
  const { wallSeconds: _wall, ...summary } = j.summary;
  return { ...j, summary };
}

describe("sss sampling and mutation", () => {
  it("draw what CPython's random_size_func and mutate_size_func draw under the same seed", () => {
    const py = String.raw`
import random, sys
cands = [8, 16, 24, 32, 40, 48, 56, 64]
out = []
for seed in (1, 7, 12345):
    random.seed(seed)
    arch = ":".join(str(random.choice(cands)) for _ in range(5))
    out.append(arch)
    for _ in range(40):
        parts = arch.split(":")
        i = random.randint(0, len(parts) - 1)
        parts[i] = str(random.choice(cands))
        arch = ":".join(parts)
        out.append(arch)
print(" ".join(out))
`;
    const r = spawnSync("python3", ["-c", py], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const ours: string[] = [];
    for (const seed of [1, 7, 12345]) {
      const rng = new PyRandom(seed);
      let index = sampleIndex(SSS, rng);
      ours.push(SSS.archAt(index));
      for (let k = 0; k < 40; k++) {
        index = SSS.mutate(index, rng);
        ours.push(SSS.archAt(index));
      }
    }
    expect(ours.join(" ")).toBe(r.stdout.trim());
  });

  it("an sss mutation changes at most one width and may keep the parent (about 1 in 8); a tss mutation never does", () => {
    const rng = new PyRandom(3);
    let kept = 0;
    const n = 4000;
    for (let k = 0; k < n; k++) {
      const parent = sampleIndex(SSS, rng);
      const child = SSS.mutate(parent, rng);
      const a = SSS.archAt(parent).split(":");
      const b = SSS.archAt(child).split(":");
      expect(a.filter((w, i) => w !== b[i]).length).toBeLessThanOrEqual(1);
      if (child === parent) kept++;
    }
    expect(kept / n).toBeGreaterThan(0.1);
    expect(kept / n).toBeLessThan(0.15);
    const trng = new PyRandom(3);
    for (let k = 0; k < 500; k++) {
      const parent = sampleIndex(TSS, trng);
      expect(TSS.mutate(parent, trng)).not.toBe(parent);
    }
  });
});

describe("the algorithms on the full-size sss store", () => {
  it("REINFORCE learns a 5×8 policy (PolicySize) and samples widths", () => {
    const session = new SearchSession({ benchmark: new StoreSearchBenchmark(bench), dataset: "cifar10", budget: 3000, seed: 4 });
    const shapes = new Set<string>();
    const result = reinforce(session, defaultSettings("sss").reinforce, (step) => {
      shapes.add(`${step.policy.rows}x${step.policy.cols}`);
      expect(step.actions.every((a) => a >= 0 && a < 8)).toBe(true);
    });
    expect([...shapes]).toEqual(["5x8"]);
    expect(SSS.indexOf(result.arch)).toBe(result.archIndex);
  });

  it("BOHB runs budgets 1.33 / 4 / 12 as epochs 0 / 3 / 11 of hp '12', each at that epoch's simulated cost", () => {
    const store = new StoreSearchBenchmark(bench);
    const session = new SearchSession({ benchmark: store, dataset: "cifar10", budget: 20000, seed: 5 });
    const runs: BohbRun[] = [];
    bohb(session, defaultSettings("sss").bohb, (r) => runs.push(r));
    expect([...new Set(runs.map((r) => r.budget))].sort((a, b) => a - b)).toEqual([12 / 9, 4, 12]);
    expect(runs.length).toBe(session.history.length);
    runs.forEach((r, k) => {
      const h = session.history[k]!;
      expect(r.config).toHaveLength(5);
      const iepoch = Math.trunc(r.budget) - 1;
      // the generated store's times do not depend on the seed, so the cost of a run is that of any of its trials
      expect(h.cost).toBe(bench.simulateTrainEval(h.archIndex, "cifar10", { hp: "12", iepoch, accountTime: false, rng: new PyRandom(0) }).timeCost);
    });
    expect(runs.some((r) => r.budget < 12)).toBe(true);
    // the time budget ends the search, not the iteration limit (sss n_iters = 300; 50 would stop at 337 evaluations)
    expect(session.exhausted).toBe(true);
    expect(runs.length).toBeGreaterThan(337);
  });

  it.each(ALGORITHMS)("%s: a campaign on the NATS sss budget, reproducible per seed, answers judged at hp '90'", (algorithm) => {
    const a = searchCampaign(algorithm, bench, { dataset: "cifar10", runs: 3, seed: 11 });
    const b = searchCampaign(algorithm, bench, { dataset: "cifar10", runs: 3, seed: 11 });
    expect(withoutWall(campaignToJson(a))).toEqual(withoutWall(campaignToJson(b)));
    expect(a.summary.budget).toBe(20000);
    for (const r of a.reports) {
      expect(SSS.archAt(r.archIndex)).toBe(r.arch);
      expect(r.usedTime).toBeLessThanOrEqual(20000);
      expect(r.evaluations).toBeGreaterThan(10);
      expect(r.validAccuracy).toBe(bench.getMoreInfo(r.archIndex, "cifar10-valid", { hp: "90", trial: "mean" }).validAccuracy);
      expect(r.testAccuracy).toBe(bench.getMoreInfo(r.archIndex, "cifar10", { hp: "90", trial: "mean" }).testAccuracy);
    }
    const other = searchCampaign(algorithm, bench, { dataset: "cifar10", runs: 3, seed: 12 });
    expect(other.reports.map((r) => r.archIndex)).not.toEqual(a.reports.map((r) => r.archIndex));
  });

  it("a store lacking configs is refused before the first run, naming the gap and the size of the space", () => {
    expect(() => searchCampaign("rea", partial, { dataset: "cifar10", runs: 1 })).toThrow(IncompleteBenchmarkError);
    expect(() => searchCampaign("rea", partial, { dataset: "cifar10", runs: 1 })).toThrow(/32,764 of 32,768 archs \(arch 3, 4, 5, …\).*32,768 archs of the size search space/);
    expect(() => searchCampaign("rea", db, { dataset: "cifar100", runs: 1 })).toThrow(/hp '12' results on cifar100/);
  });

  it("REA's zero-cost warm-up is refused on sss (the proxies score topology cells)", () => {
    expect(() => searchCampaign("rea", bench, { runs: 1, warmup: { proxy: "synflow" } })).toThrow(/topology cells; this benchmark holds the size search space/);
  });
});

describe("aa-nas search report over campaigns of both spaces", () => {
  it("keeps a tss and an sss campaign of the same (dataset, algorithm, budget) and seeds apart: two rows and two plots, each naming its space", () => {
    const options = { dataset: "cifar10", runs: 2, seed: 1, budget: 5000, optimum: true } as const;
    const tss = join(dir, "both-tss.json");
    const sss = join(dir, "both-sss.json");
    writeFileSync(tss, JSON.stringify(campaignToFile(searchCampaign("rea", syntheticBenchmark(), options), { createdBy: "test", source: null })));
    writeFileSync(sss, JSON.stringify(campaignToFile(searchCampaign("rea", bench, options), { createdBy: "test", source: db })));
    const plots = join(dir, "both-plots");
    const r = runCli(["search", "report", sss, tss, "--plots", plots, "--points", "20", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: Array<{ space: string; algorithm: string; budget: number; runs: number; files: string[]; optimum: { test: { archIndex: number } } }>; plots: string[] };
    expect(out.rows.map((row) => [row.space, row.algorithm, row.budget, row.runs, row.files])).toEqual([
      ["tss", "rea", 5000, 2, ["both-tss.json"]],
      ["sss", "rea", 5000, 2, ["both-sss.json"]],
    ]);
    // each row's optimum is its own space's: the sss store's best hp-'90' config, an index tss does not have
    expect(out.rows[1]!.optimum.test.archIndex).toBe(bench.findBest("cifar10", "test", { hp: "90" }).index);
    expect(out.plots).toEqual([join(plots, "best-so-far-tss-cifar10-test.svg"), join(plots, "best-so-far-sss-cifar10-test.svg")]);
    expect(readFileSync(out.plots[0]!, "utf8")).toContain("cifar10, topology search space (tss): best-so-far test accuracy");
    expect(readFileSync(out.plots[1]!, "utf8")).toContain("cifar10, size search space (sss): best-so-far test accuracy");
    const table = runCli(["search", "report", sss, tss]);
    expect(table.status, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^space\s+dataset\s+algorithm\s+budget/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ["tss", "cifar10", "REA", "5000", "2"],
      ["sss", "cifar10", "REA", "5000", "2"],
    ]);
  });
});

describe("aa-nas search on an sss store", () => {
  it("runs REA with the sss defaults and gives the library's runs", () => {
    const r = runCli(["search", "rea", "--bench", db, "--dataset", "cifar10", "--runs", "3", "--json", "--no-progress"]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as CampaignJson;
    expect(json.budget).toBe(20000);
    expect(json.space).toBe("sss");
    const lib = campaignToJson(searchCampaign("rea", bench, { dataset: "cifar10", runs: 3 }));
    expect(withoutWall(json)).toEqual(withoutWall(lib));
  });

  it("prints the table with sss arch strings, writes a campaign file 'search report' reads, and refuses a store lacking configs", () => {
    const out = join(dir, "bohb.json");
    const r = runCli(["search", "bohb", "--bench", db, "--runs", "2", "--budget", "5000", "--no-progress", "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/BOHB on cifar10 \(size space\): 2 runs, seeds 1…2, budget 5000 s/);
    expect(r.stdout).toMatch(/\d+:\d+:\d+:\d+:\d+\n/);
    // the optimum is the store's best hp-'90' config: an sss index above tss's 15,624 must load
    const best = bench.findBest("cifar10", "test", { hp: "90" }).index;
    expect(best).toBeGreaterThan(15624);
    const file = JSON.parse(readFileSync(out, "utf8")) as CampaignFile;
    expect(file).toMatchObject({ format: "aa-nas-search-campaign", version: 1, space: "sss", algorithm: "bohb", budget: 5000 });
    const report = runCli(["search", "report", out]);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toContain(`(#${best})`);
    // one space: the table has no space column
    expect(report.stdout.split("\n")[0]).toMatch(/^dataset\s+algorithm\s+budget/);
    const bad = runCli(["search", "rs", "--bench", partial, "--runs", "1", "--no-progress"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/lacks hp '12' results on cifar10-valid/);
  });
});
