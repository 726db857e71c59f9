/** Headless Debian chromium through playwright-core, with a fresh profile per launch and no background traffic. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM, requireSystem } from "../../support/system.js";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface Browser {
  context: BrowserContext;
  /** the fresh profile directory (its path is on every chromium process's command line) */
  profile: string;
  close(): Promise<void>;
}

/** playwright passes --headless and --user-data-dir itself (launchPersistentContext on a new temp dir). */
export async function launchBrowser(viewport = { width: 1400, height: 1000 }): Promise<Browser> {
  requireSystem("chromium");
  const profile = mkdtempSync(join(tmpdir(), "aa-nas-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page of `browser` whose console errors and warnings and uncaught page errors are collected in `problems`. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { page, problems };
}

/**
 * The echarts option of the chart drawn in the element `selector` of `page`, as plain JSON (typed arrays become
 * arrays: they do not survive the trip out of the page). `T` is the part of the option a test reads.
 */
export async function chartOption<T>(page: Page, selector: string): Promise<T> {
  return page.evaluate((sel) => {
    type Chart = { getOption(): unknown };
    const el = document.querySelector(sel);
    if (el === null) throw new Error(`no element ${sel}`);
    const opt = (globalThis as unknown as { echarts: { getInstanceByDom(el: Element): Chart } }).echarts.getInstanceByDom(el).getOption();
    return JSON.parse(JSON.stringify(opt, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v))) as never;
  }, selector);
}

/** Waits until the explorer's `view` has rendered (`main[data-view][data-ready="true"]`, set once its data is drawn). */
export async function viewReady(page: Page, view: string): Promise<void> {
  await page.waitForSelector(`main[data-view="${view}"][data-ready="true"]`, { timeout: 30_000 });
}

/** Navigates `page` to the explorer at `base` + `#hash` and waits for `view` to render. */
export async function openView(page: Page, base: string, hash: string, view: string): Promise<void> {
  await page.goto(new URL(`/${hash}`, base).href);
  await viewReady(page, view);
}
