/**
 * The job kinds added after the Redis acceptance test (fault.test.ts), run on Redis exactly as docs/sweep.md tells a
 * user to: zero-cost jobs (`sweep plan-zero-cost --redis`) are scored, collected and equal a direct
 * `zero-cost compute`, and a zero-cost job whose worker is SIGKILLed mid-job is taken over and resumed without
 * scoring its stored archs again; size-space (sss) training jobs (`sweep plan --space sss --redis`) are trained and
 * collected into an sss store that answers the trained config by its channel string.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { readRecordFile } from "../../packages/engine/src/pipeline/record-file.js";
import type { SweepStatus } from "../../packages/engine/src/sweep/status.js";
import { runCli, type CliResult } from "../support/cli.js";
import { tempDirs } from "../data/temp.js";
import { startCli } from "./cli-process.js";
import { startRedis, type TestRedis } from "./redis-server.js";
import { comparable, directScores, PROXY_ARGS, readScores, ZC_ENV } from "./zero-cost-support.js";

const tempDir = tempDirs();
// Dead workers are noticed within ~lock + 2 × stalled-check (as in fault.test.ts).
const WORKER_TIMING = ["--lock-ms", "3000", "--stalled-ms", "1000", "--exit-when-done"];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

function json<T>(r: CliResult): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const counts = (q: string[]): SweepStatus["counts"] => json<SweepStatus>(runCli(["sweep", "status", ...q, "--json"])).counts;

describe("zero-cost and size-space jobs on the Redis queue", () => {
  it("zero-cost jobs planned on Redis are scored by a worker and collect into the scores zero-cost compute writes", () => {
    const root = tempDir("aa-redis-zc-");
    const out = join(root, "results");
    const q = ["--redis", redis.url, "--queue", "zc"];
    const plan = (): unknown => json(runCli(["sweep", "plan-zero-cost", ...q, "--range", "10-13", "--archs-per-job", "2", ...PROXY_ARGS, "--json"]));
    expect(plan()).toEqual({ added: 2, existing: 0 });
    expect(plan()).toEqual({ added: 0, existing: 2 });

    const worker = runCli(["sweep", "worker", ...q, "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--json"], { env: ZC_ENV });
    expect(worker.status, worker.stderr).toBe(0);
    expect(JSON.parse(worker.stdout)).toEqual({ trained: 2, alreadyDone: 0, failedTries: 0 });
    for (const a of [10, 11, 12, 13]) expect(worker.stderr).toMatch(new RegExp(`arch ${a}: snip -?\\d`));
    expect(counts(q)).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 2, failed: 0 });

    const bench = join(root, "bench.db");
    expect(json(runCli(["sweep", "collect", "--results", out, "--out", bench, "--json"]))).toMatchObject({ files: 0, zeroCost: { stores: 2, scores: 12 } });
    const swept = readScores(bench);
    expect(swept.map((r) => [r.archIndex, r.proxy])).toEqual([10, 11, 12, 13].flatMap((a) => [[a, "l2_norm"], [a, "params"], [a, "snip"]]));
    expect(comparable(swept)).toEqual(comparable(directScores(root, "10-13")));
  }, 120_000);

  it("a zero-cost job whose worker is SIGKILLed mid-job is taken over by another worker and resumes after the stored archs", async () => {
    const root = tempDir("aa-redis-zc-fault-");
    const out = join(root, "results");
    const q = ["--redis", redis.url, "--queue", "zc-fault"];
    // one job of 10 archs: at ~0.15 s an arch the kill after the first lands over a second before the job would end
    expect(json(runCli(["sweep", "plan-zero-cost", ...q, "--range", "20-29", "--archs-per-job", "10", ...PROXY_ARGS, "--json"]))).toEqual({ added: 1, existing: 0 });
    const worker = (): ReturnType<typeof startCli> => startCli(["sweep", "worker", ...q, "--out", out, "--data-dir", join(root, "no-data"), ...WORKER_TIMING], { env: ZC_ENV });

    const victim = worker();
    await victim.waitFor(/arch 20: snip/);
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    expect(victim.stderr(), "the victim finished the job before it was killed").not.toMatch(/arch 29: /);
    expect(counts(q)).toMatchObject({ active: 1, completed: 0 }); // still locked by the dead worker

    const successor = worker();
    expect(await successor.exited, successor.stderr()).toBe(0);
    const log = successor.stderr();
    expect(log).toMatch(/its worker stopped renewing the lock; back in the queue/);
    expect(log).toMatch(/[1-9] of 10 archs already scored/);
    expect(log.match(/arch 20: /g)).toBeNull(); // stored before the kill: not scored again
    expect(log).toMatch(/arch 29: snip -?\d/);
    expect(counts(q)).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 });

    const bench = join(root, "bench.db");
    expect(json(runCli(["sweep", "collect", "--results", out, "--out", bench, "--json"]))).toMatchObject({ zeroCost: { stores: 1, scores: 30 } });
    expect(comparable(readScores(bench))).toEqual(comparable(directScores(root, "20-29")));
  }, 120_000);

  it("an sss training job planned on Redis is trained, and collect makes an sss store answering the config by its channels", async () => {
    const root = tempDir("aa-redis-sss-");
    const out = join(root, "results");
    const q = ["--redis", redis.url, "--queue", "sss"];
    // no --seeds: hp 01's released seed, 777; size config 1 is 8:8:8:8:16
    const sss = ["--space", "sss", "--arch-index", "1", "--hp", "01", "--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128", ...q];
    expect(json(runCli(["sweep", "plan", ...sss, "--json"]))).toEqual({ added: 1, existing: 0 });
    expect(json(runCli(["sweep", "plan", ...sss, "--json"]))).toEqual({ added: 0, existing: 1 });

    const worker = startCli(["sweep", "worker", ...q, "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--replicas", "1"], { env: ZC_ENV });
    expect(await worker.exited, worker.stderr()).toBe(0);
    expect(counts(q)).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 });
    const run = readRecordFile(join(out, "arch-000001-seed-0777.json")).runs[0]!;

    const db = join(root, "bench.sqlite");
    expect(json(runCli(["sweep", "collect", "--results", out, "--out", db, "--json"]))).toMatchObject({ space: "sss", files: 1, inserted: 1, corrupt: [] });
    const store = BenchStore.open(db, { space: "sss" });
    try {
      expect(store.evaluatedIndexes()).toEqual([1]);
      expect(store.getRecord(1, "01", "fashion-mnist", 777)!.arch).toBe("8:8:8:8:16");
    } finally {
      store.close();
    }
    const info = json<Record<string, number>>(runCli(["query", "8:8:8:8:16", "--bench", db, "--space", "sss", "--dataset", "fashion-mnist", "--hp", "01", "--json"]));
    expect(info["test-accuracy"]).toBe(run.evals["ori-test"]!.acc!.at(-1));
    expect(info["test-loss"]).toBe(run.evals["ori-test"]!.loss!.at(-1));
    expect(info["train-loss"]).toBe(run.train.loss![0]);
  }, 120_000);
});
