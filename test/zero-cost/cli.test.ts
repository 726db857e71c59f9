/**
 * `aa-nas zero-cost`: compute writes one score per (arch, proxy) with its provenance and a second run skips what is
 * stored; score reads them back; correlation prints ρ and τ for a stored accuracy; bad input exits 2 with one line.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { SMALL_HPS, writeSyntheticStore } from "../web/support/synthetic-store.js";
import { runCli } from "../support/cli.js";
import { tempDirs } from "../data/temp.js";

const tempDir = tempDirs();

describe("aa-nas zero-cost", () => {
  it("computes proxies into a store with provenance, resumes, and reads them back", () => {
    const db = join(tempDir("aa-zc-cli-"), "zc.db");
    const args = ["zero-cost", "compute", "--bench", db, "--range", "10-11", "--proxies", "snip,l2_norm,params", "--batch-source", "gaussian", "--batch-size", "4", "--seed", "3", "--quiet"];
    const first = runCli(args, { env: { AA_NAS_THREADS: "1" } });
    expect(first.stderr).toContain("2 arch(s) scored, 0 already");
    expect(first.status).toBe(0);
    const store = BenchStore.open(db);
    const rows = store.zeroCostScores();
    store.close();
    expect(rows.map((r) => [r.archIndex, r.proxy])).toEqual([[10, "l2_norm"], [10, "params"], [10, "snip"], [11, "l2_norm"], [11, "params"], [11, "snip"]]);
    expect(rows[0]).toMatchObject({ dataset: "cifar10", seed: 3, version: 1, device: "cpu", batch: { source: "gaussian", size: 4, seed: 0, indices: [] } });
    expect(rows.every((r) => Number.isFinite(r.score) && r.seconds >= 0)).toBe(true);

    const again = runCli(args, { env: { AA_NAS_THREADS: "1" } });
    expect(again.stderr).toContain("0 arch(s) scored, 2 already");

    const read = runCli(["zero-cost", "score", "--bench", db, "--arch-index", "10", "--proxies", "snip,grasp", "--json"]);
    expect(read.status).toBe(0);
    const parsed = JSON.parse(read.stdout) as { scores: { proxy: string; score: number | null }[] };
    expect(parsed.scores[0]!.score).toBe(rows[2]!.score);
    expect(parsed.scores[1]).toEqual({ proxy: "grasp", score: null, seeds: [] });
  }, 120_000);

  it("prints Spearman and Kendall of stored proxies against an accuracy", () => {
    const db = join(tempDir("aa-zc-cli-"), "bench.db");
    const archs = Array.from({ length: 12 }, (_, i) => i * 101);
    writeSyntheticStore(db, { archs, datasets: ["cifar10-valid"], hps: { "200": SMALL_HPS["200"]! } });
    const store = BenchStore.open(db, { write: true });
    const batch = { source: "gaussian", size: 2, seed: 0, indices: [] };
    store.putZeroCost(archs.map((a) => ({ archIndex: a, dataset: "cifar10", seed: 0, proxy: "params" as const, score: a % 7, version: 1, batch, seconds: 0, device: "cpu", computedAt: "t" })));
    store.close();
    const r = runCli(["zero-cost", "correlation", "--bench", db, "--proxies", "params,synflow", "--hp", "200", "--dataset", "cifar10-valid", "--json"]);
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { proxy: string; n: number; spearman: number | null }[];
    expect(rows.map((x) => [x.proxy, x.n])).toEqual([["params", 12], ["synflow", 0]]);
    expect(typeof rows[0]!.spearman).toBe("number");
    const text = runCli(["zero-cost", "correlation", "--bench", db, "--proxies", "params", "--hp", "200", "--dataset", "cifar10-valid"]);
    expect(text.stdout).toMatch(/^params\s+-?\d\.\d{4}\s+-?\d\.\d{4}\s+12$/m);
  }, 120_000);

  it("rejects an unknown proxy or metric with one line and exit 2", () => {
    const bad = runCli(["zero-cost", "compute", "--bench", "/nonexistent/x.db", "--arch-index", "1", "--proxies", "synflow,zen"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("unknown proxy 'zen'; valid: 'all' or a comma-separated list of 'synflow'");
    const metric = runCli(["zero-cost", "correlation", "--bench", "/nonexistent/x.db", "--hp", "200", "--dataset", "cifar10-valid", "--metric", "valid"]);
    expect(metric.status).toBe(2);
    expect(metric.stderr).toMatch(/--metric.*valid/);
  });
});
