/**
 * The explorer on a size-space (sss) store, in headless chromium: the overview draws accuracy vs FLOPs coloured by a
 * width pattern (no op filters), the width-effects view draws one box plot per position from /api/width-effects, the
 * config page shows the widths and no cell diagram / isomorphism / unique string, lookup takes a channel string, the
 * topology-only view (proxies) is out of the nav and says why when opened, and the search-runs view draws size-space
 * campaigns against the store's hp-90 optimum (in the nav only when runs were given).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { sizeArchAt } from "../../packages/core/src/space/index.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { sssCampaignJson } from "./support/campaigns.js";
import { chartOption as chartOptionOf, launchBrowser, watchedPage, type Browser, openView } from "./support/browser.js";
import { spreadSizeArchs, writeSyntheticSizeStore } from "./support/synthetic-size-store.js";

const ARCHS = spreadSizeArchs(200);
let store: BenchStore;
let server: RunningExplorer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  const path = join(mkdtempSync(join(tmpdir(), "aa-nas-sss-browser-")), "sss.sqlite");
  writeSyntheticSizeStore(path, { archs: ARCHS, datasets: ["cifar10", "cifar100"] });
  store = BenchStore.open(path);
  server = await startExplorer(new ExplorerData(store), { port: 0 });
  browser = await launchBrowser();
  ({ page, problems } = await watchedPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  store?.close();
});

const open = (hash: string, view: string, base = server.url): Promise<void> => openView(page, base, hash, view);

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(new URL(path, server.url))).json()) as T;
}

interface Option {
  legend: { data: string[] }[];
  series: { name?: string; type: string; data: unknown[]; markLine?: { data: { yAxis: number }[]; label?: { formatter?: string } } }[];
}

const chartOption = (selector: string): Promise<Option> => chartOptionOf<Option>(page, selector);

async function exportedCsv(selector: string): Promise<string[][]> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return readFileSync(await download.path()).toString("utf8").trimEnd().split("\r\n").map((l) => l.split(","));
}

interface Overview {
  points: { index: number[]; accuracy: number[]; flops: number[]; channels: string[] };
  optimum: { accuracy: number };
}

describe("explorer on an sss store (chromium)", () => {
  it("the overview draws every config coloured by C5's width, with the optimum line and no op filters", async () => {
    await open("#/overview?hp=12&dataset=cifar100", "overview");
    const data = await api<Overview>("/api/overview?hp=12&dataset=cifar100");
    const option = await chartOption("#overview-chart");
    const scatter = option.series.filter((s) => s.type === "scatter");
    expect(scatter.reduce((n, s) => n + s.data.length / 2, 0)).toBe(ARCHS.length);
    // each C5 group holds exactly the configs whose last width is that group's
    for (const s of scatter) {
      const width = Number(/^C5 = (\d+)$/.exec(s.name!)![1]);
      const expected = data.points.channels.filter((c) => c.endsWith(`:${width}`)).length;
      expect(s.data.length / 2, s.name).toBe(expected);
    }
    expect(option.series.find((s) => s.name === "optimum")?.markLine?.data[0]?.yAxis).toBe(data.optimum.accuracy);
    expect(await page.locator(".filter").count()).toBe(0);
    expect(await page.locator("#sss-note").count()).toBe(1);
    expect(await page.locator('nav a[data-view="widths"]').isVisible()).toBe(true);
    expect(await page.locator('nav a[data-view="runs"]').isVisible()).toBe(false);
    const csv = await exportedCsv('[data-export="overview-cifar100-12-x-test-flops"] button[data-format="csv"]');
    expect(csv[0]).toEqual(["index", "flops_m", "accuracy_x-test", "channels"]);
    expect(csv.slice(1).map((r) => [Number(r[0]), Number(r[1]), Number(r[2]), r[3]])).toEqual(
      data.points.index.map((idx, i) => [idx, data.points.flops[i], data.points.accuracy[i], data.points.channels[i]]),
    );
  });

  it("colour by total width groups the configs by the sum of their widths", async () => {
    await open("#/overview?hp=90&dataset=cifar10&color=total", "overview");
    const option = await chartOption("#overview-chart");
    const names = option.legend[0]!.data;
    expect(names.filter((n) => n.startsWith("total ")).length).toBeGreaterThan(3);
    expect(names).not.toContain("C5 = 64");
  });

  it("the width-effects view draws one box plot per position from /api/width-effects", async () => {
    await open("#/widths?hp=12&dataset=cifar100", "widths");
    const d = await api<{ positions: Array<{ position: number; widths: Array<{ count: number; min: number; q1: number; median: number; q3: number; max: number; mean: number }> }> }>("/api/width-effects?hp=12&dataset=cifar100");
    expect(await page.locator(".chart-width").count()).toBe(5);
    for (const p of d.positions) {
      const option = await chartOption(`#width-chart-${p.position}`);
      const box = option.series.find((s) => s.type === "boxplot")!;
      expect(box.data).toEqual(p.widths.map((w) => (w.count === 0 ? [] : [w.min, w.q1, w.median, w.q3, w.max])));
      expect(p.widths.every((w) => w.count > 0)).toBe(true);
      const mean = option.series.find((s) => s.name === "mean")!;
      expect((mean.data as [string, number][]).map((m) => m[1])).toEqual(p.widths.map((w) => w.mean));
    }
    const csv = await exportedCsv('[data-export="widths-cifar100-12-x-test"] button[data-format="csv"]');
    expect(csv[0]).toEqual(["position", "width", "count", "mean", "min", "q1", "median", "q3", "max"]);
    expect(csv.length - 1).toBe(5 * 8);
  });

  it("the config page shows the widths, costs and curves, and no cell diagram, isomorphism or unique string", async () => {
    const index = ARCHS[5]!;
    await open(`#/arch/${index}?hp=12&dataset=cifar100`, "arch");
    const text = await page.locator("main").innerText();
    expect(text).toContain(sizeArchAt(index));
    expect(text).not.toMatch(/unique string|isomorphism/i);
    expect(await page.locator("svg.cell-diagram").count()).toBe(0);
    expect(await page.locator(".width-bar").count()).toBe(5);
    expect(await page.locator("#acc-chart").count()).toBe(1);
    const acc = await chartOption("#acc-chart");
    expect(acc.series.filter((s) => s.name?.startsWith("seed ")).length).toBeGreaterThanOrEqual(3);
  });

  it("lookup takes a channel string; without runs the search-runs view says how to make them; proxies are out of the nav and say they do not apply", async () => {
    const arch = sizeArchAt(ARCHS[9]!);
    await open(`#/lookup?q=${encodeURIComponent(arch)}`, "lookup");
    expect(await page.locator(".lookup-result a.big").innerText()).toBe(`Architecture ${ARCHS[9]}`);
    expect(await page.locator(".lookup-result svg.cell-diagram").count()).toBe(0);
    await open("#/runs", "runs");
    expect(await page.locator("main .panel.empty").innerText()).toMatch(/No search results were loaded[\s\S]*aa-nas search rea --bench sss\.sqlite/);
    expect(await page.locator('nav a[data-view="proxies"]').isVisible()).toBe(false);
    await open("#/proxies", "proxies");
    expect(await page.locator("#not-applicable").innerText()).toMatch(/topology-space cells/);
  });

  it("the search-runs view draws size-space campaigns with the store's best hp-90 test accuracy as the optimum line", async () => {
    const campaigns = [
      ...parseCampaigns(sssCampaignJson("rea", "cifar10", ARCHS, { runs: 3, budget: 2000 }), "sss-rea.json"),
      ...parseCampaigns(sssCampaignJson("rs", "cifar10", ARCHS, { runs: 2, budget: 2000, seed: 5 }), "sss-rs.json"),
    ];
    const runsServer = await startExplorer(new ExplorerData(store, campaigns), { port: 0 });
    try {
      await open("#/runs", "runs", runsServer.url);
      expect(await page.locator('nav a[data-view="runs"]').isVisible()).toBe(true);
      expect(await page.locator("main .error").count()).toBe(0);
      expect(await page.locator("main").innerText()).toMatch(/the 90-epoch accuracy of each run's current answer/);
      const option = await chartOption('main .chart[data-dataset="cifar10"]');
      expect(option.legend[0]!.data).toEqual(["REA (2,000 s)", "RS (2,000 s)"]);
      // cifar10 searches are judged on its ori-test set: the best of every stored config at hp 90, from the query API
      const bench = new NasBench(store);
      const best = Math.max(...ARCHS.map((i) => bench.getMetrics(i, "cifar10", "ori-test", { hp: "90" }).accuracy!));
      const optimum = option.series.find((s) => s.name === "optimum");
      expect(optimum?.markLine?.data[0]?.yAxis).toBe(best);
      // labelled with the size space's word for its members
      const bestIndex = ARCHS.find((i) => bench.getMetrics(i, "cifar10", "ori-test", { hp: "90" }).accuracy === best)!;
      expect(optimum?.markLine?.label?.formatter).toMatch(new RegExp(`\\(config ${bestIndex}\\)`));
    } finally {
      await runsServer.close();
    }
  });

  it("the dataset-correlation view draws on an sss store (01 / 12 / 90 schedules)", async () => {
    await open("#/correlation", "correlation");
    expect(await page.locator("main .error").count()).toBe(0);
    expect(await page.locator("main .chart").count()).toBeGreaterThan(0);
  });

  it("no console errors or page errors", () => {
    expect(problems).toEqual([]);
  });
});
