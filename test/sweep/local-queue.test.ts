import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SweepStatus } from "../../packages/engine/src/sweep/status.js";
import { readRecordFile } from "../../packages/engine/src/pipeline/record-file.js";
import { runCli } from "../support/cli.js";
import { startCli } from "./cli-process.js";

const TINY = ["--channel", "8", "--num-cells", "1", "--train-subset", "256", "--eval-subset", "128", "--hp", "3"];

describe("aa-nas sweep without --redis (local folder queue)", () => {
  it("shares jobs between worker processes, takes over a killed worker's job, records failures; merge and eval-net read what the workers wrote", async () => {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-sweep-local-"));
    const out = join(root, "results");
    const plan = (args: string[]) => runCli(["sweep", "plan", ...args, ...TINY, "--out", out, "--attempts", "2", "--backoff-ms", "100", "--json"]);
    const goodJobs = ["--range", "1835-1836", "--seeds", "777", "--datasets", "fashion-mnist"];
    expect(JSON.parse(plan(goodJobs).stdout)).toEqual({ added: 2, existing: 0 });
    expect(JSON.parse(plan(goodJobs).stdout)).toEqual({ added: 0, existing: 2 });
    expect(JSON.parse(plan(["--arch-index", "5", "--seeds", "777", "--datasets", "cifar10"]).stdout)).toEqual({ added: 1, existing: 0 });

    const worker = () => startCli(["sweep", "worker", "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--save-weights", "--replicas", "1"]);
    const victim = worker();
    await victim.waitFor(/epoch 1\/3/);
    victim.child.kill("SIGKILL");
    await victim.exited;
    const mid = JSON.parse(runCli(["sweep", "status", "--out", out, "--json"]).stdout) as SweepStatus;
    expect(mid.counts.active).toBe(0); // a dead process holds no job

    const workers = [worker(), worker()];
    const codes = await Promise.all(workers.map((w) => w.exited));
    const logs = workers.map((w) => w.stderr()).join("\n");
    expect(codes, logs).toEqual([0, 0]);
    expect(logs).toMatch(/resuming at epoch [12]\/3/);
    // each good job trained to the end exactly once across the workers (the victim died in its first job)
    expect(logs.match(/completed in/g)).toHaveLength(2);

    const s = JSON.parse(runCli(["sweep", "status", "--out", out, "--json"]).stdout) as SweepStatus;
    expect(s.counts).toEqual({ waiting: 0, active: 0, delayed: 0, completed: 2, failed: 1 });
    expect(s.failures[0]!.reason).toMatch(/CIFAR-10 not found/);
    expect(existsSync(join(out, "arch-001835-seed-0777.json")) && existsSync(join(out, "arch-001836-seed-0777.json"))).toBe(true);

    const collected = runCli(["sweep", "collect", "--results", out, "--out", join(root, "bench.sqlite"), "--json"]);
    expect(collected.status, collected.stderr).toBe(0);
    expect(JSON.parse(collected.stdout)).toMatchObject({ files: 2, inserted: 2, corrupt: [] });
    const merged = runCli(["merge", out, "--out", join(root, "merged.sqlite"), "--json"]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ files: 2, inserted: 2, corrupt: [] });

    const record = readRecordFile(join(out, "arch-001835-seed-0777.json"));
    const final = record.runs[0]!.evals["ori-test"]!;
    const evaluated = runCli(["eval-net", join(out, record.weights!["fashion-mnist"]!), "--eval-subset", "128", "--json"]);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const result = (JSON.parse(evaluated.stdout) as { results: Record<string, { acc1: number; loss: number }> }).results["ori-test"]!;
    expect({ acc1: result.acc1, loss: result.loss }).toEqual({ acc1: final.acc!.at(-1), loss: final.loss!.at(-1) });
  }, 180_000);

  it("trains size-space (sss) jobs: the worker builds the config's network and records its channel string", async () => {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-sweep-sss-"));
    const out = join(root, "results");
    const sss = ["--space", "sss", "--seeds", "5", "--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128", "--hp", "01", "--out", out];
    const plan = runCli(["sweep", "plan", "--arch-index", "20000", ...sss, "--json"]);
    expect(plan.status, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toEqual({ added: 1, existing: 0 });
    expect(runCli(["sweep", "plan", "--range", "0-32768", ...sss]).stderr).toMatch(/bad range '0-32768': expected START-END with 0 <= START <= END <= 32767/);
    expect(runCli(["sweep", "plan", "--arch-index", "1", ...sss, "--num-cells", "2"]).stderr).toMatch(/--space sss: a size config sets every width itself; drop --num-cells/);
    const worker = startCli(["sweep", "worker", "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--replicas", "1"]);
    expect(await worker.exited, worker.stderr()).toBe(0);
    const record = readRecordFile(join(out, "arch-020000-seed-0005.json"));
    expect(record).toMatchObject({ archIndex: 20000, arch: "40:64:8:40:8", hp: "01" });
    expect(record.runs[0]!.config).toEqual({ channel: 40, numCells: 1, classNum: 10 });
  }, 180_000);

  it("asks for --redis or --out when neither names a queue", () => {
    const r = runCli(["sweep", "status"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give --redis URL for the Redis queue, or --out <results dir>/);
  });
});
