/**
 * REA's zero-cost warm-up (docs/search.md): off by default, where every algorithm's runs are exactly what they were
 * before the option existed; with it, REA's initial population is the proxy's top population_size of a pool drawn by
 * the run's own generator, the pool's scoring is not charged, and a store without the proxy for every arch, or an
 * algorithm other than REA, is refused up front.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { IncompleteBenchmarkError } from "../../packages/core/src/search/campaign.js";
import { ALGORITHMS, campaignToJson, mergeSettings, runCampaign, tablePrior, type Campaign, type CampaignJson } from "../../packages/core/src/search/index.js";
import { NUM_ARCHS, PyRandom, archAt, indexOf, sampleArch } from "../../packages/core/src/space/index.js";
import { archCosts } from "../../packages/core/src/space/costs.js";
import { UserError } from "../../packages/core/src/errors.js";
import { runCli } from "../support/cli.js";
import { tempDirs } from "../data/temp.js";
import { syntheticBenchmark } from "./synthetic.js";
import { buildCifar10TableStore } from "./table-store.js";

const tempDir = tempDirs();

/** Everything of a campaign but wall times: answers, settings, summary, every evaluation. */
function digest(c: Campaign): string {
  // `space` came with the size space, after the digests below were taken; the campaign's behaviour is what they pin
  const { space, ...j } = campaignToJson(c);
  expect(space).toBe("tss");
  const stable = JSON.stringify({ ...j, summary: { ...j.summary, wallSeconds: 0 }, results: j.results, histories: c.results.map((r) => r.history.map((h) => [h.archIndex, h.reward, h.cost, h.time])) });
  return createHash("sha256").update(stable).digest("hex");
}

/** The pool REA's warm-up draws with seed `seed`: distinct archs in draw order (as a fresh generator gives them). */
function pool(seed: number, size: number): number[] {
  const rng = new PyRandom(seed);
  const drawn = new Set<number>();
  while (drawn.size < size) drawn.add(indexOf(sampleArch(rng)));
  return [...drawn];
}

/** A deterministic proxy on the synthetic space that disagrees with its rewards (so the warm-up visibly matters). */
const fakeScores = new Map(Array.from({ length: NUM_ARCHS }, (_, i) => [i, ((i * 2654435761) % 1000003) / 1000003] as [number, number]));

describe("REA warm-up by a zero-cost proxy", () => {
  it("without the option every algorithm's campaign is exactly what it was before the option existed", () => {
    // digests of the same campaigns computed with the code before the warm-up was added (commit 00e1852)
    const before: Record<string, string> = {
      rea: "f02dc49ae77a96b120f6ee0402b25404956b5dd3fc61dbb367ef4aa80b61d304",
      rs: "54a905e173abf09b0891274feacf8b1af6495c9e4ee2a1a0c272e101daebc936",
      reinforce: "a042888c53fc878f03244a0ff9907f6711ba54ae9d84ac34e80468f8266ca6fc",
      bohb: "0d3309ae0e4e39ba547b81447fdd4aaa3140f0d9c63c6e95fc2681b9f4467b40",
    };
    const bench = syntheticBenchmark();
    for (const algorithm of ALGORITHMS) {
      const c = runCampaign({ algorithm, benchmark: bench, oracle: bench, dataset: "cifar10", runs: 5, seed: 7, budget: 12000 });
      expect(digest(c), algorithm).toBe(before[algorithm]);
      expect(campaignToJson(c).settings).not.toHaveProperty("warmup");
    }
  });

  it("starts from the proxy's best population_size of the drawn pool, in score order, charging only their evaluations", () => {
    const bench = syntheticBenchmark();
    const prior = tablePrior("fake", fakeScores);
    const settings = mergeSettings({ rea: { warmup: { proxy: "fake", pool: 300 } } });
    const c = runCampaign({ algorithm: "rea", benchmark: bench, oracle: bench, dataset: "cifar10", runs: 3, seed: 11, budget: 12000, settings, prior });
    for (const r of c.results) {
      const drawn = pool(r.seed, 300);
      const first = r.history.slice(0, 10).map((h) => h.archIndex);
      const ranked = [...drawn].sort((a, b) => fakeScores.get(b)! - fakeScores.get(a)!);
      expect(first).toEqual(ranked.slice(0, 10));
      // the pool's 290 other archs were scored but never evaluated: the clock holds only the 10 evaluations
      expect(r.history[9]!.time).toBeCloseTo(r.history.slice(0, 10).reduce((s, h) => s + h.cost, 0), 9);
    }
    const plain = runCampaign({ algorithm: "rea", benchmark: bench, oracle: bench, dataset: "cifar10", runs: 3, seed: 11, budget: 12000 });
    expect(plain.results[0]!.history.slice(0, 10).map((h) => h.archIndex)).not.toEqual(c.results[0]!.history.slice(0, 10).map((h) => h.archIndex));
    expect(campaignToJson(c).settings).toMatchObject({ populationSize: 10, warmup: { proxy: "fake", pool: 300 } });
  });

  it("refuses a prior with gaps, a pool smaller than the population, and other algorithms, before the first run", () => {
    const bench = syntheticBenchmark();
    const base = { benchmark: bench, oracle: bench, dataset: "cifar10" as const, runs: 1, seed: 1, budget: 12000 };
    const settings = (warmup: { proxy: string; pool: number }) => mergeSettings({ rea: { warmup } });
    const gappy = tablePrior("fake", new Map([...fakeScores].filter(([a]) => a % 1000 !== 5)));
    expect(() => runCampaign({ ...base, algorithm: "rea", settings: settings({ proxy: "fake", pool: 100 }), prior: gappy })).toThrow(IncompleteBenchmarkError);
    expect(() => runCampaign({ ...base, algorithm: "rea", settings: settings({ proxy: "fake", pool: 100 }), prior: gappy })).toThrow(/lacks 'fake' scores on cifar10 for 16 of 15,625 archs \(arch 5, 1005, 2005, …\)/);
    expect(() => runCampaign({ ...base, algorithm: "rea", settings: settings({ proxy: "fake", pool: 5 }), prior: tablePrior("fake", fakeScores) })).toThrow(/pool must be an integer from the population size \(10\)/);
    expect(() => runCampaign({ ...base, algorithm: "rs", settings: settings({ proxy: "fake", pool: 100 }), prior: tablePrior("fake", fakeScores) })).toThrow(UserError);
  });
});

describe("aa-nas search rea --warmup on a store", () => {
  let db: string;
  beforeAll(() => {
    db = join(tempDir("aa-nas-warmup-"), "tables.db");
    buildCifar10TableStore(db);
    const store = BenchStore.open(db, { write: true });
    const batch = { source: "gaussian", size: 2, seed: 0, indices: [] };
    const row = (archIndex: number, proxy: "params" | "synflow", score: number) => ({ archIndex, dataset: "cifar10", seed: 0, proxy, score, version: 1, batch, seconds: 0, device: "cpu", computedAt: "t" });
    store.putZeroCost(Array.from({ length: NUM_ARCHS }, (_, i) => row(i, "params", archCosts(archAt(i), "cifar10").params)));
    store.putZeroCost(Array.from({ length: 100 }, (_, i) => row(i, "synflow", i)));
    store.close();
  }, 300_000);

  it("ranks the pool by the store's scores; refuses a proxy the store lacks for some archs, and other algorithms", () => {
    const r = runCli(["search", "rea", "--bench", db, "--runs", "2", "--seed", "3", "--warmup", "params", "--warmup-pool", "200", "--json", "--no-progress"]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as CampaignJson;
    expect(j.settings).toMatchObject({ populationSize: 10, warmup: { proxy: "params", pool: 200 } });
    const store = BenchStore.open(db);
    const params = new Map(store.zeroCostScores({ proxy: "params" }).map((s) => [s.archIndex, s.score]));
    store.close();
    const out = join(tempDir("aa-nas-warmup-"), "rea.json");
    const file = runCli(["search", "rea", "--bench", db, "--runs", "1", "--seed", "3", "--warmup", "params", "--warmup-pool", "200", "--out", out, "--no-progress"]);
    expect(file.status, file.stderr).toBe(0);
    expect(file.stdout).toContain("warm-up (not the paper's protocol): initial population = best 10 of 200 archs by params");
    const saved = JSON.parse(readFileSync(out, "utf8")) as { results: { history: { archIndex: number }[] }[] };
    const ranked = pool(3, 200).sort((a, b) => params.get(b)! - params.get(a)!);
    expect(saved.results[0]!.history.slice(0, 10).map((h) => h.archIndex)).toEqual(ranked.slice(0, 10));

    const gap = runCli(["search", "rea", "--bench", db, "--runs", "1", "--warmup", "synflow", "--no-progress"]);
    expect(gap.status).toBe(2);
    expect(gap.stderr).toMatch(/lacks 'synflow' scores on cifar10 for 15,525 of 15,625 archs \(arch 100, 101, 102, …\)/);
    const rs = runCli(["search", "rs", "--bench", db, "--runs", "1", "--warmup", "params", "--no-progress"]);
    expect(rs.status).toBe(2);
    expect(rs.stderr).toMatch(/warm-up is an option of REA only/);
  }, 300_000);
});
