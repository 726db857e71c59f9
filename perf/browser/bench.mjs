// The browser core at full size: exports a store (unless the export exists), serves it with Python's http.server on
// loopback, drives headless Debian chromium through the static page (packages/core/src/bench/browser/page.html) for random
// getMoreInfo / findBest / simulateTrainEval (and other) queries, compares every outcome with Node's NasBench over the
// SQLite store, and prints JSON: export size/time, bytes before the first answer, bytes per further arch, latencies.
// Usage: npm run build && node perf/browser/bench.mjs [store.sqlite=/tmp/aa-nas-full.sqlite] [exportDir=<store>.browser] [queries=300]
/* global fetch, setTimeout, performance, window -- Node 20 globals, and the page's inside page.evaluate */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { BenchStore, NasBench } from "../../packages/core/dist/bench/index.js";
import { writeBrowserExport } from "../../packages/core/dist/bench/export-browser.js";
import { PyRandom } from "../../packages/core/dist/space/index.js";
import { makeQueries, runQuery } from "./queries.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const storePath = resolve(process.argv[2] ?? "/tmp/aa-nas-full.sqlite");
const exportDir = resolve(process.argv[3] ?? `${storePath}.browser`);
const count = Number(process.argv[4] ?? 300);
const CHROMIUM = process.env.AA_NAS_CHROMIUM ?? "/usr/bin/chromium";
const PYTHON = "/usr/bin/python3";
for (const [what, path, hint] of [
  ["store", storePath, "node perf/store/generate.mjs"],
  ["chromium", CHROMIUM, "scripts/system-deps.sh (Debian package chromium)"],
  ["python3", PYTHON, "scripts/system-deps.sh"],
]) {
  if (!existsSync(path)) {
    console.error(`${what} ${path} missing: ${hint}`);
    process.exit(2);
  }
}

let exportInfo;
if (!existsSync(join(exportDir, "manifest.json"))) {
  const store = BenchStore.open(storePath);
  try {
    exportInfo = writeBrowserExport(store, exportDir);
  } finally {
    store.close();
  }
} else exportInfo = { reused: exportDir };

const root = mkdtempSync(join(tmpdir(), "aa-nas-browser-perf-"));
copyFileSync(join(repo, "packages", "core", "src", "bench", "browser", "page.html"), join(root, "index.html"));
copyFileSync(join(repo, "perf", "browser", "queries.mjs"), join(root, "queries.mjs"));
symlinkSync(join(repo, "packages", "core", "dist"), join(root, "dist"));
symlinkSync(exportDir, join(root, "export"));

const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(PYTHON, ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", root], { stdio: ["ignore", "ignore", "ignore"] });
const base = `http://127.0.0.1:${port}/`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    if (i > 100) throw new Error("python3 -m http.server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const profile = mkdtempSync(join(tmpdir(), "aa-nas-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await context.newPage();
  const responses = [];
  page.on("requestfinished", async (req) => {
    const sizes = await req.sizes();
    responses.push({ url: req.url(), bytes: sizes.responseBodySize });
  });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));

  const node = NasBench.open(storePath, { rng: new PyRandom(0) });
  const evaluated = node.evaluatedIndexes();
  // distinct random archs, so that most arch queries meet an arch for the first time
  let s = 7;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const archs = [...new Set(Array.from({ length: count }, () => evaluated[Math.floor(rand() * evaluated.length)]))];
  const firstQuery = { kind: "getMoreInfo", args: [archs[0], "cifar10", { hp: "200" }] };
  const queries = [firstQuery, ...makeQueries({ seed: 1, count, archs, hps: node.hps, seeds: [111, 777, 888, 999] })];

  const t0 = Date.now();
  await page.goto(base);
  await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
  await page.addScriptTag({ type: "module", content: 'import { runQuery } from "/queries.mjs"; window.runQuery = runQuery;' });
  await page.waitForFunction(() => "runQuery" in window);
  const first = await page.evaluate(async (q) => {
    const t = performance.now();
    const out = await window.runQuery(window.aanas.bench, q);
    return { out, ms: performance.now() - t };
  }, firstQuery);
  const firstWallMs = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 200)); // let requestfinished handlers record their sizes
  const beforeFirst = responses.reduce((n, r) => n + r.bytes, 0);
  const beforeFirstExport = responses.filter((r) => r.url.includes("/export/")).reduce((n, r) => n + r.bytes, 0);
  const beforeFirstFiles = responses.length;

  const rows = await page.evaluate(async (qs) => {
    const b = window.aanas.bench;
    const out = [];
    for (const q of qs) {
      const bytes = b.bytesFetched;
      const files = b.filesFetched;
      const t = performance.now();
      const outcome = await window.runQuery(b, q);
      out.push({ outcome, ms: performance.now() - t, bytes: b.bytesFetched - bytes, files: b.filesFetched - files });
    }
    return out;
  }, queries.slice(1));
  const sourceBytes = await page.evaluate(() => window.aanas.bench.bytesFetched);
  await new Promise((r) => setTimeout(r, 200));

  // Node answers the same list in the same order (the same random draws), and is timed per query too
  let mismatches = 0;
  const nodeMs = [];
  const examples = [];
  const all = [{ outcome: first.out }, ...rows];
  for (let k = 0; k < queries.length; k++) {
    const t = performance.now();
    const want = await runQuery(node, queries[k]);
    nodeMs.push(performance.now() - t);
    if (JSON.stringify(want) !== JSON.stringify(all[k].outcome)) {
      mismatches++;
      if (examples.length < 3) examples.push({ query: queries[k], node: want, browser: all[k].outcome });
    }
  }
  node.close();

  const stats = (xs) => {
    if (xs.length === 0) return null;
    const v = [...xs].sort((a, b) => a - b);
    const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    return { n: v.length, mean: +(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2), p50: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +v[v.length - 1].toFixed(2) };
  };
  const archQueries = rows.filter((r, k) => queries[k + 1].kind !== "findBest" && queries[k + 1].kind !== "statistics");
  const newArch = archQueries.filter((r) => r.files > 0);
  const byKind = {};
  for (const kind of new Set(queries.slice(1).map((q) => q.kind))) {
    const rs = rows.filter((r, k) => queries[k + 1].kind === kind);
    byKind[kind] = {
      answered: rs.filter((r) => "ok" in r.outcome).length,
      errors: rs.filter((r) => "error" in r.outcome).length,
      fetchingMs: stats(rs.filter((r) => r.files > 0).map((r) => r.ms)),
      cachedMs: stats(rs.filter((r) => r.files === 0).map((r) => r.ms)),
    };
  }
  console.log(
    JSON.stringify(
      {
        store: storePath,
        export: exportInfo,
        queries: queries.length,
        identicalToNode: queries.length - mismatches,
        mismatches,
        examples,
        firstAnswer: { bytesAllFiles: beforeFirst, bytesExport: beforeFirstExport, files: beforeFirstFiles, wallMsFromNavigation: firstWallMs, queryMs: +first.ms.toFixed(2) },
        furtherArch: { count: newArch.length, maxBytes: Math.max(...newArch.map((r) => r.bytes)), meanBytes: Math.round(newArch.reduce((n, r) => n + r.bytes, 0) / Math.max(1, newArch.length)), maxFiles: Math.max(...newArch.map((r) => r.files)) },
        findBestBytes: stats(rows.filter((r, k) => queries[k + 1].kind === "findBest" && r.files > 0).map((r) => r.bytes)),
        totalBytes: { playwright: responses.reduce((n, r) => n + r.bytes, 0), exportByPlaywright: responses.filter((r) => r.url.includes("/export/")).reduce((n, r) => n + r.bytes, 0), source: sourceBytes },
        browserMs: byKind,
        nodeMs: stats(nodeMs),
        problems,
      },
      null,
      2,
    ),
  );
  if (mismatches > 0 || problems.length > 0) process.exitCode = 1;
} finally {
  await context.close();
  server.kill();
  rmSync(profile, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}
