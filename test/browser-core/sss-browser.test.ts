/**
 * The browser core on an sss export in Debian chromium: the static page (page.html over loopback, dist/ as ES modules)
 * opens the export of the real size-space sample and answers the golden cases' queries, arch strings and random
 * queries exactly as Node's NasBench over the SQLite store; `?space=` refuses an export of the other space in the page.
 * Needs `npm run build` (the page loads dist/).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { makeQueries, runQuery, type Query } from "../../perf/browser/queries.mjs";
import type { StaticServer } from "../support/static-server.js";
import { launchBrowser, watchedPage, type Browser } from "../web/support/browser.js";
import { runInPage, servePageSite } from "./support/page.js";
import { makeSampleExport } from "./support/stores.js";
import { readSssGolden } from "../support/golden-sss.js";

let dir: string;
let dbPath: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-browser-sss-page-"));
  dbPath = join(dir, "sss.sqlite");
  makeSampleExport("sss", dbPath, join(dir, "sss-export"));
  makeSampleExport("tss", join(dir, "tss.sqlite"), join(dir, "tss-export"));
  server = await servePageSite(dir, { export: join(dir, "sss-export"), tss: join(dir, "tss-export") });
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

describe("sss export in headless chromium", () => {
  it("the page opens it as the size space and answers the golden cases, arch strings and random queries as Node's NasBench", async () => {
    const { page, problems, status, ready } = await openPage("?space=sss");
    expect(ready, status).toBe("true");
    expect(status).toMatch(/^size search space.*: 3 archs, hps 01, 12, 90:/);
    const node = NasBench.open(dbPath, { rng: new PyRandom(0) });
    const cases = readSssGolden().golden.cases;
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
