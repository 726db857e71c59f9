/**
 * The lite store (issue #20): the public all-arch tables imported by the product (`importBenchmark` / `aa-nas import`
 * on the tables), absent metrics stored as absent and answered with MetricNotInStoreError, provenance on every record,
 * and the paper harness building its store through the same import.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { gunzipSync, gzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { MetricNotInStoreError, MetricUnavailableError } from "../../packages/core/src/bench/errors.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { DEFAULT_TABLES_SOURCE, TABLE_FILES, importTables, loadPeerTables, recordsForArch } from "../../packages/core/src/bench/import/tables.js";
import { validateRecord } from "../../packages/core/src/bench/rows.js";
import { absentMetrics } from "../../packages/core/src/bench/semantics.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { FormatError } from "../../packages/core/src/formats/errors.js";
import { TABLE_SOURCE_PREFIX } from "../../packages/core/src/registry/index.js";
import { NUM_ARCHS } from "../../packages/core/src/space/index.js";
import { StoreSearchBenchmark } from "../../packages/core/src/search/store-benchmark.js";
import { buildTableStore } from "../../reproduce/build-store.js";
import { tableBenchmark } from "../../reproduce/tables.js";
import { runCli } from "../support/cli.js";
import { readReferenceText, referencePath, referenceRoot } from "../support/reference.js";

/** Archs 0, 11, 284 (real sample records), 818 (a diverged ImageNet16-120 seed), 1 and 2 (neighbours). */
const ARCHS = [0, 1, 2, 11, 284, 818];

let dir: string;
let storePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-tables-"));
  storePath = join(dir, "lite.sqlite");
  const store = BenchStore.create(storePath);
  importTables(referenceRoot, store, { archs: ARCHS });
  store.close();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("lite import of the all-arch tables", () => {
  test("every arch of the full fixture tables converts to valid records with NaN nowhere (13 or 17 runs per arch)", () => {
    const tables = loadPeerTables(referenceRoot);
    let runs = 0;
    for (let i = 0; i < NUM_ARCHS; i++) {
      const recs = recordsForArch(tables, i);
      expect(recs.length).toBe(5 + 4 * tables.trials[i]!);
      for (const r of recs) validateRecord(r);
      runs += recs.length;
    }
    expect(runs).toBe(235801);
  });

  test("importBenchmark on the tables folder writes the selected archs' runs, marks them imported and resumes", () => {
    const store = BenchStore.open(storePath, { write: true });
    expect([...store.importedArchs(DEFAULT_TABLES_SOURCE)].sort((a, b) => a - b)).toStrictEqual(ARCHS);
    expect(store.meta().runs).toBe(ARCHS.reduce((s, i) => s + 5 + 4 * loadPeerTables(referenceRoot).trials[i]!, 0));
    const again = importTables(referenceRoot, store, { archs: ARCHS });
    expect([again.archs, again.skippedArchs, again.runs.inserted]).toStrictEqual([0, ARCHS.length, 0]);
    store.close();
  });

  test("each record names the table and column of each of its values", () => {
    const store = BenchStore.open(storePath);
    const source = store.getRecord(11, "200", "cifar100", 777)!.provenance.source;
    expect(source.startsWith(TABLE_SOURCE_PREFIX)).toBe(true);
    expect(source).toContain("ori-test acc@199 = metric_vals.csv cifar100_ori-test_acc_seed777");
    expect(source).toContain("x-test acc@199 = nats_bench.csv CIFAR100TestAccuracy200Epochs");
    expect(source).toContain("x-valid acc@199 = 2·ori-test − x-test");
    expect(source).toContain("train time/epoch = metric_vals.csv cifar10-valid_train_all_time_s/200");
    expect(store.getRecord(11, "12", "cifar10-valid", 111)!.provenance.source).toContain("x-valid acc@11 = mini-bench-arch-cell-accs.csv cifar10-val");
    store.close();
  });

  test("absent metrics are zero-length BLOBs in the store and NULL in the final table, never NaN", () => {
    const db = new Database(storePath, { readonly: true });
    const rows = db.prepare("SELECT length(train_loss) AS tl, length(train_acc1) AS ta, length(xvalid_loss) AS xl FROM runs").all() as Record<string, number>[];
    expect(rows.every((r) => r.tl === 0 && r.ta === 0 && (r.xl === 0 || r.xl === null))).toBe(true);
    const finals = db.prepare("SELECT train_loss, train_acc, xvalid_loss, xvalid_acc FROM final WHERE arch_index = 11 AND hp = '200' AND dataset = 'cifar100'").all() as Record<string, number | null>[];
    expect(finals.length).toBe(3);
    for (const f of finals) {
      expect([f.train_loss, f.train_acc, f.xvalid_loss]).toStrictEqual([null, null, null]);
      expect(typeof f.xvalid_acc).toBe("number");
    }
    db.close();
  });
});

describe("the query API on a lite store", () => {
  let bench: NasBench;
  beforeAll(() => {
    bench = NasBench.open(storePath);
  });
  afterAll(() => bench.close());

  test("reading an absent metric raises MetricNotInStoreError naming it; present ones are the tables' numbers", () => {
    const m = bench.getMetrics(0, "cifar10-valid", "x-valid", { hp: "200", trial: 777 });
    expect(m.accuracy).toBe(loadPeerTables(referenceRoot).columns.cifar10.perSeed200[0]![0]);
    expect(() => m.loss).toThrow(MetricNotInStoreError);
    expect(() => m.loss).toThrow(/^x-valid \(seed 777, epoch 199\) loss is not in this store/);
    const train = bench.getMetrics(0, "cifar10", "train", { hp: "12" });
    expect(() => train.accuracy).toThrow(/train \(seed 111, epoch 11\) accuracy is not in this store/);
    expect(absentMetrics(train)).toStrictEqual(["loss", "accuracy"]);
    // the typed error is a MetricUnavailableError: callers that already handle "the original raises" keep working
    expect(() => train.loss).toThrow(MetricUnavailableError);
  });

  test("getMoreInfo leaves absent values out of its enumerable keys (JSON has no NaN) and raises when one is read", () => {
    const info = bench.getMoreInfo(11, "cifar100", { hp: "200" });
    const json = JSON.stringify(info);
    expect(json).not.toMatch(/NaN|null,"trainLoss"|Loss/);
    expect(Object.keys(info)).toStrictEqual(["trainPerTime", "trainAllTime", "validAccuracy", "validPerTime", "validAllTime", "testAccuracy", "testPerTime", "testAllTime", "valtestAccuracy", "valtestPerTime", "valtestAllTime"]);
    expect(() => info.trainLoss).toThrow(/^train loss \(mean over 3 trials: train \(seed 777, epoch 199\) loss\) is not in this store/);
    // a second call is served from the cache and keeps the markers
    expect(() => bench.getMoreInfo(11, "cifar100", { hp: "200" }).trainAccuracy).toThrow(MetricNotInStoreError);
  });

  test("a derived value outside [0, 100] is absent: its seed and the mean over seeds raise, the other seeds answer", () => {
    // arch 818, ImageNet16-120, seed 888: 2·ori-test − x-test < 0
    expect(() => bench.getMetrics(818, "ImageNet16-120", "x-valid", { hp: "200", trial: 888 }).accuracy).toThrow(/seed 888.*accuracy is not in this store/);
    expect(bench.getMetrics(818, "ImageNet16-120", "x-valid", { hp: "200", trial: 777 }).accuracy).toBeGreaterThan(0);
    expect(() => bench.getMoreInfo(818, "ImageNet16-120", { hp: "200" }).validAccuracy).toThrow(MetricNotInStoreError);
    expect(bench.getMoreInfo(818, "ImageNet16-120", { hp: "200" }).testAccuracy).toBeGreaterThan(0);
  });

  test("a search judging an arch whose mean x-valid is absent gets 2·ori-test − x-test of the means, as the direct table path", () => {
    const oracle = new StoreSearchBenchmark(NasBench.open(storePath));
    const direct = tableBenchmark(loadPeerTables(referenceRoot));
    const f = oracle.finalAccuracy(818, "ImageNet16-120");
    expect(f.valid).toBeCloseTo(direct.finalAccuracy(818, "ImageNet16-120").valid, 9);
    expect(f.test).toBe(direct.finalAccuracy(818, "ImageNet16-120").test);
    oracle.close();
  });

  test("the benchmark-driven searches' queries answer: simulateTrainEval on hp 12, finals on hp 200", () => {
    const r = bench.simulateTrainEval(11, "cifar10", { hp: "12", accountTime: false });
    expect(r.validAccuracy).toBe(loadPeerTables(referenceRoot).columns.cifar10.valid12[11]);
    expect(r.timeCost).toBeGreaterThan(0);
    expect(bench.getMoreInfo(11, "cifar10", { hp: "200" }).testAccuracy).toBe(loadPeerTables(referenceRoot).columns.cifar10.test200[11]);
  });
});

describe("inputs", () => {
  test("a flat folder holding the published file names (gzip or plain) imports like the reference layout", () => {
    const flat = join(dir, "flat");
    mkdirSync(join(flat, TABLE_FILES.samples), { recursive: true });
    writeFileSync(join(flat, "metric_vals.csv"), gunzipSync(readFileSync(referencePath(`${TABLE_FILES.perSeed}.gz`))));
    copyFileSync(referencePath(`${TABLE_FILES.test200}.gz`), join(flat, "nats_bench.csv.gz"));
    copyFileSync(referencePath(`${TABLE_FILES.twelveEpoch}.gz`), join(flat, "mini-bench-arch-cell-accs.csv.gz"));
    for (const i of ["000000", "000011", "000284"]) writeFileSync(join(flat, TABLE_FILES.samples, `${i}.json`), readReferenceText(TABLE_FILES.samples, `${i}.json`));
    const a = loadPeerTables(flat);
    const b = loadPeerTables(referenceRoot);
    expect(a.evalTimeRatio.kappa).toBe(b.evalTimeRatio.kappa);
    expect(recordsForArch(a, 284)).toStrictEqual(recordsForArch(b, 284));
  });

  test("a table whose rows are not in arch index order is refused with a FormatError naming file, row and arch", () => {
    const bad = join(dir, "bad");
    mkdirSync(join(bad, TABLE_FILES.samples), { recursive: true });
    const lines = Buffer.from(gunzipSync(readFileSync(referencePath(`${TABLE_FILES.perSeed}.gz`)))).toString("utf8").split("\n");
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    writeFileSync(join(bad, "metric_vals.csv.gz"), gzipSync(new TextEncoder().encode(lines.join("\n"))));
    copyFileSync(referencePath(`${TABLE_FILES.test200}.gz`), join(bad, "nats_bench.csv.gz"));
    copyFileSync(referencePath(`${TABLE_FILES.twelveEpoch}.gz`), join(bad, "mini-bench-arch-cell-accs.csv.gz"));
    expect(() => loadPeerTables(bad)).toThrow(FormatError);
    expect(() => loadPeerTables(bad)).toThrow(/metric_vals\.csv\.gz: row 2 holds '.*', expected '/);
  });

  test("aa-nas import on a lone table file says which table is missing (exit 2), not 'unknown benchmark file type'", () => {
    const lone = join(dir, "lone");
    mkdirSync(lone);
    copyFileSync(referencePath(`${TABLE_FILES.test200}.gz`), join(lone, "nats_bench.csv.gz"));
    const r = runCli(["import", join(lone, "nats_bench.csv.gz"), "--out", join(dir, "lone.sqlite")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no mini-bench-arch-cell-accs\.csv/);
    expect(r.stderr).not.toMatch(/unknown benchmark file type/);
  });

  test("aa-nas query on a lite store names the absent values 'not in this store' and leaves them out of --json", () => {
    const text = runCli(["query", "11", "--bench", storePath, "--dataset", "cifar100", "--hp", "200"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^train-loss +not in this store$/m);
    expect(text.stdout).toMatch(/^valid-accuracy +67\.45/m);
    expect(text.stdout).not.toMatch(/NaN/);
    const json = runCli(["query", "11", "--bench", storePath, "--dataset", "cifar100", "--hp", "200", "--json"]);
    expect(Object.keys(JSON.parse(json.stdout) as object)).not.toContain("train-loss");
  });

  test("importBenchmark dispatches a tables folder to the lite import", () => {
    const store = BenchStore.create(join(dir, "dispatch.sqlite"));
    expect(() => importBenchmark(join(dir, "bad"), store)).toThrow(FormatError);
    store.close();
  });
});

describe("the paper harness builds its store through the lite import", () => {
  test("buildTableStore writes what importBenchmark writes, under the product's import source, and resumes such a store", () => {
    const path = join(dir, "harness.sqlite");
    const logs: string[] = [];
    expect(buildTableStore(path, referenceRoot, (s) => logs.push(s), [11, 284]).built).toBe(true);
    const product = BenchStore.open(storePath);
    const harness = BenchStore.open(path, { write: true });
    expect([...harness.importedArchs(DEFAULT_TABLES_SOURCE)].sort((a, b) => a - b)).toStrictEqual([11, 284]);
    for (const [hp, dataset, seed] of [["200", "ImageNet16-120", 999], ["12", "cifar10-valid", 777]] as const) {
      expect(harness.getRecord(284, hp, dataset, seed)).toStrictEqual(product.getRecord(284, hp, dataset, seed));
    }
    product.close();
    harness.close();
    // a store the product import completed is the harness's own: reused, not rebuilt
    expect(buildTableStore(path, referenceRoot, () => {}, [11, 284]).built).toBe(false);
    expect(buildTableStore(path, referenceRoot, (s) => logs.push(s), [11, 284, 818]).built).toBe(true);
    expect(logs).toContain("resuming store build at 2/3 archs");
  });
});
