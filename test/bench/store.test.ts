import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { InvalidRecordError, RunConflictError, StoreError } from "../../packages/core/src/bench/errors.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { PYTHON, requireSystem } from "../support/system.js";
import { syntheticRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `s${n++}.sqlite`);

describe("BenchStore writer", () => {
  test("a put record reads back identical, provenance included", () => {
    const store = BenchStore.create(fresh());
    const rec = syntheticRun(42, { seed: 888 });
    expect(store.putRuns([rec])).toStrictEqual({ inserted: 1, unchanged: 0, replaced: 0, skipped: 0 });
    expect(store.getRecord(42, "12", "cifar10-valid", 888)).toStrictEqual(rec);
    expect(store.getRecord(42, "12", "cifar10-valid", 999)).toBeNull();
    store.close();
  });

  test("re-putting the same run is a no-op; a different run conflicts unless replace/skip is asked", () => {
    const path = fresh();
    const store = BenchStore.create(path);
    const rec = syntheticRun(7);
    store.putRuns([rec]);
    expect(store.putRuns([rec])).toStrictEqual({ inserted: 0, unchanged: 1, replaced: 0, skipped: 0 });
    // provenance is not content: the same measurements from another source stay a no-op
    expect(store.putRuns([{ ...rec, provenance: { ...rec.provenance, source: "other" } }]).unchanged).toBe(1);
    const changed = syntheticRun(7, { flops: 1.5 });
    expect(() => store.putRuns([changed])).toThrow(RunConflictError);
    expect(() => store.putRuns([changed])).toThrow(/arch 7, hp '12', cifar10-valid, seed 777/);
    expect(store.putRuns([changed], { onConflict: "skip" }).skipped).toBe(1);
    expect(store.getRecord(7, "12", "cifar10-valid", 777)!.flops).toBe(rec.flops);
    expect(store.putRuns([changed], { onConflict: "replace" }).replaced).toBe(1);
    expect(store.getRecord(7, "12", "cifar10-valid", 777)!.flops).toBe(1.5);
    expect(store.meta().runs).toBe(1);
    expect(store.finalRows("12", "cifar10-valid").map((r) => r.flops)).toStrictEqual([1.5]);
    store.close();
  });

  test("a failing batch leaves the store unchanged (one transaction)", () => {
    const store = BenchStore.create(fresh());
    store.putRuns([syntheticRun(1)]);
    expect(() => store.putRuns([syntheticRun(2), syntheticRun(1, { flops: 9 })])).toThrow(RunConflictError);
    expect(store.evaluatedIndexes()).toStrictEqual([1]);
    store.close();
  });

  test.each([
    ["an arch string that is not the index's", { arch: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|" }, /is not arch 3/],
    ["an unknown dataset", { dataset: "mnist" as "cifar10" }, /unknown dataset/],
    ["a train curve longer than the schedule", { epochs: 5 }, /more than the schedule/],
    ["an empty hp", { hp: "" }, /hp must be/],
  ])("a record with %s is rejected with InvalidRecordError", (_name, over, message) => {
    const store = BenchStore.create(fresh());
    const bad = { ...syntheticRun(3), ...over };
    expect(() => store.putRuns([bad])).toThrow(InvalidRecordError);
    expect(() => store.putRuns([bad])).toThrow(message);
    store.close();
  });

  test("NaN is rejected from every source, table-derived records included: a metric not recorded is a null curve", () => {
    const store = BenchStore.create(fresh());
    const base = syntheticRun(4);
    const nanLoss = { ...base.train, loss: base.train.loss!.map(() => NaN) };
    const fromFile = { ...base, train: nanLoss };
    expect(() => store.putRuns([fromFile])).toThrow(/train\.loss\[0\] is NaN, expected a finite loss ≥ 0 \(a metric the source did not record is null, not NaN\)/);
    const fromTable = { ...fromFile, provenance: { ...base.provenance, source: "table:metric_vals.csv" } };
    expect(() => store.putRuns([fromTable])).toThrow(InvalidRecordError);
    const absent = { ...base, train: { ...base.train, loss: null }, provenance: fromTable.provenance };
    expect(store.putRuns([absent]).inserted).toBe(1);
    expect(store.getRecord(4, absent.hp, absent.dataset, absent.seed)!.train.loss).toBeNull();
    const tooHigh = { ...absent, train: { ...absent.train, acc1: base.train.acc1!.map(() => 140) } };
    expect(() => store.putRuns([tooHigh])).toThrow(/train\.acc1\[0\] is 140, expected an accuracy in \[0, 100\]/);
    store.close();
  });

  test("a metric the source did not record is a zero-length BLOB in its column, and reads back as null", () => {
    const path = fresh();
    const store = BenchStore.create(path);
    const base = syntheticRun(6);
    const ev = base.evals["x-valid"]!;
    const rec = { ...base, train: { ...base.train, acc1: null }, evals: { ...base.evals, "x-valid": { ...ev, loss: null } } };
    store.putRuns([rec]);
    expect(store.getRecord(6, rec.hp, rec.dataset, rec.seed)).toStrictEqual(rec);
    store.close();
    const db = new Database(path, { readonly: true });
    const row = db.prepare("SELECT train_acc1, train_loss, xvalid_loss, xvalid_acc FROM runs").get() as Record<string, Buffer>;
    db.close();
    expect([row.train_acc1!.length, row.xvalid_loss!.length]).toStrictEqual([0, 0]);
    expect(row.train_loss!.length).toBe(12 * 8);
    expect(row.xvalid_acc!.length).toBeGreaterThan(0);
  });

  test("constant curves are stored as one value, other curves as float64 little-endian BLOBs", () => {
    const path = fresh();
    const store = BenchStore.create(path);
    store.putRuns([syntheticRun(5)]);
    store.close();
    const db = new Database(path, { readonly: true });
    const row = db.prepare("SELECT train_time, train_loss, xvalid_epochs, oritest_epochs FROM runs").get() as Record<string, Buffer>;
    db.close();
    expect(row.train_time!.length).toBe(8);
    expect(row.train_time!.readDoubleLE(0)).toBe(7.25);
    expect(row.train_loss!.length).toBe(12 * 8);
    expect(row.train_loss!.readDoubleLE(8)).toBe(syntheticRun(5).train.loss![1]);
    expect(row.xvalid_epochs!.length).toBe(0); // every epoch
    expect(row.oritest_epochs!.readInt32LE(0)).toBe(11);
  });

  test("meta() describes the store", () => {
    const store = BenchStore.create(fresh());
    store.putRuns([syntheticRun(1), syntheticRun(1, { hp: "200", epochs: 12 }), syntheticRun(2, { dataset: "cifar100" })]);
    const m = store.meta();
    expect([m.format, m.schemaVersion, m.runs, m.archs, m.hps, m.sources]).toStrictEqual(["aa-nas-bench-store", 1, 3, 2, ["12", "200"], ["synthetic"]]);
    expect(m.datasets.sort()).toStrictEqual(["cifar10-valid", "cifar100"]);
    store.verify();
    store.close();
  });

  test("Python's standard sqlite3 module reads the store and decodes a curve with struct", () => {
    requireSystem("python3");
    const path = fresh();
    const store = BenchStore.create(path);
    const rec = syntheticRun(9);
    store.putRuns([rec]);
    store.close();
    const script = `
import sqlite3, struct, sys, json
con = sqlite3.connect(sys.argv[1])
blob, n = con.execute("SELECT train_acc1, trained_epochs FROM runs WHERE arch_index = 9").fetchone()
acc = list(struct.unpack('<%dd' % (len(blob) // 8), blob))
fin = con.execute("SELECT oritest_acc FROM final WHERE arch_index = 9").fetchone()[0]
arch = con.execute("SELECT arch FROM archs WHERE arch_index = 9").fetchone()[0]
print(json.dumps({'acc': acc, 'n': n, 'final': fin, 'arch': arch}))`;
    const r = spawnSync(PYTHON, ["-c", script, path], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { acc: number[]; n: number; final: number; arch: string };
    expect(out.acc).toStrictEqual(rec.train.acc1);
    expect(out.n).toBe(12);
    expect(out.final).toBe(rec.evals["ori-test"]!.acc![0]);
    expect(out.arch).toBe(rec.arch);
  });
});

describe("BenchStore reader: bad files give one StoreError", () => {
  function storeWithData(): string {
    const path = fresh();
    const store = BenchStore.create(path);
    store.putRuns(Array.from({ length: 40 }, (_, i) => syntheticRun(i, { epochs: 200, train: syntheticRun(i, { epochs: 200 }).train, evals: syntheticRun(i, { epochs: 200 }).evals })));
    store.close();
    return path;
  }

  test("a missing file says how to create one", () => {
    expect(() => BenchStore.open(join(dir, "nope.sqlite"))).toThrow(/does not exist.*aa-nas import/);
  });

  test("a file that is not SQLite", () => {
    const path = fresh();
    writeFileSync(path, "this is not a database, just text ".repeat(200));
    expect(() => BenchStore.open(path).meta()).toThrow(StoreError);
  });

  test("an SQLite file that is not a benchmark store", () => {
    const path = fresh();
    const db = new Database(path);
    db.exec("CREATE TABLE t (x)");
    db.close();
    expect(() => BenchStore.open(path)).toThrow(/not an aa-nas benchmark store/);
  });

  test("a store from a newer schema version asks for an upgrade", () => {
    const path = fresh();
    BenchStore.create(path).close();
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    expect(() => BenchStore.open(path)).toThrow(/schema 99.*upgrade/);
  });

  test("a truncated store file", () => {
    const path = storeWithData();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    expect(() => {
      const s = BenchStore.open(path);
      try {
        s.verify();
        for (let i = 0; i < 40; i++) s.loadRuns(i, "12", "cifar10-valid");
      } finally {
        s.close();
      }
    }).toThrow(StoreError);
  });

  test("pages overwritten with garbage are caught at open or by verify()", () => {
    const path = storeWithData();
    const size = statSync(path).size;
    const pageSize = readFileSync(path).readUInt16BE(16); // SQLite header: page size at offset 16
    const fd = openSync(path, "r+");
    const junk = Buffer.alloc(pageSize, 0xa5);
    for (let page = 2; page * pageSize < size; page += 3) writeSync(fd, junk, 0, junk.length, page * pageSize);
    closeSync(fd);
    const openAndVerify = (): void => {
      const s = BenchStore.open(path);
      try {
        s.verify();
      } finally {
        s.close();
      }
    };
    // depending on which page is hit, the header check or the quick_check finds it; either way one StoreError
    expect(openAndVerify).toThrow(StoreError);
    expect(openAndVerify).toThrow(/corrupt|quick_check/);
  });

  test("the header check reads almost nothing: opening does not scan the runs", () => {
    const path = storeWithData();
    const bytes = readFileSync(path).length;
    const t0 = performance.now();
    const s = BenchStore.open(path);
    const ms = performance.now() - t0;
    s.close();
    expect(bytes).toBeGreaterThan(100_000);
    expect(ms).toBeLessThan(100);
  });
});
