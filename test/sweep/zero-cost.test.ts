/**
 * The zero-cost sweep job kind on the local queue: `sweep plan-zero-cost` splits archs into jobs, `sweep worker`
 * scores each job into its own store in the results folder (skipping archs already there), and `sweep collect` merges
 * them into the benchmark store as the same records `aa-nas zero-cost compute` writes.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { planZeroCostJobs, sweepJobId } from "../../packages/engine/src/sweep/job.js";
import type { SweepStatus } from "../../packages/engine/src/sweep/status.js";
import { runCli } from "../support/cli.js";
import { tempDirs } from "../data/temp.js";
import { comparable, directScores, PROXY_ARGS, PROXY_SETTINGS, readScores, ZC_ENV as ENV } from "./zero-cost-support.js";

const tempDir = tempDirs();

describe("aa-nas sweep: zero-cost jobs on the local queue", () => {
  it("plans chunks of archs, scores them resumably into per-job stores, and collect merges the same records compute writes", () => {
    const root = tempDir("aa-zc-sweep-");
    const out = join(root, "results");
    const plan = (): unknown => JSON.parse(runCli(["sweep", "plan-zero-cost", "--out", out, "--range", "10-12", "--archs-per-job", "2", ...PROXY_ARGS, "--json"]).stdout);
    expect(plan()).toEqual({ added: 2, existing: 0 });
    expect(plan()).toEqual({ added: 0, existing: 2 });

    // the first job's store already holds arch 10 (as a worker killed after its first arch leaves it)
    const [first] = planZeroCostJobs([10, 11, 12], 2, { ...PROXY_SETTINGS, proxies: [...PROXY_SETTINGS.proxies] });
    const firstStore = join(out, "zero-cost", `${sweepJobId(first!)}.db`);
    mkdirSync(dirname(firstStore), { recursive: true });
    const pre = runCli(["zero-cost", "compute", "--bench", firstStore, "--arch-index", "10", ...PROXY_ARGS, "--quiet"], { env: ENV });
    expect(pre.status, pre.stderr).toBe(0);

    const worker = runCli(["sweep", "worker", "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--json"], { env: ENV });
    expect(worker.status, worker.stderr).toBe(0);
    expect(JSON.parse(worker.stdout)).toEqual({ trained: 2, alreadyDone: 0, failedTries: 0 });
    expect(worker.stderr).toContain("1 of 2 archs already scored");
    expect(worker.stderr.match(/arch 10: /g)).toBeNull(); // not scored again
    expect(worker.stderr).toMatch(/arch 11: snip -?\d/);
    expect(worker.stderr).toMatch(/arch 12: snip -?\d/);
    const status = JSON.parse(runCli(["sweep", "status", "--out", out, "--json"]).stdout) as SweepStatus;
    expect(status.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 2, failed: 0 });

    const bench = join(root, "bench.db");
    const collected = runCli(["sweep", "collect", "--results", out, "--out", bench, "--json"]);
    expect(collected.status, collected.stderr).toBe(0);
    expect(JSON.parse(collected.stdout)).toMatchObject({ files: 0, zeroCost: { stores: 2, scores: 9 } });

    const swept = readScores(bench);
    expect(swept.map((r) => [r.archIndex, r.proxy])).toEqual([10, 11, 12].flatMap((a) => [[a, "l2_norm"], [a, "params"], [a, "snip"]]));
    expect(comparable(swept)).toEqual(comparable(directScores(root, "10-12")));

    // collecting again changes nothing
    const again = runCli(["sweep", "collect", "--results", out, "--out", bench, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ zeroCost: { stores: 2, scores: 9 } });
    expect(comparable(readScores(bench))).toEqual(comparable(swept));
  }, 120_000);

  it("refuses an unknown proxy or dataset when planning, with one line and exit 2", () => {
    const out = join(tempDir("aa-zc-sweep-"), "results");
    const bad = runCli(["sweep", "plan-zero-cost", "--out", out, "--range", "0-1", "--proxies", "zen"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown proxy 'zen'");
    const dataset = runCli(["sweep", "plan-zero-cost", "--out", out, "--range", "0-1", "--dataset", "mnist"]);
    expect(dataset.status).toBe(2);
    expect(dataset.stderr).toMatch(/--dataset.*mnist|mnist.*--dataset/);
  });
});
