/**
 * Screenshots of every explorer view for docs/web.md, at 1400×1000 in headless Debian chromium, on SYNTHETIC stores
 * the repo makes itself (test/web/support: accuracies that follow each arch's convolutions, proxy scores that follow
 * its accuracy, `aa-nas search --json` outputs on a synthetic table) — they show what a user sees, not benchmark
 * numbers.
 *
 *   perf/web/screenshots.sh [--out docs/screenshots] [--only tss|sss]
 *
 * Writes one PNG per view (overview, arch, arch-no-curves, correlation, proxies, runs, lookup) and, on a synthetic
 * size-space store (test/web/support/synthetic-size-store.ts: accuracy growing with the widths), the sss views
 * (sss-overview, sss-widths, sss-arch), and prints each size. `--only` writes one space's shots (and builds only its
 * stores).
 */
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { DATASET_KEYS } from "../../packages/core/src/registry/index.js";
import { NUM_ARCHS } from "../../packages/core/src/space/index.js";
import { ExplorerData, parseCampaigns, startExplorer, StaticFiles, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { launchBrowser } from "../../test/web/support/browser.js";
import { searchJson } from "../../test/web/support/campaigns.js";
import { fixtureArchs, RESNET_INDEX } from "../../test/web/support/fixture.js";
import { writeProxyScores } from "../../test/web/support/proxy-scores.js";
import { writeSyntheticStore, type HpPlan } from "../../test/web/support/synthetic-store.js";
import { spreadSizeArchs, writeSyntheticSizeStore } from "../../test/web/support/synthetic-size-store.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const k = process.argv.indexOf("--out");
const outDir = resolve(root, k >= 0 && process.argv[k + 1] !== undefined ? process.argv[k + 1]! : "docs/screenshots");
const o = process.argv.indexOf("--only");
const only = o >= 0 ? process.argv[o + 1] : undefined;
if (only !== undefined && only !== "tss" && only !== "sss") throw new Error(`--only takes 'tss' or 'sss', got '${only}'`);

const HPS: Record<string, HpPlan> = {
  "12": { epochs: 12, seeds: () => [111, 777], evalEpochs: "all", detailed: false },
  "200": { epochs: 200, seeds: (i) => (i % 2 === 0 ? [777, 888, 999] : [777, 888]), evalEpochs: "all", detailed: false },
};

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-shots-"));
  // the compiled script lives in out/perf-web: serve the front end from the checkout
  const staticFiles = new StaticFiles(join(root, "packages", "cli", "src", "web", "static"));
  const stores: BenchStore[] = [];
  const servers: RunningExplorer[] = [];
  const serve = async (path: string, campaigns: ReturnType<typeof parseCampaigns> = []): Promise<RunningExplorer> => {
    const store = BenchStore.open(path);
    stores.push(store);
    const server = await startExplorer(new ExplorerData(store, campaigns), { port: 0, staticFiles });
    servers.push(server);
    return server;
  };
  const shots: Array<[name: string, hash: string, view: string, server: RunningExplorer]> = [];
  if (only !== "sss") {
    // every 25th arch (625) plus the ResNet cell's isomorphism class: enough points for the scatter's shape
    const archs = [...new Set([...Array.from({ length: NUM_ARCHS / 25 }, (_, i) => i * 25 + (i % 7)), ...fixtureArchs()])].sort((a, b) => a - b);
    const full = join(dir, "synthetic.sqlite");
    writeSyntheticStore(full, { archs, datasets: DATASET_KEYS, hps: HPS });
    writeProxyScores(full, archs);
    const lite = join(dir, "synthetic-lite.sqlite");
    writeSyntheticStore(lite, { archs, datasets: DATASET_KEYS, hps: HPS, curves: false });
    const campaigns = ["rea", "rs", "reinforce", "bohb"].flatMap((a) => parseCampaigns(searchJson(a as "rea", 20, 12000), `${a}.json`));
    const fullServer = await serve(full, campaigns);
    const liteServer = await serve(lite);
    shots.push(
      ["overview", "#/overview", "overview", fullServer],
      ["arch", `#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch", fullServer],
      ["arch-no-curves", `#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch", liteServer],
      ["correlation", "#/correlation", "correlation", fullServer],
      ["proxies", "#/proxies?dataset=cifar10-valid", "proxies", fullServer],
      ["runs", "#/runs", "runs", fullServer],
      ["lookup", `#/lookup?q=${RESNET_INDEX}`, "lookup", fullServer],
    );
  }
  if (only !== "tss") {
    // 1,000 size configs (the eight uniform ones and 992 drawn at random) of the 32,768
    const sss = join(dir, "synthetic-sss.sqlite");
    const configs = spreadSizeArchs(1000);
    writeSyntheticSizeStore(sss, { archs: configs, datasets: DATASET_KEYS });
    const server = await serve(sss);
    shots.push(
      ["sss-overview", "#/overview?hp=90&dataset=cifar10", "overview", server],
      ["sss-widths", "#/widths?hp=90&dataset=cifar100", "widths", server],
      ["sss-arch", `#/arch/${configs[500]}?hp=12&dataset=cifar10`, "arch", server],
    );
  }
  const browser = await launchBrowser({ width: 1400, height: 1000 });
  try {
    const page = await browser.context.newPage();
    for (const [name, hash, view, server] of shots) {
      await page.goto(new URL(`/${hash}`, server.url).href);
      await page.waitForSelector(`main[data-view="${view}"][data-ready="true"]`, { timeout: 60_000 });
      // the arch page's curves sit below the fold: show them with the cell above
      if (name === "arch") await page.evaluate(() => document.querySelector("h2:nth-of-type(2)")?.scrollIntoView());
      const path = join(outDir, `${name}.png`);
      await page.screenshot({ path });
      console.log(`${path}: ${(statSync(path).size / 1024).toFixed(0)} KB`);
    }
  } finally {
    await browser.close();
    for (const s of servers) await s.close();
    for (const s of stores) s.close();
  }
}

await main();
