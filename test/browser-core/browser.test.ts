/**
 * The acceptance of the browser core in Debian chromium: a static page served over loopback answers random
 * getMoreInfo / findBest / simulateTrainEval (and the other query kinds) on an export exactly as Node's NasBench over
 * the SQLite store, and downloads little: the page, its modules and the manifest before the first answer, then one
 * arch chunk per further arch. Needs `npm run build` (the page loads dist/ as ES modules).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { archFile } from "../../packages/core/src/bench/browser/format.js";
import { writeBrowserExport } from "../../packages/core/src/bench/export-browser.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { archAt, PyRandom } from "../../packages/core/src/space/index.js";
import { makeQueries, runQuery } from "../../perf/browser/queries.mjs";
import type { StaticServer } from "../support/static-server.js";
import { launchBrowser, type Browser } from "../web/support/browser.js";
import { runInPage, servePageSite } from "./support/page.js";
import { FIXTURE_ARCHS, makeBrowserCoreStore, SYNTHETIC_ARCHS, UNEVALUATED_ARCH, UNRANKABLE_ARCH } from "./support/stores.js";

let dir: string;
let dbPath: string;
let exportDir: string;
let server: StaticServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-browser-page-"));
  dbPath = join(dir, "bench.sqlite");
  makeBrowserCoreStore(dbPath);
  exportDir = join(dir, "export");
  const store = BenchStore.open(dbPath);
  try {
    writeBrowserExport(store, exportDir);
  } finally {
    store.close();
  }
  server = await servePageSite(dir, { export: exportDir });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready]", { timeout: 30_000 });
  expect(await page.getAttribute("body", "data-ready"), (await page.textContent("#status")) ?? "").toBe("true");
  return page;
}

describe("query API in headless chromium over a static server", () => {
  it("answers 300 random queries exactly as Node's NasBench, errors included", async () => {
    const page = await openPage();
    const node = NasBench.open(dbPath, { rng: new PyRandom(0) });
    const archs = [...FIXTURE_ARCHS, ...SYNTHETIC_ARCHS.slice(0, 60), UNRANKABLE_ARCH, UNEVALUATED_ARCH, archAt(284), "|bogus~0|", 15625];
    const queries = makeQueries({ seed: 5, count: 300, archs, hps: node.hps });
    const got = await runInPage(page, queries);
    const answered = new Map<string, number>();
    for (let k = 0; k < queries.length; k++) {
      const want = await runQuery(node, queries[k]!);
      expect(got[k], `${queries[k]!.kind}(${JSON.stringify(queries[k]!.args)})`).toStrictEqual(want);
      if ("ok" in want) answered.set(queries[k]!.kind, (answered.get(queries[k]!.kind) ?? 0) + 1);
    }
    // the small store answers about a third (the rest are its "no such hp / dataset" errors, compared as well)
    for (const kind of ["getMoreInfo", "findBest", "simulateTrainEval"]) expect(answered.get(kind), kind).toBeGreaterThan(10);
    node.close();
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("downloads the page, its modules and the manifest before the first answer, then exactly one chunk per further arch", async () => {
    server.served.length = 0;
    const page = await openPage();
    const first = await page.evaluate(() => (window as unknown as { aanas: { bench: { getMoreInfo(a: number, d: string, o: object): Promise<unknown> } } }).aanas.bench.getMoreInfo(11, "cifar10", { hp: "200" }));
    expect(first).toHaveProperty("testAccuracy");
    const beforeFirst = server.served.reduce((n, s) => n + s.bytes, 0);
    const paths = server.served.map((s) => s.path);
    expect(paths).toContain("/export/manifest.json");
    expect(paths.filter((p) => p.startsWith("/export/"))).toEqual(["/export/manifest.json", `/export/${archFile(11)}`]);
    expect(beforeFirst).toBeLessThan(25e6);
    const perArch: number[] = [];
    for (const a of SYNTHETIC_ARCHS.slice(100, 120)) {
      const start = server.served.length;
      await page.evaluate((i) => (window as unknown as { aanas: { bench: { simulateTrainEval(a: number, d: string, o: object): Promise<unknown> } } }).aanas.bench.simulateTrainEval(i, "cifar100", { hp: "12" }), a);
      const fetched = server.served.slice(start);
      expect(fetched.map((s) => s.path)).toEqual([`/export/${archFile(a)}`]);
      perArch.push(fetched[0]!.bytes);
      expect(fetched[0]!.bytes).toBe(statSync(join(exportDir, archFile(a))).size);
    }
    expect(Math.max(...perArch)).toBeLessThan(1e6);
    // the source's own count agrees with the server's
    const counted = await page.evaluate(() => (window as unknown as { aanas: { bench: { bytesFetched: number } } }).aanas.bench.bytesFetched);
    expect(counted).toBe(server.served.filter((s) => s.path.startsWith("/export/")).reduce((n, s) => n + s.bytes, 0));
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
