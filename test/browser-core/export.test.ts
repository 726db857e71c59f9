/**
 * The browser export (aa-nas export --format browser) read back in Node through the same ExportSource and async facade
 * the page uses: every query kind, errors included, answers exactly as NasBench over the SQLite store.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { openBrowserBench, type BrowserBench } from "../../packages/core/src/bench/browser/index.js";
import { archFile, rankingFile } from "../../packages/core/src/bench/browser/format.js";
import { StoreError } from "../../packages/core/src/bench/errors.js";
import { writeBrowserExport } from "../../packages/core/src/bench/export-browser.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { archAt, PyRandom } from "../../packages/core/src/space/index.js";
import { makeQueries, runQuery } from "../../perf/browser/queries.mjs";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { fileFetcher, FIXTURE_ARCHS, makeBrowserCoreStore, SYNTHETIC_ARCHS, UNEVALUATED_ARCH, UNRANKABLE_ARCH } from "./support/stores.js";

let dir: string;
let dbPath: string;
let exportDir: string;
let evaluated: number[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-browser-core-"));
  dbPath = join(dir, "bench.sqlite");
  evaluated = makeBrowserCoreStore(dbPath);
  exportDir = join(dir, "export");
  const store = BenchStore.open(dbPath);
  try {
    writeBrowserExport(store, exportDir);
  } finally {
    store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pair(seed: number): Promise<{ node: NasBench; browser: BrowserBench }> {
  return { node: NasBench.open(dbPath, { rng: new PyRandom(seed) }), browser: await openBrowserBench(fileFetcher(exportDir), { rngSeed: seed }) };
}

describe("browser export read in Node", () => {
  it("answers 2,000 random queries of every kind exactly as the SQLite store, errors included", async () => {
    const { node, browser } = await pair(3);
    const archs = [...FIXTURE_ARCHS, ...SYNTHETIC_ARCHS.slice(0, 40), UNRANKABLE_ARCH, UNEVALUATED_ARCH, archAt(11), archAt(1003), "|bogus~0|", 15625, -1];
    const queries = makeQueries({ seed: 11, count: 2000, archs, hps: node.hps });
    const kinds = new Map<string, { ok: number; error: number }>();
    for (const q of queries) {
      const want = await runQuery(node, q);
      const got = await runQuery(browser, q);
      expect(got, `${q.kind}(${JSON.stringify(q.args)})`).toStrictEqual(want);
      const k = kinds.get(q.kind) ?? { ok: 0, error: 0 };
      k["ok" in want ? "ok" : "error"]++;
      kinds.set(q.kind, k);
    }
    // the mix really exercised answers and errors of the three query kinds the browser must serve
    for (const kind of ["getMoreInfo", "findBest", "simulateTrainEval"]) {
      expect(kinds.get(kind)!.ok, kind).toBeGreaterThan(20);
      expect(kinds.get(kind)!.error, kind).toBeGreaterThan(5);
    }
    expect(browser.usedTime).toBe(node.usedTime);
    node.close();
  });

  it("statistics, queryInfoStr and the arch list match for every hp and dataset", async () => {
    const { node, browser } = await pair(0);
    expect(browser.evaluatedIndexes()).toEqual(evaluated);
    expect(browser.hps).toEqual(node.hps);
    for (const hp of node.hps) {
      for (const ds of ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120", "fashion-mnist"]) {
        expect([...(await browser.statistics(ds, hp))]).toEqual([...node.statistics(ds, hp)]);
      }
      for (const a of FIXTURE_ARCHS) expect(await browser.queryInfoStr(a, hp)).toBe(node.queryInfoStr(a, hp));
    }
    node.close();
  });

  it("findBest reads the 14 KB top, and the full summary only when no top entry meets the cost limits", async () => {
    const { node, browser } = await pair(0);
    const before = browser.filesFetched;
    expect(await browser.findBest("cifar10-valid", "x-valid", { hp: "12" })).toEqual(node.findBest("cifar10-valid", "x-valid", { hp: "12" }));
    expect(browser.filesFetched).toBe(before + 1);
    const topBytes = statSync(join(exportDir, rankingFile(0, "cifar10-valid", "xvalid_acc", "top"))).size;
    expect(browser.bytesFetched).toBeLessThan(statSync(join(exportDir, "manifest.json")).size + topBytes + 1);
    // the synthetic archs' accuracy grows with the index and so do their FLOPs: a low limit excludes the whole top
    const limited = await browser.findBest("cifar10-valid", "x-valid", { hp: "12", flopMax: 50.05 });
    expect(limited).toEqual(node.findBest("cifar10-valid", "x-valid", { hp: "12", flopMax: 50.05 }));
    expect(limited.index).toBeGreaterThanOrEqual(0);
    expect(browser.filesFetched).toBe(before + 2);
    node.close();
  });

  it("an arch query downloads that arch's chunk once, and nothing for an arch without runs", async () => {
    const { browser } = await pair(0);
    const start = browser.bytesFetched;
    await browser.getMoreInfo(1003, "cifar10-valid", { hp: "12" });
    expect(browser.bytesFetched - start).toBe(statSync(join(exportDir, archFile(1003))).size);
    await browser.simulateTrainEval(1003, "cifar100", { hp: "12" });
    await browser.getCostInfo(1003, "cifar10-valid", { hp: "12" });
    expect(browser.bytesFetched - start).toBe(statSync(join(exportDir, archFile(1003))).size);
    const files = browser.filesFetched;
    await expect(browser.getMoreInfo(UNEVALUATED_ARCH, "cifar10", { hp: "12" })).rejects.toThrow(/arch 5000 has no results in this store/);
    expect(browser.filesFetched).toBe(files);
  });

  it("refuses a damaged chunk or one from another export with a StoreError naming the file", async () => {
    const other = join(dir, "other-export");
    const store = BenchStore.open(dbPath);
    try {
      writeBrowserExport(store, other);
    } finally {
      store.close();
    }
    const copy = join(dir, "mixed-export");
    copyTree(exportDir, copy);
    copyFileSync(join(other, archFile(11)), join(copy, archFile(11)));
    const mixed = await openBrowserBench(fileFetcher(copy));
    const err = await mixed.getMoreInfo(11, "cifar10", { hp: "200" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toMatch(/archs\/0\/11\.bin belongs to another export/);

    const bytes = readFileSync(join(exportDir, archFile(284)));
    writeFileSync(join(copy, archFile(284)), bytes.subarray(0, bytes.length - 3));
    await expect(mixed.getMoreInfo(284, "cifar10", { hp: "200" })).rejects.toThrow(/archs\/0\/284\.bin is not an arch chunk .* or is damaged: \d+ bytes, the header describes \d+/);
  });

  it("refuses a folder that is not empty, and leaves no temporary folder behind", () => {
    const store = BenchStore.open(dbPath);
    try {
      expect(() => writeBrowserExport(store, exportDir)).toThrow(/is not empty: a browser export goes into a new or empty folder/);
    } finally {
      store.close();
    }
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });
});

describe("aa-nas export --format browser", () => {
  it("writes the folder and prints a JSON summary; a missing --out or a non-empty folder is one line and exit 2", () => {
    const out = join(dir, "cli-export");
    const r = runCli(["export", "--bench", dbPath, "--format", "browser", "--out", out, "--json", "--no-progress"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { archs: number; runs: number; files: number; archBytes: { max: number } };
    expect(s.archs).toBe(evaluated.length);
    expect(s.files).toBe(countFiles(out));
    expect(s.archBytes.max).toBeLessThan(1_000_000);

    const noOut = runCli(["export", "--bench", dbPath, "--format", "browser"]);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr.trim().split("\n")).toHaveLength(1);
    expect(noOut.stderr).toMatch(/--format browser writes a folder: give it with --out <folder>/);
    const again = runCli(["export", "--bench", dbPath, "--format", "browser", "--out", out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/is not empty/);
    const json = runCli(["export", "--bench", dbPath, "--format", "csv", "--json"]);
    expect(json.status).toBe(2);
    expect(json.stderr).toMatch(/--json applies to --format browser only/);
  });
});

describe("module graph of the browser entry", () => {
  it("packages/core/dist/bench/browser/index.js reaches only relative modules: no node: import, no package, no better-sqlite3", () => {
    const entry = join(repoRoot, "packages", "core", "dist", "bench", "browser", "index.js");
    const seen = new Set<string>();
    const foreign: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      // statements at the start of a line (what tsc emits), and dynamic imports
      for (const m of text.matchAll(/^(?:import|export)\b[^;"']*?\bfrom\s*["']([^"']+)["']|^import\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']/gm)) {
        const spec = (m[1] ?? m[2] ?? m[3])!;
        if (spec.startsWith("./") || spec.startsWith("../")) visit(resolve(dirname(file), spec));
        else foreign.push(`${relative(repoRoot, file)} imports ${spec}`);
      }
    };
    visit(entry);
    expect(foreign).toEqual([]);
    expect([...seen].map((f) => relative(repoRoot, f))).toContain("packages/core/dist/bench/api.js");
    expect([...seen].map((f) => relative(repoRoot, f))).not.toContain("packages/core/dist/bench/store.js");
  });

  it("every module that calls NasBench.open loads the store module that registers the SQLite opener", () => {
    const importsOf = (file: string): string[] =>
      // type-only imports vanish from the compiled module: they load nothing
      [...readFileSync(file, "utf8").replace(/^\s*(?:import|export)\s+type\s[^;]*;/gms, "").matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']((?:\.{1,2}\/|@aa-nas\/)[^"']+)["']/gm)].map((m) => {
        // a sibling package's deep import (@aa-nas/core/bench/store.js) is its source file in the workspace
        const sibling = /^@aa-nas\/(\w+)\/(.+)\.js$/.exec(m[1]!);
        if (sibling !== null) return join(repoRoot, "packages", sibling[1]!, "src", `${sibling[2]}.ts`);
        return resolve(dirname(file), m[1]!.replace(/\.js$/, ".ts"));
      });
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      try {
        for (const f of importsOf(file)) closure(f, seen);
      } catch {
        // a path that is not a source file (a JSON import) has no imports
      }
      return seen;
    };
    const store = join(repoRoot, "packages", "core", "src", "bench", "store.ts");
    const code = (f: string): string => readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    const callers = ["core", "engine", "cli"].flatMap((p) => sources(join(repoRoot, "packages", p, "src"))).filter((f) => /\bNasBench\.open\(/.test(code(f)) && !f.endsWith(join("bench", "api.ts")));
    expect(callers.length).toBeGreaterThan(2);
    expect(callers.filter((f) => !closure(f).has(store)).map((f) => relative(repoRoot, f))).toEqual([]);
  });
});

function sources(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : e.name.endsWith(".ts") ? [join(d, e.name)] : []));
}

function copyTree(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) {
      mkdirSync(join(to, e.name), { recursive: true });
      copyTree(join(from, e.name), join(to, e.name));
    } else {
      mkdirSync(to, { recursive: true });
      copyFileSync(join(from, e.name), join(to, e.name));
    }
  }
}

function countFiles(d: string): number {
  return readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(d, e.name)) : 1), 0);
}
