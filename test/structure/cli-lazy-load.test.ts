// What a one-shot CLI command loads (issue #19): `aa-nas query` must not pull in the engine (libtorch addon), the
// sweep queue (bullmq, Redis), the web explorer, the search algorithms or the other command modules, which once cost
// it ~300 ms of module loading. A child process runs the built CLI with a loader hook that logs every module.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_MODULES } from "../../packages/cli/src/command-table.js";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-lazy-"));
const db = join(dir, "bench.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const r = runCli(["import", referencePath(NATS_SAMPLE), "--out", db, "--no-progress"]);
  expect(r.status, r.stderr).toBe(0);
});

/** Runs the built CLI and returns the modules it loaded, as paths relative to the repository (packages by name). */
function loadedModules(args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const trace = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const hook = join(repoRoot, "test", "support", "module-trace", "register.mjs");
  const r = runCli(args, { env: { AA_NAS_MODULE_TRACE: trace, NODE_OPTIONS: `--import ${hook}` } });
  const modules = readFileSync(trace, "utf8")
    .split("\n")
    .filter((u) => u.startsWith("file://"))
    .map((u) => {
      const path = new URL(u).pathname;
      const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
      return pkg !== null ? `package:${pkg[1]}` : path.slice(repoRoot.length + 1);
    });
  return { status: r.status, stdout: r.stdout, modules };
}

describe("aa-nas query loads only what it needs (built CLI)", () => {
  it("query --json: the query command, the store and the space; no engine, queue, web, search or other command", () => {
    const r = loadedModules(["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "200", "--trial", "mean", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("test-accuracy");
    // the hook sees what it should: the modules the query does need are in the log
    expect(r.modules).toEqual(expect.arrayContaining(["packages/cli/dist/commands/query.js", "packages/core/dist/bench/api.js", "packages/core/dist/bench/store.js"]));
    const unwanted = r.modules.filter(
      (m) =>
        // the engine's addon layer, training data (but the data-folder default the option parser names), driver,
        // weight-sharing search and sweep; its pure blueprints (models/structure, train/hyper) are option parsing's
        /^packages\/engine\/dist\/(tensor|sweep|pipeline|search-ws|data\/(?!data-dir\.js))/.test(m) ||
        /^packages\/(cli\/dist\/web|core\/dist\/search)\//.test(m) ||
        (m.startsWith("packages/cli/dist/commands/") && m !== "packages/cli/dist/commands/query.js") ||
        /^package:(bullmq|ioredis|zod|tar|fflate|seek-bzip|echarts|playwright-core|cli-progress)$/.test(m),
    );
    expect(unwanted).toEqual([]);
  });

  it("--help loads every command module", () => {
    const r = loadedModules(["--help"]);
    expect(r.status).toBe(0);
    const commands = r.modules.filter((m) => m.startsWith("packages/cli/dist/commands/"));
    // one module per table entry at least (search.js brings search-ws.js with it)
    expect(new Set(commands).size).toBeGreaterThanOrEqual(COMMAND_MODULES.length);
  });
});
