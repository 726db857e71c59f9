import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { runCli } from "../support/cli.js";
import { startCli, type CliProcess } from "./cli-process.js";
import { recordsIn } from "../support/records.js";
import { startRedis, type TestRedis } from "./redis-server.js";

// Tiny but real trainings: 2 archs × 2 seeds, 3 epochs of one 256-image batch, C=8, one cell per stage.
const SETTINGS = ["--seeds", "777", "888", "--datasets", "fashion-mnist", "--hp", "3", "--channel", "8", "--num-cells", "1", "--train-subset", "256", "--eval-subset", "128"];
const RANGE = ["--range", "1835-1836"];
// Dead workers are noticed within ~lock + 2 × stalled-check.
const WORKER_TIMING = ["--lock-ms", "3000", "--stalled-ms", "1000", "--exit-when-done"];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ aof: true });
});
afterAll(async () => {
  await redis?.stop();
});

describe("sweep on Redis survives a SIGKILLed worker and a Redis restart", () => {
  it("every (arch, seed) record is collected exactly once and equals an undisturbed run's", async () => {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-sweep-fault-"));
    const clean = join(root, "clean");
    const shared = join(root, "shared");
    const noData = join(root, "no-data"); // fashion-mnist falls back to Debian's package

    const reference = runCli(["train", ...RANGE, ...SETTINGS, "--out", clean], { timeoutMs: 300_000 });
    expect(reference.status, reference.stderr).toBe(0);

    const q = ["--redis", redis.url, "--queue", "fault"];
    const plan = runCli(["sweep", "plan", ...RANGE, ...SETTINGS, ...q, "--attempts", "3", "--backoff-ms", "200", "--json"]);
    expect(plan.status, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ added: 4, existing: 0 });
    const replan = runCli(["sweep", "plan", ...RANGE, ...SETTINGS, ...q, "--json"]);
    expect(JSON.parse(replan.stdout)).toEqual({ added: 0, existing: 4 });

    const worker = (): CliProcess => startCli(["sweep", "worker", ...q, "--out", shared, "--data-dir", noData, ...WORKER_TIMING]);
    const workers = [worker(), worker(), worker()];
    // Three workers share the four jobs; the first to checkpoint an epoch dies there, well before its job ends.
    const victimIndex = await Promise.race(workers.map((w, i) => w.waitFor(/epoch 1\/3/).then(() => i, () => -1)));
    expect(victimIndex).toBeGreaterThanOrEqual(0);
    const victim = workers[victimIndex]!;
    victim.child.kill("SIGKILL");
    expect(await victim.exited).toBe("SIGKILL");
    const survivors = workers.filter((_, i) => i !== victimIndex);
    await redis.restart();

    const codes = await Promise.all(survivors.map((w) => w.exited));
    const logs = survivors.map((w) => w.stderr()).join("\n");
    expect(codes, logs).toEqual([0, 0]);
    // the victim's job was taken over and resumed from its checkpoint, not trained from scratch
    expect(logs).toMatch(/resuming at epoch [12]\/3/);

    const status = runCli(["sweep", "status", ...q, "--json"]);
    expect(status.status, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { counts: Record<string, number>; failures: unknown[] };
    expect(s.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 4, failed: 0 });

    expect(recordsIn(shared)).toEqual(recordsIn(clean));
    expect(recordsIn(shared).size).toBe(4);
    expect(existsSync(join(shared, "checkpoints"))).toBe(false);

    const db = join(root, "bench.sqlite");
    for (const pass of [1, 2]) {
      const collected = runCli(["sweep", "collect", "--results", shared, "--out", db, "--json"]);
      expect(collected.status, collected.stderr).toBe(0);
      const report = JSON.parse(collected.stdout) as { inserted: number; unchanged: number };
      expect([report.inserted, report.unchanged]).toEqual(pass === 1 ? [4, 0] : [0, 4]);
    }
    const store = BenchStore.open(db);
    const rows = store.finalRows("3", "fashion-mnist").map((r) => `${r.arch_index}/${r.seed}`).sort();
    store.close();
    expect(rows).toEqual(["1835/777", "1835/888", "1836/777", "1836/888"]);
  }, 240_000);
});
