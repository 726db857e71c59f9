// The workspace's three packages keep their promises: every package a source file imports is a declared dependency
// (so each installs and runs on its own), and @aa-nas/core — the query-only install — pulls in no native engine, no
// compiler step of its own, no chart, browser or queue library.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";
import { moduleSpecifiers, sources } from "../support/source-graph.js";

interface Manifest {
  name: string;
  private?: boolean;
  workspaces?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  files?: string[];
}

const PACKAGES = ["core", "engine", "cli"] as const;
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as Manifest;

/**
 * The package names a source file imports (static and dynamic, `import type` too, and `require` / `require.resolve`
 * of a package, which the store uses to load better-sqlite3), without Node's builtins.
 */
function packagesImported(file: string): string[] {
  const required = [...readFileSync(file, "utf8").matchAll(/\brequire(?:\.resolve)?\(\s*["']([^"'./][^"']*)["']/g)].map((m) => m[1]!);
  return [...moduleSpecifiers(file), ...required]
    .filter((s) => !s.startsWith(".") && !s.startsWith("node:") && !builtinModules.includes(s))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
}

describe("workspace packages", () => {
  it("the root is the private workspace of the three packages", () => {
    const root = manifest(".");
    expect(root.private).toBe(true);
    expect(root.workspaces).toEqual(PACKAGES.map((p) => `packages/${p}`));
    expect(PACKAGES.map((p) => manifest(`packages/${p}`).name)).toEqual(["@aa-nas/core", "@aa-nas/engine", "aa-nas-bench"]);
  });

  it.each(PACKAGES)("%s: every package its sources import is a declared dependency", (pkg) => {
    const m = manifest(`packages/${pkg}`);
    const declared = new Set(Object.keys(m.dependencies ?? {}));
    const used = new Set(sources(join(repoRoot, "packages", pkg, "src")).flatMap(packagesImported));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((d) => d !== m.name && !declared.has(d)).sort()).toEqual([]);
  });

  it("@aa-nas/core has no install step and none of the heavy dependencies", () => {
    const core = manifest("packages/core");
    expect(Object.keys(core.scripts ?? {}).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).toEqual([]);
    expect(Object.keys(core.dependencies ?? {}).sort()).toEqual(["better-sqlite3", "fflate", "seek-bzip"]);
    expect(core.files).toEqual(["dist"]);
  });

  it("only the engine builds native code, and the CLI reaches it only through its package", () => {
    expect(manifest("packages/engine").scripts?.install).toBe("node scripts/build-native.mjs");
    expect(manifest("packages/cli").scripts?.install).toBeUndefined();
    expect(Object.keys(manifest("packages/cli").dependencies ?? {})).toEqual(expect.arrayContaining(["@aa-nas/core", "@aa-nas/engine"]));
  });
});
