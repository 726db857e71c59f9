import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { launchBrowser, watchedPage, type Browser, openView, viewReady } from "./support/browser.js";
import { searchJson } from "./support/campaigns.js";
import { makeFixtureStore, RESNET_INDEX } from "./support/fixture.js";
import { repoRoot } from "../support/paths.js";

const ARTIFACTS = join(repoRoot, "test-artifacts", "web");

let store: BenchStore;
let server: RunningExplorer;
let browser: Browser;
let page: Page;
let problems: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const fixture = makeFixtureStore();
  store = BenchStore.open(fixture.path);
  const campaigns = ["rea", "rs", "reinforce", "bohb"].flatMap((a) =>
    parseCampaigns(searchJson(a as "rea", 5, 4000), `${a}.json`),
  );
  server = await startExplorer(new ExplorerData(store, campaigns), { port: 0 });
  browser = await launchBrowser();
  ({ page, problems } = await watchedPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  store?.close();
});

const open = (hash: string, view: string): Promise<void> => openView(page, server.url, hash, view);
const ready = (view: string): Promise<void> => viewReady(page, view);

async function shot(name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
}

describe("explorer in headless chromium", () => {
  it("overview: scatter of every arch with the Pareto front, and op-count filters", async () => {
    await open("#/overview", "overview");
    expect(await page.textContent("main h1")).toBe("Accuracy vs FLOPs (M) — cifar10, 200 epochs");
    const summary = await page.textContent(".summary");
    expect(summary).toMatch(/^31 of 31 archs shown · Pareto front: \d+ archs \(red\)$/);
    const series = await page.evaluate(() => {
      type Chart = { getOption(): { series: { name: string; data: ArrayLike<unknown> }[] } };
      const chart = (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(document.getElementById("overview-chart")!);
      return chart.getOption().series.map((s) => [s.name, s.data.length]);
    });
    // one scatter series per number of 3×3 convolutions present (flat [x, y, …] arrays), the front, the optimum line
    expect(series[series.length - 1]).toEqual(["optimum", 0]);
    series.pop();
    const scatter = series.slice(0, -1);
    expect(scatter.length).toBeGreaterThan(2);
    for (const [name] of scatter) expect(name).toMatch(/^[0-6] × conv 3×3$/);
    expect(scatter.reduce((n, [, len]) => n + (len as number) / 2, 0)).toBe(31);
    expect(series[series.length - 1]).toEqual(["Pareto front", expect.any(Number)]);
    expect(series[series.length - 1]![1]).toBeGreaterThan(0);
    await shot("overview");

    await page.selectOption('select[name="conv3x3-min"]', "2");
    await ready("overview");
    await page.waitForFunction(() => location.hash.includes("conv3x3=2-6"));
    await ready("overview");
    expect(await page.textContent(".summary")).toMatch(/archs shown · \d+ filtered out/);
    await shot("overview-filtered");
  });

  type Target = { index: number; x: number; y: number };

  /** Screen position of the `k`-th point of the overview chart's series called `name`. */
  async function pointOnChart(name: string, k: number): Promise<{ x: number; y: number; value: number[] }> {
    return page.evaluate(
      ([name, k]) => {
        const el = document.getElementById("overview-chart")!;
        type Chart = { getOption(): { series: { name: string; data: ArrayLike<number> | number[][] }[] }; convertToPixel(finder: object, value: number[]): number[] };
        const chart = (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(el);
        const seriesIndex = chart.getOption().series.findIndex((s) => s.name === name);
        const data = chart.getOption().series[seriesIndex]!.data;
        const value = Array.isArray(data[0]) ? (data as number[][])[k as number]! : [(data as ArrayLike<number>)[2 * (k as number)]!, (data as ArrayLike<number>)[2 * (k as number) + 1]!];
        const [x, y] = chart.convertToPixel({ seriesIndex }, [value[0]!, value[1]!]);
        const box = el.getBoundingClientRect();
        return { x: box.left + x!, y: box.top + y!, value };
      },
      [name, k] as const,
    );
  }

  async function clickAndExpectArch(target: Target): Promise<void> {
    await page.mouse.move(target.x, target.y);
    await page.mouse.click(target.x, target.y);
    await ready("arch");
    await page.waitForFunction((i) => location.hash.startsWith(`#/arch/${i}?`), target.index);
    expect(page.url()).toContain(`#/arch/${target.index}?hp=200&dataset=cifar10`);
    expect(await page.textContent("main h1")).toBe(`Architecture ${target.index}`);
  }

  it("clicking a Pareto point in the scatter opens that architecture's page", async () => {
    await open("#/overview?x=params", "overview");
    const p = await pointOnChart("Pareto front", 1);
    await clickAndExpectArch({ index: p.value[2]!, x: p.x, y: p.y });
  });

  it("clicking an ordinary (large-mode) scatter point opens that architecture's page", async () => {
    await open("#/overview?x=params", "overview");
    const overview = (await (await fetch(new URL("/api/overview", server.url))).json()) as { points: { index: number[]; accuracy: number[]; params: number[] }; pareto: { params: number[] } };
    // a point of the 1 × conv 3×3 series that is not on the front (front markers are drawn on top)
    const ranked = overview.points.index.map((index, i) => ({ index, acc: overview.points.accuracy[i]!, params: overview.points.params[i]! }));
    for (let k = 0; ; k++) {
      const p = await pointOnChart("1 × conv 3×3", k);
      const hit = ranked.find((r) => r.params === p.value[0] && r.acc === p.value[1])!;
      if (overview.pareto.params.includes(hit.index)) continue;
      await clickAndExpectArch({ index: hit.index, x: p.x, y: p.y });
      break;
    }
  });

  it("architecture page: cell diagram, isomorphism class, costs, per-seed curves", async () => {
    await open(`#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch");
    expect(await page.locator("svg.cell-diagram path.edge").count()).toBe(6);
    expect(await page.locator("svg.cell-diagram path.edge-none").count()).toBe(2);
    expect(await page.locator("a.isomorph").allTextContents()).toEqual(["2528", "8649"]);
    expect(await page.locator("tr.selected td").first().textContent()).toBe("200");
    const legend = await page.evaluate(() => {
      type Chart = { getOption(): { series: { name: string }[] } };
      const chart = (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(document.getElementById("acc-chart")!);
      return chart.getOption().series.map((s) => s.name);
    });
    expect(legend).toEqual(["seed 777 train", "seed 777 ori-test", "seed 888 train", "seed 888 ori-test", "seed 999 train", "seed 999 ori-test", "optimum"]);
    await shot("arch");

    await page.selectOption('select[name="hp"]', "12");
    await page.waitForFunction(() => location.hash.includes("hp=12"));
    await ready("arch");
    await page.click("a.isomorph >> nth=0");
    await page.waitForFunction(() => location.hash.startsWith("#/arch/2528"));
    await ready("arch");
    expect(await page.textContent("main h1")).toBe("Architecture 2528");
  });

  it("dataset-correlation view: heatmaps per schedule and 12- vs 200-epoch agreement", async () => {
    await open("#/correlation", "correlation");
    expect(await page.locator('.chart[data-hp]').count()).toBe(2);
    expect(await page.locator("#hp-bars canvas").count()).toBe(1);
    expect(await page.locator("#hp-scatter canvas").count()).toBe(1);
    await shot("correlation");
    await page.selectOption('select[name="method"]', "spearman");
    await page.waitForFunction(() => location.hash.includes("method=spearman"));
    await ready("correlation");
  });

  it("search-runs view: best-so-far mean ± std per algorithm from 'aa-nas search --json' files", async () => {
    await open("#/runs", "runs");
    const names = await page.evaluate(() => {
      type Chart = { getOption(): { legend: { data: string[] }[] } };
      const el = document.querySelector('.chart[data-dataset="cifar10"]')!;
      return (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(el).getOption().legend[0]!.data;
    });
    expect(names).toEqual(["REA (4,000 s)", "RS (4,000 s)", "REINFORCE (4,000 s)", "BOHB (4,000 s)"]);
    expect(await page.locator("main table tbody tr").count()).toBe(4);
    await shot("runs");
  });

  it("lookup: by arch string from the top bar, with a clear message for a bad string", async () => {
    await open("#/overview", "overview");
    await page.fill('#quick-lookup input[name="q"]', "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|");
    await page.press('#quick-lookup input[name="q"]', "Enter");
    await ready("lookup");
    await page.waitForSelector(".lookup-result a");
    expect(await page.textContent(".lookup-result a")).toBe(`Architecture ${RESNET_INDEX}`);
    await shot("lookup");
    await open(`#/lookup?q=${encodeURIComponent("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|")}`, "lookup");
    await page.waitForSelector(".lookup-result .error");
    expect(await page.textContent(".lookup-result .error")).toMatch(/unknown operation 'conv'.*valid operations/);
    await shot("lookup-error");
  });

  it("no view logged an error or a content-security-policy violation", () => {
    // the deliberate bad lookup answers 400, which the browser reports as a failed resource load
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  });
});
