/**
 * The browser export of a size-space (sss) store, read in Node through the page's ExportSource and async facade: the
 * sss golden cases of the real nats_bench API (the ones test/bench/golden-sss.test.ts pins the SQLite store to), replayed
 * through the browser core, answer exactly as NasBench over the store (class, message and every float, errors
 * included) and as the golden file; the manifest names the space; a tss export opened as sss, or an sss export as
 * tss, is refused like NasBench.open refuses a store of the other space; version-1 (tss) exports still open.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costInfoToOriginal, NasBench, toOriginalKeys, type CostInfo, type MoreInfo } from "../../packages/core/src/bench/api.js";
import { openBrowserBench, type BrowserBench } from "../../packages/core/src/bench/browser/index.js";
import { archFile, EXPORT_VERSION, type ExportManifest } from "../../packages/core/src/bench/browser/format.js";
import { SpaceMismatchError, StoreError } from "../../packages/core/src/bench/errors.js";
import type { BrowserExportSummary } from "../../packages/core/src/bench/export-browser.js";
import { PyRandom, SpaceNameError } from "../../packages/core/src/space/index.js";
import { makeQueries, runQuery, type Outcome, type Query } from "../../perf/browser/queries.mjs";
import { runCli } from "../support/cli.js";
import { readSssGolden, type SssGoldenCase } from "../support/golden-sss.js";
import { exportStore, fileFetcher, makeSampleExport } from "./support/stores.js";

const { golden, extra } = readSssGolden();

let dir: string;
let dbPath: string;
let exportDir: string;
let summary: BrowserExportSummary;
let tssDb: string;
let tssExport: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-browser-sss-"));
  dbPath = join(dir, "sss.sqlite");
  exportDir = join(dir, "sss-export");
  summary = makeSampleExport("sss", dbPath, exportDir);
  tssDb = join(dir, "tss.sqlite");
  tssExport = join(dir, "tss-export");
  makeSampleExport("tss", tssDb, tssExport);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * One step of the replay: a query both benches answer (by method name), or a reseed of both generators (the golden
 * simulate_train_eval calls of a case start from PyRandom(7 + index)). `golden` is the original's answer where the
 * file has it, `view` maps our answer to the original's shape.
 */
type Step = { reseed: number } | { q: Query; golden?: unknown; view?: (v: unknown) => unknown };

/** the golden case of arch 0 on cifar10 at `hp` */
const c0 = (hp: string): SssGoldenCase => golden.cases.find((c) => c.index === 0 && c.dataset === "cifar10" && c.hp === hp)!;
const isError = (v: unknown): v is string => typeof v === "string" && v.startsWith("ERROR:");
const moreInfo = (v: unknown): unknown => toOriginalKeys(v as MoreInfo);

/** Every golden sss case as browser-core calls, in the golden test's order, plus the input errors of the size space. */
function goldenSteps(): Step[] {
  const steps: Step[] = [];
  const q = (kind: string, ...args: unknown[]): Query => ({ kind, args });
  for (const c of golden.cases) {
    const hp = { hp: c.hp };
    steps.push({ q: q("arch", c.index), golden: c.arch });
    steps.push({ q: q("indexOf", c.arch), golden: c.index });
    steps.push({ q: q("seedsOf", c.index, c.dataset, hp), golden: c.seeds });
    steps.push({ q: q("getTotalEpoch", c.index, c.dataset, hp), golden: c.total_epoch });
    steps.push({ q: q("getCostInfo", c.index, c.dataset, hp), golden: c.get_cost_info, view: (v) => costInfoToOriginal(v as CostInfo) });
    steps.push({ q: q("getLatency", c.index, c.dataset, hp), golden: c.get_latency });
    steps.push({ q: q("getMoreInfo", c.index, c.dataset, { ...hp, trial: "mean" }), golden: c.get_more_info_mean, view: moreInfo });
    steps.push({ q: q("getMoreInfo", c.arch, c.dataset, hp), golden: c.get_more_info_mean, view: moreInfo });
    for (const [seed, expected] of Object.entries(c.get_more_info_by_seed)) {
      steps.push({ q: q("getMoreInfo", c.index, c.dataset, { ...hp, trial: Number(seed) }), golden: expected, view: moreInfo });
    }
    for (const [epoch, expected] of Object.entries(c.get_more_info_iepoch)) {
      steps.push({ q: q("getMoreInfo", c.index, c.dataset, { ...hp, iepoch: Number(epoch), trial: "mean" }), golden: expected, view: moreInfo });
    }
    steps.push({
      q: q("getNetConfig", c.index, c.dataset),
      golden: c.get_net_config,
      view: (v) => {
        const cfg = v as { name: string; channels: string; genotype: string; numClasses: number };
        return { name: cfg.name, channels: cfg.channels, genotype: cfg.genotype, num_classes: cfg.numClasses };
      },
    });
    for (const d of ["train", "x-valid", "x-test", "ori-test"]) steps.push({ q: q("getMetrics", c.index, c.dataset, d, { ...hp, trial: "random" }) });
  }
  for (const c of golden.cases) {
    steps.push({ reseed: 7 + c.index });
    for (const expected of c.simulate_train_eval) {
      steps.push({
        q: q("simulateTrainEval", c.index, c.dataset, { hp: c.hp }),
        golden: expected,
        view: (v) => {
          const r = v as { validAccuracy: number; latency: number; timeCost: number; usedTime: number };
          return [r.validAccuracy, r.latency, r.timeCost, r.usedTime];
        },
      });
    }
  }
  for (const [arch, index] of Object.entries(golden.query_index_by_arch)) steps.push({ q: q("indexOf", arch), golden: index });
  for (const [key, expected] of Object.entries(golden.statistics)) {
    const [dataset, hp] = key.split("|") as [string, string];
    steps.push({ q: q("statistics", dataset, hp), golden: expected, view: (v) => Object.fromEntries((v as Array<[number, number]>).map(([k, n]) => [String(k), n])) });
  }
  // find_best's cost limits are arch 11's FLOPs / params, read from the store as the golden test does
  const node = NasBench.open(dbPath);
  for (const [key, expected] of Object.entries(extra.find_best_enforce_all_false)) {
    const [dataset, set, hp, flopBy, paramBy] = key.split("|") as [string, string, string, string, string];
    const flopMax = flopBy === "a11" ? node.getCostInfo(11, dataset, { hp }).flops : undefined;
    const paramMax = paramBy === "a11" ? node.getCostInfo(11, dataset, { hp }).params : undefined;
    steps.push({ q: q("findBest", dataset, set, { hp, flopMax, paramMax }), golden: expected, view: (v) => [(v as { index: number }).index, (v as { accuracy: number }).accuracy] });
  }
  node.close();
  for (const [key, expected] of Object.entries(extra.query_info_str_by_arch)) {
    const [index, hp] = key.split("|") as [string, string];
    steps.push({ q: q("queryInfoStr", Number(index), hp), golden: expected });
  }
  // what the size space refuses: hps are the stored strings, indexes 0..32767, strings of five widths in 8..64
  for (const hp of ["1", "200", "7", "", "90 ", 1, undefined]) steps.push({ q: q("getMoreInfo", 0, "cifar10", { hp }), golden: "ERROR:" });
  // a number is the hp its decimal string names, as the original's str(hp) lookup
  for (const hp of [12, 90]) steps.push({ q: q("getMoreInfo", 0, "cifar10", { hp }), golden: c0(String(hp)).get_more_info_mean, view: moreInfo });
  for (const arch of [32768, -1, 1.5, 15625.5, "8:16:32", "8:16:32:64:65", "8:16:32:64:64:64", "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", " 8:8:8:8:8"]) {
    steps.push({ q: q("getMoreInfo", arch, "cifar10", { hp: "12" }), golden: "ERROR:" });
    steps.push({ q: q("arch", arch) });
    steps.push({ q: q("indexOf", arch) });
  }
  // in the space but without runs in this store
  for (const arch of [32767, 20000, "64:64:64:64:64", "8:16:24:32:40"]) steps.push({ q: q("simulateTrainEval", arch, "cifar10", { hp: "12" }), golden: "ERROR:" });
  steps.push({ q: q("getMoreInfo", "8:8:8:16:32", "cifar100", { hp: "12", trial: 888, iepoch: 11 }) });
  steps.push({ q: q("getMoreInfo", 284, "cifar10", { hp: "90", trial: 999 }), golden: "ERROR:" });
  steps.push({ q: q("getMoreInfo", 284, "cifar10", { hp: "12", iepoch: 12 }), golden: "ERROR:" });
  steps.push({ q: q("uniqueStr", 0), golden: "ERROR:" });
  steps.push({ q: q("findBest", "cifar10", "x-valid", { hp: "200" }), golden: "ERROR:" });
  steps.push({ q: q("statistics", "cifar10", "01") });
  return steps;
}

/** NasBench methods the async facade has no method of run through its generic query(), with the arch prefetched. */
function onBrowser(browser: BrowserBench, q: Query): Promise<Outcome> {
  if (q.kind in browser) return runQuery(browser, q);
  const bench = { [q.kind]: () => browser.query((b) => (b as unknown as Record<string, (...a: unknown[]) => unknown>)[q.kind]!(...q.args), [q.args[0] as number | string]) };
  return runQuery(bench, { kind: q.kind, args: [] });
}

describe("browser export of an sss store", () => {
  it("the manifest is version 2 and names the space; hps, datasets and archs are the store's", () => {
    const m = JSON.parse(readFileSync(join(exportDir, "manifest.json"), "utf8")) as ExportManifest;
    expect(m.version).toBe(EXPORT_VERSION);
    expect(m.version).toBe(2);
    expect(m.space).toBe("sss");
    expect(m.hps).toStrictEqual(["01", "12", "90"]);
    expect(m.evaluated).toStrictEqual([
      [0, 0],
      [11, 11],
      [284, 284],
    ]);
    expect(m.store.datasets).toStrictEqual(["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]);
    expect(m.trials.map((t) => t.hp)).toStrictEqual(["01", "12", "90"]);
    expect(summary).toMatchObject({ space: "sss", archs: 3, runs: 60 });
  });

  it("replays every golden sss case exactly as NasBench over the store, errors included, and as the original answered", async () => {
    const node = NasBench.open(dbPath, { rng: new PyRandom(0) });
    const browser = await openBrowserBench(fileFetcher(exportDir), { rngSeed: 0 });
    expect(browser.space.name).toBe("sss");
    expect(browser.size).toBe(32768);
    expect(browser.hps).toStrictEqual(node.hps);
    expect(browser.evaluatedIndexes()).toStrictEqual(node.evaluatedIndexes());
    let compared = 0;
    let errors = 0;
    let againstGolden = 0;
    for (const step of goldenSteps()) {
      if ("reseed" in step) {
        node.setRng(new PyRandom(step.reseed));
        browser.bench.setRng(new PyRandom(step.reseed));
        continue;
      }
      const where = `${step.q.kind}(${JSON.stringify(step.q.args)})`;
      const want = await runQuery(node, step.q);
      const got = await onBrowser(browser, step.q);
      expect(got, where).toStrictEqual(want);
      compared++;
      if ("error" in got) errors++;
      if (step.golden === undefined) continue;
      if (isError(step.golden)) expect("error" in got, `${where}: the original raised`).toBe(true);
      else {
        if (!("ok" in got)) throw new Error(`${where}: ${got.error.name}: ${got.error.message}, the original answered`);
        expect((step.view ?? ((v: unknown) => v))(got.ok), where).toStrictEqual(step.golden);
      }
      againstGolden++;
    }
    // 36 cases; simulate_train_eval 108 calls; find_best 216 keys (36 of them errors), and the input errors above
    expect(compared).toBeGreaterThan(900);
    expect(errors).toBeGreaterThan(100);
    expect(againstGolden).toBeGreaterThan(700);
    expect(browser.usedTime).toBe(node.usedTime);
    expect(browser.usedTime).toBeGreaterThan(0);
    node.close();
  });

  it("answers 600 random queries over the sample archs, their strings and archs outside the store as NasBench does", async () => {
    const node = NasBench.open(dbPath, { rng: new PyRandom(4) });
    const browser = await openBrowserBench(fileFetcher(exportDir), { rngSeed: 4 });
    const archs = [0, 11, 284, "8:8:8:8:8", "8:8:8:16:32", node.arch(284), 32767, 20000, "|bogus~0|", 32768, -1];
    const queries = makeQueries({ seed: 23, count: 600, archs, hps: node.hps, seeds: [111, 777, 888, 999] });
    const answered = new Map<string, number>();
    for (const q of queries) {
      const want = await runQuery(node, q);
      expect(await runQuery(browser, q), `${q.kind}(${JSON.stringify(q.args)})`).toStrictEqual(want);
      if ("ok" in want) answered.set(q.kind, (answered.get(q.kind) ?? 0) + 1);
    }
    for (const kind of ["getMoreInfo", "findBest", "simulateTrainEval"]) expect(answered.get(kind), kind).toBeGreaterThan(20);
    expect(browser.usedTime).toBe(node.usedTime);
    node.close();
  });

  it("an arch string query downloads that arch's one chunk, and an arch outside the store nothing", async () => {
    const browser = await openBrowserBench(fileFetcher(exportDir));
    const start = browser.bytesFetched;
    await browser.getMoreInfo(node284(), "cifar100", { hp: "90" });
    expect(browser.filesFetched).toBe(2);
    expect(browser.bytesFetched - start).toBe(readFileSync(join(exportDir, archFile(284))).length);
    await expect(browser.getCostInfo(32767, "cifar10", { hp: "12" })).rejects.toThrow(/arch 32767 has no results in this store/);
    expect(browser.filesFetched).toBe(2);
  });
});

function node284(): string {
  const node = NasBench.open(dbPath);
  try {
    return node.arch(284);
  } finally {
    node.close();
  }
}

describe("the space an export is opened as", () => {
  it("an sss export opened as tss, or a tss export as sss, is the SpaceMismatchError NasBench.open gives a store", async () => {
    for (const [db, folder, stored, asked] of [
      [dbPath, exportDir, "sss", "tss"],
      [dbPath, exportDir, "sss", "topology"],
      [tssDb, tssExport, "tss", "sss"],
      [tssDb, tssExport, "tss", "size"],
    ] as const) {
      const nodeErr = (() => {
        try {
          NasBench.open(db, { space: asked }).close();
        } catch (e) {
          return e;
        }
        return null;
      })();
      const err = await openBrowserBench(fileFetcher(folder), { space: asked, label: folder }).catch((e: unknown) => e);
      expect(nodeErr).toBeInstanceOf(SpaceMismatchError);
      expect(err, `${folder} as ${asked}`).toBeInstanceOf(SpaceMismatchError);
      const { stored: s, requested } = err as SpaceMismatchError;
      expect([s, requested]).toStrictEqual([(nodeErr as SpaceMismatchError).stored, (nodeErr as SpaceMismatchError).requested]);
      expect(s).toBe(stored);
      expect((err as Error).message).toContain(`${folder} holds the ${stored === "sss" ? "size" : "topology"} search space ('${stored}'), not '${requested}'`);
      expect((err as Error).message).toContain("aa-nas export --format browser");
    }
    // the space it holds, by either name, opens; an unknown name is NasBench's SpaceNameError
    for (const space of ["sss", "size"]) expect((await openBrowserBench(fileFetcher(exportDir), { space })).space.name).toBe("sss");
    expect((await openBrowserBench(fileFetcher(tssExport), { space: "topology" })).space.name).toBe("tss");
    await expect(openBrowserBench(fileFetcher(exportDir), { space: "sizes" })).rejects.toBeInstanceOf(SpaceNameError);
    expect(() => NasBench.open(dbPath, { space: "sizes" })).toThrow(SpaceNameError);
  });

  it("without a space option the export's own space answers: the tss sample as topology archs", async () => {
    const node = NasBench.open(tssDb);
    const browser = await openBrowserBench(fileFetcher(tssExport));
    expect(browser.space.name).toBe("tss");
    expect(browser.size).toBe(15625);
    for (const q of [
      { kind: "getMoreInfo", args: [11, "cifar10", { hp: "200" }] },
      { kind: "getMoreInfo", args: [20000, "cifar10", { hp: "200" }] },
      { kind: "arch", args: [284] },
      { kind: "getNetConfig", args: [284, "cifar100"] },
    ]) {
      expect(await runQuery(browser, q)).toStrictEqual(await runQuery(node, q));
    }
    node.close();
  });

  it("a version-1 export (written before the space was named) still opens, as tss; a version-2 manifest must name a known space", async () => {
    const v1 = join(dir, "tss-export-v1");
    exportStore(tssDb, v1);
    const manifest = JSON.parse(readFileSync(join(v1, "manifest.json"), "utf8")) as ExportManifest;
    // what a version-1 writer wrote: no space, version 1 in the manifest and in every chunk's header
    const { space: _space, ...old } = manifest;
    writeFileSync(join(v1, "manifest.json"), JSON.stringify({ ...old, version: 1 }));
    for (const [a] of manifest.evaluated) {
      const bytes = readFileSync(join(v1, archFile(a)));
      bytes.writeUInt32LE(1, 8);
      writeFileSync(join(v1, archFile(a)), bytes);
    }
    const node = NasBench.open(tssDb);
    const browser = await openBrowserBench(fileFetcher(v1));
    expect(browser.space.name).toBe("tss");
    const q = { kind: "getMoreInfo", args: [284, "cifar100", { hp: "200", trial: 888 }] };
    expect(await runQuery(browser, q)).toStrictEqual(await runQuery(node, q));
    expect("ok" in (await runQuery(browser, q))).toBe(true);
    node.close();
    await expect(openBrowserBench(fileFetcher(v1), { space: "sss" })).rejects.toBeInstanceOf(SpaceMismatchError);

    for (const [change, message] of [
      [{ version: 2 }, /manifest\.json \(format version 2\) names no search space; this reader reads 'tss' and 'sss' exports/],
      [{ version: 2, space: "nb101" }, /names the search space 'nb101'/],
      [{ version: 3, space: "sss" }, /format version 3; this reader reads versions 1 and 2/],
    ] as const) {
      writeFileSync(join(v1, "manifest.json"), JSON.stringify({ ...old, ...change }));
      const err = await openBrowserBench(fileFetcher(v1)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(message);
    }
  });
});

describe("aa-nas export --format browser on an sss store", () => {
  it("writes the folder and says which space it exported", () => {
    const out = join(dir, "cli-sss-export");
    const r = runCli(["export", "--bench", dbPath, "--format", "browser", "--out", out, "--no-progress"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^exported 3 sss archs \(60 runs\) to /);
    expect((JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as ExportManifest).space).toBe("sss");
  });
});
