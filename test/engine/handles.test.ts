import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";

describe("tensor handle table", () => {
  it("keeps a parameter's slot valid while an optimizer step stores new tensors (SGD inside the step's scope)", () => {
    // in a child process: the bug this pins was a segmentation fault
    const r = spawnSync(process.execPath, [join(repoRoot, "test", "engine", "support", "sgd-step-in-scope.mjs")], { encoding: "utf8" });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const losses = JSON.parse(r.stdout) as number[];
    expect(losses).toHaveLength(3);
    expect(losses[2]).toBeLessThan(losses[0]!);
  });
});
