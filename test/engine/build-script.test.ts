import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";

const script = join(repoRoot, "packages", "engine", "scripts", "build-native.mjs");
const run = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

describe("packages/engine/scripts/build-native.mjs without libtorch", () => {
  it("prints one line and succeeds, so @aa-nas/engine still installs (and the CLI's pure-TS commands run)", () => {
    const r = run({ LIBTORCH: "/nonexistent/libtorch", AA_NAS_REQUIRE_NATIVE: "" });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([
      "aa-nas: libtorch not found at LIBTORCH=/nonexistent/libtorch (expected include/torch/csrc/api/include/torch/torch.h and lib/libtorch.so)",
    ]);
  });

  it("fails with --require or AA_NAS_REQUIRE_NATIVE=1", () => {
    expect(run({ LIBTORCH: "/nonexistent/libtorch" }, ["--require"]).status).toBe(1);
    expect(run({ LIBTORCH: "/nonexistent/libtorch", AA_NAS_REQUIRE_NATIVE: "1" }).status).toBe(1);
  });
});
