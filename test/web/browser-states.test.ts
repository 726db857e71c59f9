/**
 * The explorer's states and exports in headless chromium: y-axes fitted to the data with echarts' zoom, the optimum
 * line, "no curves in this store" on a curve-less (table-import-like) store, the loading indicator while a request is
 * pending, PNG and CSV export (a real PNG; CSV rows equal to the API's data), and the zero-cost proxies view with and
 * without stored scores.
 */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { DATASET_KEYS } from "../../packages/core/src/registry/index.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { chartOption as chartOptionOf, launchBrowser, watchedPage, type Browser, openView, viewReady } from "./support/browser.js";
import { searchJson } from "./support/campaigns.js";
import { makeLiteFixtureStore, makeProxyFixtureStore, RESNET_INDEX } from "./support/fixture.js";
import { SMALL_HPS, writeSyntheticStore } from "./support/synthetic-store.js";
import { repoRoot } from "../support/paths.js";

const ARTIFACTS = join(repoRoot, "test-artifacts", "web");

let store: BenchStore;
let lite: BenchStore;
let server: RunningExplorer;
let liteServer: RunningExplorer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  store = BenchStore.open(makeProxyFixtureStore().path);
  const campaigns = ["rea", "rs"].flatMap((a) => parseCampaigns(searchJson(a as "rea", 4, 4000), `${a}.json`));
  server = await startExplorer(new ExplorerData(store, campaigns), { port: 0 });
  lite = BenchStore.open(makeLiteFixtureStore().path);
  liteServer = await startExplorer(new ExplorerData(lite), { port: 0 });
  browser = await launchBrowser();
  ({ page, problems } = await watchedPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await liteServer?.close();
  store?.close();
  lite?.close();
});

const open = (hash: string, view: string, on = server): Promise<void> => openView(page, on.url, hash, view);
const ready = (view: string): Promise<void> => viewReady(page, view);

async function api<T>(path: string, on = server): Promise<T> {
  return (await (await fetch(new URL(path, on.url))).json()) as T;
}

interface ChartOption {
  yAxis: { min?: number; max?: number }[];
  dataZoom: { type: string; xAxisIndex?: number | number[]; yAxisIndex?: number | number[]; startValue?: number; endValue?: number }[];
  series: { name?: string; data: ArrayLike<unknown>; markLine?: { data: { yAxis: number }[] } }[];
}

const chartOption = (selector: string): Promise<ChartOption> => chartOptionOf<ChartOption>(page, selector);

/** The y-axis bounds hold every value and fit them: within 15 % of their span on each side, inside [0, 100]. */
function expectFitted(axis: { min?: number; max?: number }, values: number[]): void {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const slack = 0.15 * (hi - lo) + 0.5;
  expect(axis.min).toBeLessThanOrEqual(lo);
  expect(axis.max).toBeGreaterThanOrEqual(hi);
  expect(axis.min!).toBeGreaterThanOrEqual(Math.max(0, lo - slack));
  expect(axis.max!).toBeLessThanOrEqual(Math.min(100, hi + slack));
}

function optimumLine(option: ChartOption): number | undefined {
  return option.series.find((s) => s.name === "optimum")?.markLine?.data[0]?.yAxis;
}

function expectZoom(option: ChartOption): void {
  const kinds = option.dataZoom.map((z) => `${z.type}:${z.xAxisIndex !== undefined ? "x" : "y"}`).sort();
  expect(kinds).toEqual(["inside:x", "inside:y", "slider:x", "slider:y"]);
}

/** Clicks an export button and returns the saved file's name and bytes. */
async function exported(selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

function csvRows(bytes: Buffer): string[][] {
  return bytes.toString("utf8").trimEnd().split("\r\n").map((line) => line.split(","));
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

interface Overview {
  points: { index: number[]; accuracy: number[]; flops: number[] };
  pareto: { flops: number[] };
  optimum: { index: number; accuracy: number };
}

describe("explorer states in headless chromium", () => {
  it("overview: y-axis fitted to the accuracies, the store's best as the optimum line, zoom on both axes", async () => {
    await open("#/overview?dataset=cifar100", "overview");
    const data = await api<Overview>("/api/overview?dataset=cifar100");
    const option = await chartOption("#overview-chart");
    expectFitted(option.yAxis[0]!, [...data.points.accuracy, data.optimum.accuracy]);
    expect(optimumLine(option)).toBe(data.optimum.accuracy);
    expectZoom(option);
    // the line stays at the store's best when a filter hides that arch
    await open("#/overview?dataset=cifar100&conv3x3=0-1", "overview");
    expect(optimumLine(await chartOption("#overview-chart"))).toBe(data.optimum.accuracy);
  });

  it("overview: when a few near-chance archs stretch the axis, it opens zoomed to where 95 % of the archs lie", async () => {
    await open("#/overview", "overview");
    const data = await api<Overview>("/api/overview");
    const sorted = [...data.points.accuracy].sort((a, b) => a - b);
    // the fixture has an arch whose output is cut off (chance accuracy, 10 %) far below the rest
    expect(sorted[0]).toBeLessThan(15);
    const option = await chartOption("#overview-chart");
    const y = option.dataZoom.filter((z) => z.yAxisIndex !== undefined);
    const dense = sorted.slice(Math.floor(sorted.length * 0.05));
    for (const z of y) {
      expect(z.startValue).toBeGreaterThan(sorted[0]!);
      expect(z.startValue).toBeLessThanOrEqual(dense[0]!);
      expect(z.endValue).toBeGreaterThanOrEqual(Math.max(...sorted, data.optimum.accuracy));
    }
    expect(option.yAxis[0]!.min).toBeLessThanOrEqual(sorted[0]!);
    expect(await page.textContent("#zoom-note")).toMatch(/^Zoomed to [\d.]+–[\d.]+ %, where 95 % of the archs lie/);
  });

  it("overview: PNG export is a PNG of the chart, CSV export holds exactly the API's points and front", async () => {
    await open("#/overview", "overview");
    const data = await api<Overview>("/api/overview");
    const png = await exported('[data-export="overview-cifar10-200-ori-test-flops"] button[data-format="png"]');
    expect(png.name).toBe("overview-cifar10-200-ori-test-flops.png");
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.bytes.length).toBeGreaterThan(10_000);

    const csv = csvRows((await exported('[data-export="overview-cifar10-200-ori-test-flops"] button[data-format="csv"]')).bytes);
    expect(csv[0]).toEqual(["index", "flops_m", "accuracy_ori-test", "arch"]);
    expect(csv.slice(1).map((r) => [Number(r[0]), Number(r[1]), Number(r[2])])).toEqual(data.points.index.map((idx, i) => [idx, data.points.flops[i], data.points.accuracy[i]]));
    const front = csvRows((await exported('[data-export="overview-cifar10-200-ori-test-flops-pareto"] button[data-format="csv"]')).bytes);
    expect(front.slice(1).map((r) => Number(r[0]))).toEqual(data.pareto.flops);
  });

  it("every chart of every view has a PNG button and every chart and table a CSV button", async () => {
    for (const [hash, view] of [
      ["#/overview", "overview"],
      [`#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch"],
      ["#/correlation", "correlation"],
      ["#/proxies", "proxies"],
      ["#/runs", "runs"],
    ] as const) {
      await open(hash, view);
      const charts = await page.locator("main .chart").count();
      const tables = await page.locator("main table.table:not(.facts)").count();
      expect(charts, view).toBeGreaterThan(0);
      expect(await page.locator('main button[data-format="png"]').count(), view).toBe(charts);
      expect(await page.locator('main button[data-format="csv"]').count(), view).toBe(charts + tables);
    }
  });

  it("search runs: fitted y-axis and the store's best arch as the optimum line", async () => {
    await open("#/runs", "runs");
    const r = await api<{ groups: { mean: (number | null)[]; std: (number | null)[]; optimum: { accuracy: number } }[] }>("/api/runs");
    const option = await chartOption('.chart[data-dataset="cifar10"]');
    const values = r.groups.flatMap((g) => g.mean.flatMap((m, i) => (m === null ? [] : [m - g.std[i]!, m + g.std[i]!])));
    expectFitted(option.yAxis[0]!, [...values, r.groups[0]!.optimum.accuracy]);
    expect(optimumLine(option)).toBe(r.groups[0]!.optimum.accuracy);
    expectZoom(option);
    const csv = csvRows((await exported('[data-export="runs-cifar10-test"] button[data-format="csv"]')).bytes);
    expect(csv.length - 1).toBe(r.groups.length * 200);
  });

  it("architecture page: the accuracy chart's optimum line is the store's best on the default set", async () => {
    await open(`#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch");
    const curves = await api<{ optimum: { accuracy: number } }>(`/api/curves?arch=${RESNET_INDEX}&hp=200&dataset=cifar10`);
    const option = await chartOption("#acc-chart");
    expect(optimumLine(option)).toBe(curves.optimum.accuracy);
    expect(optimumLine(await chartOption("#loss-chart"))).toBeUndefined();
    expect(option.yAxis[0]!.max).toBeLessThanOrEqual(100);
    expect(await page.locator("#no-curves").count()).toBe(0);
  });

  it("a store without curves: the architecture page says so instead of drawing empty charts", async () => {
    await open(`#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch", liteServer);
    expect(await page.textContent("#no-curves")).toMatch(/^No curves in this store\. It holds last-epoch values only/);
    expect(await page.locator("#acc-chart, #loss-chart").count()).toBe(0);
    // the last-epoch values are still in the table
    expect(await page.locator("tr.selected td").nth(9).textContent()).toMatch(/^\d+\.\d\d$/);
    await shot("arch-no-curves");
  });

  it("shows a loading indicator while a view's request is pending, and hides it once the view is drawn", async () => {
    await open("#/overview", "overview");
    expect(await page.isHidden("#loading")).toBe(true);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/correlation*", async (route) => {
      await gate;
      await route.continue();
    });
    try {
      await page.click('nav a[data-view="correlation"]');
      await page.waitForSelector("#loading:not([hidden])");
      expect(await page.textContent("#loading")).toBe("Loading correlation…");
      expect(await page.getAttribute("main", "aria-busy")).toBe("true");
      expect(await page.getAttribute("main", "data-ready")).toBe("false");
      await shot("loading");
    } finally {
      release();
    }
    await ready("correlation");
    await page.unroute("**/api/correlation*");
    expect(await page.isHidden("#loading")).toBe(true);
    expect(await page.getAttribute("main", "aria-busy")).toBe("false");
  });

  it("zero-cost proxies: a scatter of the chosen proxy vs the accuracy and every proxy's rank correlation", async () => {
    await open("#/proxies?dataset=cifar10-valid", "proxies");
    const r = await api<{ proxy: string; correlations: { proxy: string; spearman: number; kendall: number; n: number }[]; points: { index: number[]; score: number[]; accuracy: number[] } }>(
      "/api/proxies?dataset=cifar10-valid",
    );
    expect(r.proxy).toBe("synflow");
    const rows = await page.locator("#proxy-correlations tbody tr").allInnerTexts();
    expect(rows.map((t) => t.split("\t"))).toEqual(r.correlations.map((c) => [c.proxy, c.spearman.toFixed(3), c.kendall.toFixed(3), String(c.n)]));
    const option = await chartOption("#proxy-scatter");
    expect(option.series[0]!.data.length).toBe(r.points.index.length);
    expectFitted(option.yAxis[0]!, r.points.accuracy);
    await shot("proxies");

    const table = csvRows((await exported('[data-export="proxies-cifar10-cifar10-valid-200-x-valid-correlation"] button[data-format="csv"]')).bytes);
    expect(table.slice(1).map((c) => [c[0], Number(c[1]), Number(c[2]), Number(c[3])])).toEqual(r.correlations.map((c) => [c.proxy, c.spearman, c.kendall, c.n]));
    const scatter = csvRows((await exported('[data-export="proxies-cifar10-cifar10-valid-200-x-valid-synflow"] button[data-format="csv"]')).bytes);
    expect(scatter.slice(1).map((c) => c.map(Number))).toEqual(r.points.index.map((idx, i) => [idx, r.points.score[i], r.points.accuracy[i]]));

    await page.selectOption('select[name="proxy"]', "nwot");
    await page.waitForFunction(() => location.hash.includes("proxy=nwot"));
    await ready("proxies");
    expect(await page.textContent("#proxy-correlations tr.selected td")).toBe("nwot");
  });

  it("a 3-arch store: τ of ±1/3 between schedules keeps its bar labels inside the plot", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "aa-nas-web-3arch-")), "three.sqlite");
    writeSyntheticStore(path, { archs: [RESNET_INDEX, 2528, 15624], datasets: DATASET_KEYS, hps: SMALL_HPS });
    const three = BenchStore.open(path);
    const threeServer = await startExplorer(new ExplorerData(three), { port: 0 });
    try {
      await open("#/correlation", "correlation", threeServer);
      const bars = await page.evaluate(() => {
        type Chart = { getOption(): { series: { data: { value: number; label: { position: string } }[] }[] }; getModel(): { getComponent(t: string): { axis: { scale: { getExtent(): number[] } } } } };
        const chart = (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(document.getElementById("hp-bars")!);
        return { data: chart.getOption().series[0]!.data, extent: chart.getModel().getComponent("yAxis").axis.scale.getExtent() };
      });
      const values = bars.data.map((d) => d.value);
      expect(values.some((v) => v < 0)).toBe(true);
      // a negative bar's label sits under it, with room for it above the axis' lower end; positive ones over it
      for (const d of bars.data) expect(d.label.position).toBe(d.value < 0 ? "bottom" : "top");
      expect(bars.extent[0]).toBeLessThanOrEqual(Math.min(...values) - 0.15);
      expect(bars.extent[1]).toBe(1);
      await shot("correlation-3-archs");
    } finally {
      await threeServer.close();
      three.close();
    }
  });

  it("zero-cost proxies on a store without scores says so", async () => {
    await open("#/proxies", "proxies", liteServer);
    expect(await page.textContent("#no-proxies")).toMatch(/^No zero-cost proxy scores in this store\./);
    await shot("proxies-none");
  });

  it("no view logged an error or a content-security-policy violation", () => {
    expect(problems).toEqual([]);
  });
});
