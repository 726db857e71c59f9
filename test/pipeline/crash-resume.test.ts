import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { runCli } from "../support/cli.js";
import { recordsIn } from "../support/records.js";
import { repoRoot } from "../support/paths.js";

// Tiny but real: 2 archs × 2 seeds on 768 Fashion-MNIST images (3 batches per epoch), C=8, one cell per stage.
const ARGS = (out: string) => [
  "train", "--range", "1835-1836", "--seeds", "777", "888", "--datasets", "fashion-mnist", "--hp", "3",
  "--channel", "8", "--num-cells", "1", "--train-subset", "768", "--eval-subset", "256", "--out", out,
];

describe("aa-nas train survives SIGKILL and merge keeps every run exactly once", () => {
  it("a run killed mid-epoch and re-run equals an uninterrupted run; merging twice adds nothing", async () => {
    const root = mkdtempSync(join(tmpdir(), "aa-nas-crash-"));
    const clean = join(root, "clean");
    const killed = join(root, "killed");

    const first = runCli(ARGS(clean), { timeoutMs: 300_000 });
    expect(first.status, first.stderr).toBe(0);

    // Kill the second run while it trains the second (arch, seed) pair, in its second epoch.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(repoRoot, "packages", "cli", "dist", "main.js"), ...ARGS(killed)], { stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (/arch 1835 seed 888 fashion-mnist epoch 1\/3/.test(err) && !child.killed) setTimeout(() => child.kill("SIGKILL"), 150);
      });
      child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`not killed (exit ${code}): ${err}`))));
    });
    expect(existsSync(join(killed, "arch-001835-seed-0777.json"))).toBe(true);
    expect(existsSync(join(killed, "arch-001835-seed-0888.json"))).toBe(false);

    const resumed = runCli(ARGS(killed), { timeoutMs: 300_000 });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at epoch [12]\/3/);
    expect(recordsIn(killed)).toEqual(recordsIn(clean));
    expect(existsSync(join(killed, "checkpoints"))).toBe(false);

    const db = join(root, "bench.sqlite");
    for (const pass of [1, 2]) {
      const merged = runCli(["merge", killed, "--out", db, "--json"]);
      expect(merged.status, merged.stderr).toBe(0);
      const report = JSON.parse(merged.stdout) as { inserted: number; unchanged: number };
      expect(pass === 1 ? report.inserted : report.unchanged).toBe(4);
    }
    const store = BenchStore.open(db);
    const rows = store.finalRows("3", "fashion-mnist").map((r) => `${r.arch_index}/${r.seed}`).sort();
    store.close();
    expect(rows).toEqual(["1835/777", "1835/888", "1836/777", "1836/888"]);
  }, 600_000);
});
