// The closing line is what CI reads: a run whose suite could not load or whose hook threw must say "failed".
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./paths.js";

const FIXTURES = join(repoRoot, "test", "support", "reporter-fixtures");

function nestedRun(fixture: string): { status: number | null; closing: string; skipLines: string[] } {
  const vitest = join(repoRoot, "node_modules", "vitest", "vitest.mjs");
  const r = spawnSync(process.execPath, [vitest, "run", "--root", FIXTURES], {
    encoding: "utf8",
    env: { ...process.env, AA_NAS_REPORTER_FIXTURE: fixture, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
    timeout: 120_000,
  });
  const lines = r.stdout.trimEnd().split("\n");
  return { status: r.status, closing: lines.at(-1) ?? "", skipLines: lines.filter((l) => l.startsWith("skipped: ")) };
}

describe("summary reporter closing line", () => {
  it("counts the tests of a suite whose beforeAll threw as failed, and a skip with its reason", () => {
    const run = nestedRun("hook-fails.fixture.ts");
    expect(run.status).toBe(1);
    expect(run.closing).toBe("tests: 1 passed, 2 failed, 1 skipped");
    expect(run.skipLines).toStrictEqual(["skipped: hook-fails.fixture.ts > a healthy suite > skips with a reason: needs hardware this machine lacks"]);
  });

  it("counts a module that failed to load as failed", () => {
    const run = nestedRun("import-fails.fixture.ts");
    expect(run.status).toBe(1);
    expect(run.closing).toBe("tests: 0 passed, 1 failed, 0 skipped");
  });
});
