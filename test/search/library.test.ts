/**
 * `@aa-nas/core/search` as a library user sees it: imported by package name from the built dist (a child process in the
 * repository, so the package's self-reference resolves), it runs the same campaign as `aa-nas search --json`; the
 * published typings compile without @types/node. Needs `npm run build` first (the suite's pretest does it).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { registerSearchCommands } from "../../packages/cli/src/commands/search.js";
import { UserError } from "../../packages/core/src/errors.js";
import { CAMPAIGN_DEFAULTS, PAPER_BUDGET, SPACE_BUDGETS, resolveBudget, campaignToFile, campaignToJson, searchCampaign, type CampaignFile, type CampaignJson } from "../../packages/core/src/search/index.js";
import { openSearchBenchmark } from "../../packages/core/src/search/store-benchmark.js";
import { NUM_ARCHS } from "../../packages/core/src/space/index.js";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { buildCifar10TableStore } from "./table-store.js";

let dir: string;
let db: string;
let partial: string;

beforeAll(() => {
  for (const f of ["packages/core/dist/search/index.js", "packages/core/dist/search/index.d.ts", "packages/cli/dist/main.js"]) {
    if (!existsSync(join(repoRoot, f))) throw new Error(`${f} missing: run 'npm run build' before this test`);
  }
  dir = mkdtempSync(join(tmpdir(), "aa-nas-library-"));
  db = join(dir, "tables.db");
  buildCifar10TableStore(db);
  partial = join(dir, "partial.db");
  buildCifar10TableStore(partial, 35);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** wallSeconds is the only field that may differ between two runs of the same campaign. */
function withoutWall(j: CampaignJson): Omit<CampaignJson, "summary"> & { summary: Omit<CampaignJson["summary"], "wallSeconds"> } {
  const { wallSeconds: _wall, ...summary } = j.summary;
  return { ...j, summary };
}

/** Runs a script that imports the package by name, from the repository root; stdout is parsed as JSON. */
function script<T>(source: string, args: string[]): T {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", source, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`script failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const LIBRARY_SCRIPT = `
import { searchCampaign, campaignToJson } from "@aa-nas/core/search";
const [db, algorithm, runs, seed] = process.argv.slice(1);
const campaign = searchCampaign(algorithm, db, { runs: Number(runs), seed: Number(seed) });
process.stdout.write(JSON.stringify(campaignToJson(campaign)));
`;

describe("@aa-nas/core/search from a script", () => {
  it.each(["rea"] as const)("%s: the package entry gives exactly the CLI's --json output for the same store and seed", (algorithm) => {
    const runs = 30;
    const seed = 7;
    const lib = script<CampaignJson>(LIBRARY_SCRIPT, [db, algorithm, String(runs), String(seed)]);
    const cli = runCli(["search", algorithm, "--bench", db, "--runs", String(runs), "--seed", String(seed), "--json", "--no-progress"]);
    expect(cli.status, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as CampaignJson;
    expect(withoutWall(lib)).toStrictEqual(withoutWall(fromCli));
    expect(lib.results.map((r) => r.seed)).toStrictEqual(Array.from({ length: runs }, (_, i) => seed + i));
    // a real search: the answers differ between seeds and are judged by the store's 200-epoch numbers
    expect(new Set(lib.results.map((r) => r.archIndex)).size).toBeGreaterThan(1);
    expect(lib.budget).toBe(CAMPAIGN_DEFAULTS.budget);
  });

  it("the CLI's defaults are the library's defaults", () => {
    const program = new Command();
    registerSearchCommands(program);
    const search = program.commands.find((c) => c.name() === "search")!;
    const dflt = (flag: string): unknown => search.options.find((o) => o.long === flag)?.defaultValue;
    expect(dflt("--runs")).toBe(String(CAMPAIGN_DEFAULTS.runs));
    expect(dflt("--seed")).toBe(String(CAMPAIGN_DEFAULTS.seed));
    // the budget is left to the library: its default is the store's space's (tss 'paper' = 12000 s, sss 'nats')
    expect(dflt("--budget")).toBeUndefined();
    expect(resolveBudget(SPACE_BUDGETS.tss.default, "cifar100", "tss")).toBe(CAMPAIGN_DEFAULTS.budget);
    expect(resolveBudget(SPACE_BUDGETS.sss.default, "cifar100", "sss")).toBe(40000);
    expect(CAMPAIGN_DEFAULTS).toMatchObject({ runs: 500, seed: 1, budget: PAPER_BUDGET, dataset: "cifar10" });
  });

  it("in a loop on one open NasBench: the same runs as from the path, and the handle stays open", () => {
    const bench = NasBench.open(db);
    try {
      for (const algorithm of ["rea", "reinforce", "bohb"] as const) {
        const fromBench = searchCampaign(algorithm, bench, { runs: 3, seed: 40 });
        const fromPath = searchCampaign(algorithm, db, { runs: 3, seed: 40 });
        expect(withoutWall(campaignToJson(fromBench))).toStrictEqual(withoutWall(campaignToJson(fromPath)));
        expect(fromBench.summary.algorithm).toBe(algorithm);
      }
      expect(bench.getMoreInfo(0, "cifar10", { hp: "200" }).testAccuracy).toBeGreaterThan(0);
    } finally {
      bench.close();
    }
  });

  it("settings overrides reach the algorithm and the JSON; bad input names what is valid", () => {
    const c = searchCampaign("rea", db, { runs: 1, seed: 3, budget: "nats", settings: { rea: { populationSize: 20 } } });
    expect(campaignToJson(c).settings).toStrictEqual({ populationSize: 20, tournamentSize: 3 });
    expect(c.summary.budget).toBe(20000);
    expect(() => searchCampaign("darts" as "rea", db)).toThrow(UserError);
    expect(() => searchCampaign("darts" as "rea", db)).toThrow(/valid algorithms: .*rea/);
    expect(() => searchCampaign("rea", db, { seed: -1 })).toThrow(/seed must be a non-negative integer, got -1/);
    expect(() => searchCampaign("rea", db, { runs: 0 })).toThrow(/runs must be a positive integer/);
  });
});

/** A campaign file without the fields that differ between two runs of the same campaign (times, wall clock). */
function reproducible(f: CampaignFile): unknown {
  const { createdAt: _c, summary, results, ...rest } = f;
  const { wallSeconds: _w, ...stable } = summary;
  return { ...rest, summary: stable, results: results.map(({ wallSeconds: _s, history, ...r }) => ({ ...r, history: history.map(({ wallTime: _t, ...h }) => h) })) };
}

describe("aa-nas search --out (campaign file)", () => {
  it("writes the library's campaign: settings, every evaluation, the traces and the optimum of the store", () => {
    const out = join(dir, "rea.json");
    const cli = runCli(["search", "rea", "--bench", db, "--runs", "3", "--seed", "5", "--out", out, "--no-progress"]);
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`campaign file: ${out}`);
    const file = JSON.parse(readFileSync(out, "utf8")) as CampaignFile;
    const lib = campaignToFile(searchCampaign("rea", db, { runs: 3, seed: 5, optimum: true }), { createdBy: "aa-nas search rea", source: db });
    expect(reproducible(file)).toStrictEqual(reproducible(lib));
    expect(file.settings).toStrictEqual({ populationSize: 10, tournamentSize: 3 });
    expect(file.space).toBe("tss");
    for (const r of file.results) expect(r.history.length).toBe(r.evaluations);
  });

  it("the optimum is the best of the store's final numbers over the whole space", () => {
    const bench = openSearchBenchmark(db);
    try {
      let best = { valid: -Infinity, test: -Infinity };
      for (let i = 0; i < NUM_ARCHS; i++) {
        const f = bench.finalAccuracy(i, "cifar10");
        best = { valid: Math.max(best.valid, f.valid), test: Math.max(best.test, f.test) };
      }
      const optimum = bench.optimum("cifar10");
      expect(optimum.test.accuracy).toBeCloseTo(best.test, 9);
      expect(optimum.valid.accuracy).toBeCloseTo(best.valid, 9);
      expect(bench.finalAccuracy(optimum.test.archIndex, "cifar10").test).toBeCloseTo(best.test, 9);
    } finally {
      bench.close();
    }
  });
});

describe("aa-nas search progress when stderr is not a terminal", () => {
  it("prints plain periodic lines with ETA (AA_NAS_PROGRESS_INTERVAL), none with --no-progress", () => {
    const env = { AA_NAS_PROGRESS_INTERVAL: "0" };
    const r = runCli(["search", "rs", "--bench", db, "--runs", "3", "--json"], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ algorithm: "rs", space: "tss", runs: 3 });
    const lines = r.stderr.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual([expect.stringMatching(/^RS on cifar10: 1\/3 runs \(33%\), \d+s elapsed, ETA \d+s$/), expect.stringMatching(/^RS on cifar10: 2\/3 runs \(66%\), /)]);
    expect(lines[lines.length - 1]).toMatch(/^RS on cifar10: 3\/3 runs done in \d+s$/);
    const quiet = runCli(["search", "rs", "--bench", db, "--runs", "3", "--no-progress"], { env });
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe("");
  });
});

describe("a store that lacks what a search needs", () => {
  it("is refused before the first run, naming the missing archs, and no campaign file is written", () => {
    const out = join(dir, "never.json");
    const cli = runCli(["search", "rea", "--bench", partial, "--runs", "2", "--out", out, "--no-progress"]);
    expect(cli.status).toBe(2);
    expect(cli.stderr.trim().split("\n")).toHaveLength(1);
    expect(cli.stderr).toMatch(/REA on cifar10 cannot run on this benchmark: it lacks hp '12' results on cifar10-valid for the searches' proxy training for 15,590 of 15,625 archs \(arch 35, 36, 37, …\)/);
    expect(cli.stderr).toMatch(/hp '200' results on cifar10 for the answers' test accuracy for 15,590 of 15,625 archs/);
    expect(existsSync(out)).toBe(false);
  });

  it("names a missing dataset and a missing hp", () => {
    expect(() => searchCampaign("rs", db, { dataset: "cifar100", runs: 1 })).toThrow(
      /RS on cifar100 cannot run on this benchmark: it lacks hp '12' results on cifar100 for the searches' proxy training \(hp '12' is stored for 'cifar10' or 'cifar10-valid' only\)/,
    );
    const bench = openSearchBenchmark(db, { finalHp: "90" });
    try {
      expect(bench.missingFor("cifar10")).toStrictEqual(["hp '90' results for the answers' valid accuracy (the store holds hp '12' or '200')"]);
    } finally {
      bench.close();
    }
  });
});

describe("published typings", () => {
  /** Type-checks `source` as a consumer of the package with no Node typings and full checking of our .d.ts files. */
  function typecheck(source: string): { status: number | null; output: string } {
    const work = mkdtempSync(join(tmpdir(), "aa-nas-consumer-"));
    try {
      mkdirSync(join(work, "node_modules", "@aa-nas"), { recursive: true });
      symlinkSync(join(repoRoot, "packages", "core"), join(work, "node_modules", "@aa-nas", "core"), "dir");
      writeFileSync(join(work, "consumer.mts"), source);
      const compilerOptions = { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, lib: ["ES2023"], types: [], skipLibCheck: false };
      writeFileSync(join(work, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["consumer.mts"] }));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const r = spawnSync(process.execPath, [tsc, "-p", join(work, "tsconfig.json")], { cwd: work, encoding: "utf8", timeout: 120_000 });
      return { status: r.status, output: r.stdout + r.stderr };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  it("space, bench (query API) and search compile with types: [] and skipLibCheck: false", () => {
    const r = typecheck(`
import { archAt, PyRandom, type RandomSource } from "@aa-nas/core/space";
import { NasBench, openBench, type MoreInfo, type RunRecord } from "@aa-nas/core/bench";
import { searchCampaign, campaignToJson, runCampaign, TableBenchmark, type Campaign, type CampaignJson, type SearchCampaignOptions } from "@aa-nas/core/search";
const rng: RandomSource = new PyRandom(0);
const bench: NasBench = NasBench.open("bench.sqlite", { rng });
const info: MoreInfo = bench.getMoreInfo(archAt(0), "cifar10", { hp: "200" });
const best: { index: number; accuracy: number | null } = bench.findBest("cifar10", "ori-test", { hp: "200" });
const trials: Map<number, RunRecord> = openBench(null).queryByIndex(bench.random(), "cifar10", { hp: "200" });
const options: SearchCampaignOptions = { runs: 500, seed: 1, budget: "paper" };
const campaign: Campaign = searchCampaign("rea", bench, options);
const json: CampaignJson = campaignToJson(campaign);
export const used = [info.trainAccuracy, best.index, trials.size, json.summary.test.mean, runCampaign, TableBenchmark];
`);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("the check can fail: Node's own types are really absent there", () => {
    const r = typecheck(`export const b = Buffer.alloc(1);\n`);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/Cannot find name 'Buffer'/);
  });
});
