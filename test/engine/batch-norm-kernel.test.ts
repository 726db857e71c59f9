import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";

interface Run {
  kernel: string;
  losses: number[];
  grads: string[];
  evalLogits: string;
  state: Record<string, string>;
}

function run(env: Record<string, string>): Run {
  const script = join(repoRoot, "test", "engine", "support", "batch-norm-train.mjs");
  const r = spawnSync(process.execPath, [script], { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`batch-norm-train.mjs failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

const cpuHasAvx2Fma = (() => {
  try {
    const flags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
    return flags.includes("avx2") && flags.includes("fma");
  } catch {
    return false;
  }
})();

describe("training-mode batch norm kernel", () => {
  const ours = run({});
  const libtorch = run({ AA_NAS_FAST_BN: "0" });

  it("is ours on an AVX2+FMA CPU (its start-up comparison with libtorch's kernel passed), libtorch's when switched off", () => {
    if (cpuHasAvx2Fma) expect(ours.kernel).toBe("aa-nas");
    else expect(ours.kernel).toMatch(/^(aa-nas|libtorch: )/);
    expect(libtorch.kernel).toBe("libtorch: AA_NAS_FAST_BN=0");
  });

  it("gives bit-identical losses, gradients, eval logits and running statistics to libtorch's over SGD steps", () => {
    expect(ours.losses).toEqual(libtorch.losses);
    expect(new Set(ours.losses).size).toBe(ours.losses.length); // the steps really trained
    expect(ours.grads).toEqual(libtorch.grads);
    expect(ours.evalLogits).toBe(libtorch.evalLogits);
    expect(ours.state).toEqual(libtorch.state);
    expect(Object.keys(ours.state)).toContain("body.1.running_var");
  });
});
