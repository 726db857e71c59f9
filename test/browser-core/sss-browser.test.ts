/**
 * The browser core on an sss export in Debian chromium: the static page (page.html over loopback, dist/ as ES modules)
 * opens the export of the real size-space sample and answers the golden cases' queries, arch strings and random
 * queries exactly as Node's NasBench over the SQLite store; `?space=` refuses an export of the other space in the page.
 * Needs `npm run build` (the page loads dist/).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { makeQueries, runQuery, type Outcome, type Query } from "../../perf/browser/queries.mjs";
import { repoRoot } from "../support/paths.js";
import { NATS_SAMPLE, readReferenceJson, referencePath } from "../support/reference.js";
import { startStaticServer, type StaticServer } from "../support/static-server.js";
import { launchBrowser, watchedPage, type Browser } from "../web/support/browser.js";
import { exportStore, makeSssExport } from "./support/stores.js";
import { SSS_SAMPLE } from "../support/golden-sss.js";

interface GoldenCase {
  index: number;
  arch: string;
  hp: string;
  dataset: string;
}

let dir: string;
let dbPath: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  const dist = join(repoRoot, "packages", "core", "dist", "bench", "browser", "index.js");
  if (!existsSync(dist)) throw new Error(`${dist} missing: run 'npm run build' before the browser tests`);
  dir = mkdtempSync(join(tmpdir(), "aa-nas-browser-sss-page-"));
  dbPath = join(dir, "sss.sqlite");
  makeSssExport(dbPath, join(dir, "sss-export"));
  const tssDb = join(dir, "tss.sqlite");
  const tss = BenchStore.create(tssDb);
  try {
    importBenchmark(referencePath(NATS_SAMPLE), tss);
  } finally {
    tss.close();
  }
  exportStore(tssDb, join(dir, "tss-export"));
  const root = join(dir, "site");
  mkdirSync(root);
  copyFileSync(join(repoRoot, "packages", "core", "src", "bench", "browser", "page.html"), join(root, "index.html"));
  copyFileSync(join(repoRoot, "perf", "browser", "queries.mjs"), join(root, "queries.mjs"));
  symlinkSync(join(repoRoot, "packages", "core", "dist"), join(root, "dist"));
  symlinkSync(join(dir, "sss-export"), join(root, "export"));
  symlinkSync(join(dir, "tss-export"), join(root, "tss"));
  server = await startStaticServer(root);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function openPage(query: string): Promise<{ page: Page; problems: string[]; status: string; ready: string | null }> {
  const { page, problems } = await watchedPage(browser);
  await page.goto(`${server.url}${query}`);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
  return { page, problems, status: (await page.textContent("#status")) ?? "", ready: await page.getAttribute("body", "data-ready") };
}

async function runInPage(page: Page, queries: Query[]): Promise<Outcome[]> {
  await page.addScriptTag({ type: "module", content: 'import { runQuery } from "/queries.mjs"; window.runQuery = runQuery;' });
  await page.waitForFunction(() => "runQuery" in window);
  return page.evaluate(async (qs) => {
    const w = window as unknown as { runQuery: (b: object, q: unknown) => Promise<unknown>; aanas: { bench: object } };
    const out: unknown[] = [];
    for (const q of qs) out.push(await w.runQuery(w.aanas.bench, q));
    return out;
  }, queries) as Promise<Outcome[]>;
}

describe("sss export in headless chromium", () => {
  it("the page opens it as the size space and answers the golden cases, arch strings and random queries as Node's NasBench", async () => {
    const { page, problems, status, ready } = await openPage("?space=sss");
    expect(ready, status).toBe("true");
    expect(status).toMatch(/^size search space.*: 3 archs, hps 01, 12, 90:/);
    const node = NasBench.open(dbPath, { rng: new PyRandom(0) });
    const cases = readReferenceJson<{ cases: GoldenCase[] }>(SSS_SAMPLE, "golden-api-nats_bench-v1.8-sss.json").cases;
    const queries: Query[] = [];
    for (const c of cases) {
      queries.push({ kind: "getMoreInfo", args: [c.arch, c.dataset, { hp: c.hp }] });
      queries.push({ kind: "getCostInfo", args: [c.index, c.dataset, { hp: c.hp }] });
      queries.push({ kind: "simulateTrainEval", args: [c.index, c.dataset, { hp: c.hp }] });
      queries.push({ kind: "findBest", args: [c.dataset, "x-valid", { hp: c.hp }] });
      queries.push({ kind: "getNetConfig", args: [c.arch, c.dataset] });
    }
    for (const args of [[0, "cifar10", { hp: "200" }], [32768, "cifar10", { hp: "12" }], ["8:16:32", "cifar10", { hp: "12" }], [32767, "cifar10", { hp: "12" }]]) queries.push({ kind: "getMoreInfo", args });
    const archs = [0, 11, 284, "8:8:8:8:8", "8:8:8:16:32", 32767, 32768, "|bogus~0|"];
    queries.push(...makeQueries({ seed: 8, count: 200, archs, hps: node.hps, seeds: [777, 888, 999] }));
    const got = await runInPage(page, queries);
    let answered = 0;
    for (let k = 0; k < queries.length; k++) {
      const want = await runQuery(node, queries[k]!);
      expect(got[k], `${queries[k]!.kind}(${JSON.stringify(queries[k]!.args)})`).toStrictEqual(want);
      if ("ok" in want) answered++;
    }
    // the golden block alone answers 36 getMoreInfo / getCostInfo / findBest and 27 simulateTrainEval
    expect(answered).toBeGreaterThan(150);
    const space = await page.evaluate(() => (window as unknown as { aanas: { bench: { space: { name: string }; size: number } } }).aanas.bench.space.name);
    expect(space).toBe("sss");
    node.close();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("?space=sss on a tss export is refused in the page with the SpaceMismatchError message", async () => {
    const { page, status, ready } = await openPage("?data=./tss/&space=sss");
    expect(ready).toBe("error");
    expect(status).toMatch(/^cannot open \.\/tss\/: http:\/\/127\.0\.0\.1:\d+\/tss\/ holds the topology search space \('tss'\), not 'sss': .*aa-nas export --format browser/);
    const noBench = await page.evaluate(() => (window as unknown as { aanas?: object }).aanas === undefined);
    expect(noBench).toBe(true);
    await page.close();
  }, 60_000);
});
