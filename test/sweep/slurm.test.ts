import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { sliceOf } from "../../packages/engine/src/sweep/slurm.js";

describe("aa-nas sweep slurm", () => {
  it("slices cover the range exactly once, as evenly as possible", () => {
    for (const [start, end, size] of [[0, 15624, 40], [10, 10, 1], [0, 9, 3], [100, 106, 7]] as const) {
      const covered: number[] = [];
      const lengths = new Set<number>();
      for (let t = 0; t < size; t++) {
        const [lo, hi] = sliceOf(start, end, size, t);
        lengths.add(hi - lo + 1);
        for (let i = lo; i <= hi; i++) covered.push(i);
      }
      expect(covered).toEqual(Array.from({ length: end - start + 1 }, (_, i) => start + i));
      expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
    }
  });

  it("passes --space sss to the tasks' train command, without the tss network size", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-slurm-sss-"));
    const r = runCli(["sweep", "slurm", "--space", "sss", "--range", "30000-32767", "--array-size", "4", "--seeds", "777", "--datasets", "cifar10", "--hp", "90", "--out", join(dir, "r"), "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const { text } = JSON.parse(r.stdout) as { text: string };
    expect(text).toMatch(/ train --range "\$LO-\$HI" --mode new --seeds 777 --datasets cifar10 --hp 90 --space sss --device cuda --out /);
    expect(text).not.toMatch(/--channel|--num-cells/);
    expect(runCli(["sweep", "slurm", "--space", "sss", "--range", "0-32768", "--array-size", "4", "--seeds", "777", "--datasets", "cifar10", "--hp", "90", "--out", join(dir, "r")]).stderr).toMatch(/<= 32767/);
  });

  it("writes an sbatch array whose tasks run `aa-nas train --mode new` on their slices", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-slurm-"));
    const out = join(dir, "results");
    const script = join(dir, "sweep.sbatch");
    const r = runCli([
      "sweep", "slurm", "--range", "100-109", "--array-size", "3", "--seeds", "777", "888", "--datasets", "cifar10-valid", "cifar10",
      "--hp", "200", "--out", out, "--gres", "gpu:1", "--time", "48:00:00", "--aa-nas", join(dir, "fake-aa-nas"), "--script", script,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const fake = join(dir, "fake-aa-nas");
    writeFileSync(fake, '#!/bin/sh\necho "$@"\n');
    chmodSync(fake, 0o755);
    const text = spawnSync("cat", [script], { encoding: "utf8" }).stdout;
    expect(text).toMatch(/^#SBATCH --array=0-2$/m);
    expect(text).toMatch(/^#SBATCH --gres=gpu:1$/m);

    // run each array task as Slurm would, with the CLI replaced by an echo
    const runs = [0, 1, 2].map((id) => spawnSync("bash", [script], { encoding: "utf8", env: { ...process.env, SLURM_ARRAY_TASK_ID: String(id) } }));
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    const ranges = runs.map((run) => /--range (\d+-\d+)/.exec(run.stdout)?.[1]);
    expect(ranges).toEqual(["100-103", "104-106", "107-109"]);
    expect(runs[0]!.stdout).toContain("--mode new --seeds 777 888 --datasets cifar10-valid cifar10 --hp 200");
    expect(runs[0]!.stdout).toContain(`--out ${out}`);
  });

  it("--json prints the script's path and the submit command, or the script's text without --script", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-slurm-"));
    const out = join(dir, "results");
    const args = ["sweep", "slurm", "--range", "0-9", "--array-size", "2", "--seeds", "777", "--datasets", "cifar10", "--hp", "12", "--out", out, "--json"];
    const script = join(dir, "s.sbatch");
    const withFile = runCli([...args, "--script", script]);
    expect(withFile.status, withFile.stderr).toBe(0);
    expect(JSON.parse(withFile.stdout)).toStrictEqual({ script, submit: `sbatch ${script}`, start: 0, end: 9, arraySize: 2, logs: join(out, "slurm-logs") });
    expect(spawnSync("cat", [script], { encoding: "utf8" }).stdout).toMatch(/^#SBATCH --array=0-1$/m);
    const inline = runCli(args);
    expect(inline.status, inline.stderr).toBe(0);
    expect((JSON.parse(inline.stdout) as { text: string }).text).toMatch(/^#SBATCH --array=0-1$/m);
  });

  it("rejects more array tasks than archs, naming the valid bound", () => {
    const r = runCli(["sweep", "slurm", "--range", "0-4", "--array-size", "6", "--seeds", "777", "--datasets", "cifar10", "--hp", "12", "--out", tmpdir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--array-size must be between 1 and .*\(5\)/);
  });
});
