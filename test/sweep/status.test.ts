import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SweepStatus } from "../../packages/engine/src/sweep/status.js";
import { runCli } from "../support/cli.js";
import { startCli } from "./cli-process.js";
import { startRedis, type TestRedis } from "./redis-server.js";

const TINY = ["--channel", "8", "--num-cells", "1", "--eval-subset", "128", "--hp", "3"];
// Each status call is a fresh `node` process (~0.4 s), so a running job must last several seconds for the polls to
// see it mid-training even on an idle machine; 4,096 images make an epoch take ~2-3 s on 2 cores.
const LONG_ENOUGH = ["--train-subset", "4096"];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe("aa-nas sweep status on Redis", () => {
  it("shows running jobs' progress, and a failing job's reason without blocking the others", async () => {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-sweep-status-"));
    const q = ["--redis", redis.url, "--queue", "status"];
    // planned first, so the worker meets it first: CIFAR-10 is not in the (empty) data folder
    const bad = runCli(["sweep", "plan", "--arch-index", "5", "--seeds", "777", "--datasets", "cifar10", ...TINY, "--train-subset", "256", ...q, "--attempts", "2", "--backoff-ms", "100"]);
    expect(bad.status, bad.stderr).toBe(0);
    const good = runCli(["sweep", "plan", "--range", "1835-1836", "--seeds", "777", "--datasets", "fashion-mnist", ...TINY, ...LONG_ENOUGH, ...q]);
    expect(good.status, good.stderr).toBe(0);

    const worker = startCli(["sweep", "worker", ...q, "--out", join(root, "results"), "--data-dir", join(root, "no-data"), "--exit-when-done", "--stalled-ms", "1000"]);
    // poll until a running job reports an epoch, in the JSON and in the text form (each a fresh snapshot)
    const poll = async <T>(read: () => T | null): Promise<T | null> => {
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        const v = read();
        if (v !== null) return v;
      }
      return null;
    };
    const seen = await poll(() => {
      const s = JSON.parse(runCli(["sweep", "status", ...q, "--json"]).stdout) as SweepStatus;
      return s.active.some((a) => a.progress !== null && a.progress.epoch >= 1) ? s : null;
    });
    expect(seen, worker.stderr()).not.toBeNull();
    expect(seen!.counts.active).toBe(1);
    expect(seen!.active[0]!.progress).toMatchObject({ dataset: "fashion-mnist", epochs: 3 });
    const text = await poll(() => {
      const t = runCli(["sweep", "status", ...q]).stdout;
      return /active arch-00183[56]-seed-0777-hp3-\w+: fashion-mnist epoch [123]\/3/.test(t) ? t : null;
    });
    expect(text, worker.stderr()).not.toBeNull();

    expect(await worker.exited, worker.stderr()).toBe(0);
    const final = runCli(["sweep", "status", ...q, "--json"]);
    const s = JSON.parse(final.stdout) as SweepStatus;
    expect(s.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 2, failed: 1 });
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatchObject({ id: expect.stringMatching(/^arch-000005-seed-0777-hp3-/) as unknown, attemptsMade: 2, willRetry: false });
    expect(s.failures[0]!.reason).toMatch(/CIFAR-10 not found in .*no-data/);
    expect(s.throughputPerHour).toBeGreaterThan(0);
    expect(s.etaSeconds).toBe(0);
    const finalText = runCli(["sweep", "status", ...q]).stdout;
    expect(finalText).toMatch(/2\/3 completed, 0 active, 0 waiting, 0 delayed \(retry backoff\), 1 failed/);
    expect(finalText).toMatch(/FAILED arch-000005-seed-0777-hp3-\w+ after 2 attempt\(s\): CIFAR-10 not found/);
  }, 180_000);

  it("says which Redis it could not reach and how to fix it", async () => {
    const r = runCli(["sweep", "status", "--redis", "redis://127.0.0.1:1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*give --redis redis:\/\/HOST:PORT/);
  });
});
