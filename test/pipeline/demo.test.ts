// `aa-nas demo`, the README's main job, shrunk to seconds: two cheap archs, one epoch, a few hundred images.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { runCli } from "../support/cli.js";

const TINY = ["--archs", "1835", "284", "--hp", "1", "--train-subset", "256", "--eval-subset", "128"];

describe("aa-nas demo", () => {
  it("trains, merges into a store, prints the table sorted by test accuracy and names the best arch; a re-run reuses the records", () => {
    const out = join(mkdtempSync(join(tmpdir(), "aa-nas-demo-")), "demo");
    const first = runCli(["demo", "--out", out, ...TINY], { timeoutMs: 300_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/2 run\(s\) added, 0 already present/);
    const rows = first.stdout.split("\n").filter((l) => /^\s*(1835|284)\s+\d+\.\d\d%/.test(l));
    expect(rows).toHaveLength(2);
    const accs = rows.map((l) => Number(/^\s*\d+\s+(\d+\.\d\d)%/.exec(l)![1]));
    expect(accs[0]).toBeGreaterThanOrEqual(accs[1]!);
    const bestIndex = /^\s*(\d+)/.exec(rows[0]!)![1];
    expect(first.stdout).toMatch(new RegExp(`best architecture: index ${bestIndex} \\|`));
    expect(readdirSync(join(out, "results")).filter((f) => f.endsWith(".json")).sort()).toEqual(["arch-000284-seed-0777.json", "arch-001835-seed-0777.json"]);

    const store = BenchStore.open(join(out, "demo-bench.sqlite"));
    const stored = store.finalRows("1", "fashion-mnist").map((r) => r.arch_index).sort((a, b) => a - b);
    store.close();
    expect(stored).toEqual([284, 1835]);

    // the re-run as a script would call it: one JSON object on stdout, nothing on stderr
    const again = runCli(["demo", "--out", out, ...TINY, "--json", "--no-progress"], { timeoutMs: 300_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toBe("");
    const json = JSON.parse(again.stdout) as { added: number; unchanged: number; results: Array<{ archIndex: number; testAccuracy: number }>; best: { archIndex: number } };
    expect([json.added, json.unchanged]).toEqual([0, 2]);
    expect(json.results.map((r) => r.archIndex).sort((a, b) => a - b)).toEqual([284, 1835]);
    expect(json.results.map((r) => r.testAccuracy.toFixed(2))).toEqual(accs.map((a) => a.toFixed(2)));
    expect(json.best.archIndex).toBe(Number(bestIndex));
  }, 600_000);
});
