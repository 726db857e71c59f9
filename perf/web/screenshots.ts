/**
 * Screenshots of every explorer view for docs/web.md, at 1400×1000 in headless Debian chromium, on SYNTHETIC stores
 * the repo makes itself (test/web/support: accuracies that follow each arch's convolutions, proxy scores that follow
 * its accuracy, `aa-nas search --json` outputs on a synthetic table) — they show what a user sees, not benchmark
 * numbers.
 *
 *   perf/web/screenshots.sh [--out docs/screenshots]
 *
 * Writes one PNG per view (overview, arch, arch-no-curves, correlation, proxies, runs, lookup) and prints each size.
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

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const k = process.argv.indexOf("--out");
const outDir = resolve(root, k >= 0 && process.argv[k + 1] !== undefined ? process.argv[k + 1]! : "docs/screenshots");

const HPS: Record<string, HpPlan> = {
  "12": { epochs: 12, seeds: () => [111, 777], evalEpochs: "all", detailed: false },
  "200": { epochs: 200, seeds: (i) => (i % 2 === 0 ? [777, 888, 999] : [777, 888]), evalEpochs: "all", detailed: false },
};

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-shots-"));
  // every 25th arch (625) plus the ResNet cell's isomorphism class: enough points for the scatter's shape
  const archs = [...new Set([...Array.from({ length: NUM_ARCHS / 25 }, (_, i) => i * 25 + (i % 7)), ...fixtureArchs()])].sort((a, b) => a - b);
  const full = join(dir, "synthetic.sqlite");
  writeSyntheticStore(full, { archs, datasets: DATASET_KEYS, hps: HPS });
  writeProxyScores(full, archs);
  const lite = join(dir, "synthetic-lite.sqlite");
  writeSyntheticStore(lite, { archs, datasets: DATASET_KEYS, hps: HPS, curves: false });

  const campaigns = ["rea", "rs", "reinforce", "bohb"].flatMap((a) => parseCampaigns(searchJson(a as "rea", 20, 12000), `${a}.json`));
  const stores = [BenchStore.open(full), BenchStore.open(lite)];
  // the compiled script lives in out/perf-web: serve the front end from the checkout
  const staticFiles = new StaticFiles(join(root, "packages", "cli", "src", "web", "static"));
  const servers: RunningExplorer[] = [
    await startExplorer(new ExplorerData(stores[0]!, campaigns), { port: 0, staticFiles }),
    await startExplorer(new ExplorerData(stores[1]!), { port: 0, staticFiles }),
  ];
  const browser = await launchBrowser({ width: 1400, height: 1000 });
  try {
    const page = await browser.context.newPage();
    const shots: Array<[name: string, hash: string, view: string, server: RunningExplorer]> = [
      ["overview", "#/overview", "overview", servers[0]!],
      ["arch", `#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch", servers[0]!],
      ["arch-no-curves", `#/arch/${RESNET_INDEX}?hp=200&dataset=cifar10`, "arch", servers[1]!],
      ["correlation", "#/correlation", "correlation", servers[0]!],
      ["proxies", "#/proxies?dataset=cifar10-valid", "proxies", servers[0]!],
      ["runs", "#/runs", "runs", servers[0]!],
      ["lookup", `#/lookup?q=${RESNET_INDEX}`, "lookup", servers[0]!],
    ];
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
