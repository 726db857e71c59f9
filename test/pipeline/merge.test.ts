import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { archAt, searchSpace, sizeArchAt, type SpaceName } from "../../packages/core/src/space/index.js";
import { SpaceMismatchError } from "../../packages/core/src/bench/errors.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";
import { mergeRecords } from "../../packages/engine/src/pipeline/merge.js";
import { RECORD_FORMAT, recordFilePath, writeRecordFile } from "../../packages/engine/src/pipeline/record-file.js";

/** A run of `space`; its times differ per seed and hp (so a time taken from the wrong run shows). */
function run(archIndex: number, seed: number, dataset: "cifar10" | "cifar10-valid", hp = "12", space: SpaceName = "tss"): RunRecord {
  const s = searchSpace(space);
  const arch = s.archAt(archIndex);
  const epochs = Number(hp);
  const curve = (base: number) => Array.from({ length: epochs }, (_, e) => base + e + seed / 1000);
  return {
    archIndex,
    arch,
    hp,
    dataset,
    seed,
    epochs,
    ...s.costs(arch, dataset),
    latency: [0.02 + seed / 1e5],
    config: s.storedConfig(arch, 10),
    train: { loss: curve(1), acc1: curve(30), acc5: curve(60), time: curve(10) },
    evals: Object.fromEntries(
      datasetInfo(dataset).evalSets.map((set) => [set, { epochs: Array.from({ length: epochs }, (_, e) => e), loss: curve(1.5), acc: curve(25), time: curve(2) }]),
    ),
    provenance: { seedImputed: false, timesEstimated: false, device: "cpu", source: "test" },
  };
}

/** The record file of (arch, seed): its cifar10-valid and cifar10 runs. */
function writePair(dir: string, archIndex: number, seed: number, edit: (r: RunRecord) => RunRecord = (r) => r, hp = "12", space: SpaceName = "tss"): string {
  const path = recordFilePath(dir, archIndex, seed);
  writeRecordFile(path, {
    format: RECORD_FORMAT,
    archIndex,
    arch: searchSpace(space).archAt(archIndex),
    seed,
    hp,
    runs: [run(archIndex, seed, "cifar10-valid", hp, space), run(archIndex, seed, "cifar10", hp, space)].map(edit),
    weights: null,
    machine: "test",
  });
  return path;
}

const writeSize = (dir: string, archIndex: number, seed: number, hp: string): string => writePair(dir, archIndex, seed, undefined, hp, "sss");

describe("merge", () => {
  it("names a corrupted record file, merges every intact one, and reports what is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-merge-"));
    writePair(dir, 10, 777);
    const broken = writePair(dir, 11, 777);
    writePair(dir, 12, 777);
    writeFileSync(broken, readFileSync(broken, "utf8").slice(0, 200));
    const db = join(dir, "bench.sqlite");
    const report = mergeRecords({
      inputs: [dir],
      out: db,
      expect: { archIndexes: [10, 11, 12], seeds: [777], datasets: ["cifar10-valid", "cifar10"], hp: "12" },
    });
    expect(report.files).toBe(3);
    expect(report.corrupt).toEqual([{ file: broken, error: expect.stringContaining(`record file ${broken} is truncated`) as unknown as string }]);
    expect(report.inserted).toBe(4);
    expect(report.missing).toEqual([
      { archIndex: 11, seed: 777, dataset: "cifar10-valid" },
      { archIndex: 11, seed: 777, dataset: "cifar10" },
    ]);
    const again = mergeRecords({ inputs: [dir], out: db });
    expect([again.inserted, again.unchanged]).toEqual([0, 4]);
  });

  it("a conflicting run leaves the store as it was, runs of other archs in the same merge included", () => {
    const first = mkdtempSync(join(tmpdir(), "aa-nas-merge-a-"));
    const second = mkdtempSync(join(tmpdir(), "aa-nas-merge-b-"));
    writePair(first, 40, 777);
    const db = join(first, "bench.sqlite");
    expect(mergeRecords({ inputs: [first], out: db }).inserted).toBe(2);
    writePair(second, 39, 777);
    writePair(second, 40, 777, (r) => ({ ...r, latency: [0.5] }));
    // arch 39 goes to the store in an earlier batch than the conflicting arch 40
    expect(() => mergeRecords({ inputs: [second], out: db, batchRuns: 2 })).toThrow(/a different run for \(arch 40/);
    const store = BenchStore.open(db);
    expect(store.evaluatedIndexes()).toEqual([40]);
    store.close();
  });

  it("corrects the times of an arch whose seeds lie in different input folders", () => {
    const a = mkdtempSync(join(tmpdir(), "aa-nas-merge-tc-a-"));
    const b = mkdtempSync(join(tmpdir(), "aa-nas-merge-tc-b-"));
    writePair(b, 21, 777);
    writePair(a, 21, 888);
    const db = join(a, "bench.sqlite");
    expect(mergeRecords({ inputs: [a, b], out: db, timeCorrection: true }).uncorrected).toEqual([]);
    const store = BenchStore.open(db);
    const t888 = store.getRecord(21, "12", "cifar10", 888)!.train.time!;
    const t777 = store.getRecord(21, "12", "cifar10", 777)!.train.time!;
    store.close();
    expect(t888).toEqual(t777);
  });

  it("applies the v1.1 time correction from the 12-epoch cifar10-valid seed-777 run", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-merge-tc-"));
    writePair(dir, 20, 777);
    const db = join(dir, "bench.sqlite");
    const report = mergeRecords({ inputs: [dir], out: db, timeCorrection: true });
    expect(report.uncorrected).toEqual([]);
    const store = BenchStore.open(db);
    const c10 = store.getRecord(20, "12", "cifar10", 777)!;
    const c10v = store.getRecord(20, "12", "cifar10-valid", 777)!;
    store.close();
    const ref = run(20, 777, "cifar10-valid");
    const meanTrain = ref.train.time!.reduce((a, b) => a + b, 0) / 12;
    // cifar10 trains on 50,000 images, the reference on 25,000: twice the pseudo time per epoch
    expect(c10.train.time![0]).toBeCloseTo((meanTrain / 25000) * 50000, 12);
    expect(new Set(c10v.train.time).size).toBe(1);
    expect(c10.provenance.timesEstimated).toBe(true);
    const e = (ref.evals["ori-test"]!.time!.reduce((a, b) => a + b, 0) / 12 + ref.evals["x-valid"]!.time!.reduce((a, b) => a + b, 0) / 12) / 35000;
    expect(c10.evals["ori-test"]!.time![0]).toBeCloseTo(10000 * e, 12);
  });
});

describe("merge of size-space (sss) records", () => {
  it("makes an sss store from sss records (index 20000 is past tss's 15,624) and corrects their times from hp 01 seed 777", () => {
    const hp01 = mkdtempSync(join(tmpdir(), "aa-nas-merge-sss-01-"));
    const hp12 = mkdtempSync(join(tmpdir(), "aa-nas-merge-sss-12-"));
    writeSize(hp01, 20000, 777, "01");
    writeSize(hp12, 20000, 888, "12");
    const db = join(hp01, "bench.sqlite");
    const report = mergeRecords({ inputs: [hp01, hp12], out: db, timeCorrection: true });
    expect(report).toMatchObject({ space: "sss", files: 2, inserted: 4, corrupt: [], uncorrected: [] });
    const store = BenchStore.open(db, { space: "sss" });
    const ref = store.getRecord(20000, "01", "cifar10-valid", 777)!;
    const run12 = store.getRecord(20000, "12", "cifar10-valid", 888)!;
    store.close();
    expect(run12.arch).toBe("40:64:8:40:8");
    // hp 12 seed 888 takes hp 01 seed 777's one-epoch times, as sss-collect.py does (tss would scale by images)
    const written = run(20000, 777, "cifar10-valid", "01", "sss");
    expect(run12.train.time).toEqual(Array(12).fill(written.train.time![0]));
    expect(run12.evals["ori-test"]!.time).toEqual(Array(12).fill(written.evals["ori-test"]!.time![0]));
    expect(run12.latency).toEqual([(written.evals["x-valid"]!.time![0]! / 98 + written.evals["ori-test"]!.time![0]! / 40) / 2]);
    expect([ref.provenance.timesEstimated, run12.provenance.timesEstimated]).toEqual([true, true]);
  });

  it("a tss store refuses sss records, and an sss store tss records, with SpaceMismatchError and nothing written", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-merge-mismatch-"));
    const tss = join(dir, "tss");
    const sss = join(dir, "sss");
    writePair(mkdirp(tss), 10, 777);
    writeSize(mkdirp(sss), 10, 777, "01");
    const tssDb = join(dir, "tss.sqlite");
    const sssDb = join(dir, "sss.sqlite");
    expect(mergeRecords({ inputs: [tss], out: tssDb }).space).toBe("tss");
    expect(mergeRecords({ inputs: [sss], out: sssDb }).space).toBe("sss");
    expect(() => mergeRecords({ inputs: [sss], out: tssDb })).toThrow(SpaceMismatchError);
    expect(() => mergeRecords({ inputs: [sss], out: tssDb })).toThrow(/holds the topology search space \('tss'\), not 'sss'.*merge the 'sss' records into a new store/);
    expect(() => mergeRecords({ inputs: [tss], out: sssDb })).toThrow(SpaceMismatchError);
    // what is expected is checked against the store's space: 20000 is an sss index only
    const expect20000 = { archIndexes: [20000], seeds: [777], datasets: ["cifar10"], hp: "01" };
    expect(() => mergeRecords({ inputs: [tss], out: tssDb, expect: expect20000 })).toThrow(/expected arch 20000 is not in the topology search space \(tss\) of .*: valid indexes are 0..15624/);
    expect(mergeRecords({ inputs: [sss], out: sssDb, expect: expect20000 }).missing).toEqual([{ archIndex: 20000, seed: 777, dataset: "cifar10" }]);
    for (const [db, space] of [[tssDb, "tss"], [sssDb, "sss"]] as const) {
      const store = BenchStore.open(db, { space });
      expect(store.evaluatedIndexes()).toEqual([10]);
      expect(store.getRecord(10, space === "tss" ? "12" : "01", "cifar10", 777)!.arch).toBe(space === "tss" ? archAt(10) : sizeArchAt(10));
      store.close();
    }
    // both spaces in one merge: no store is made
    const fresh = join(dir, "mixed.sqlite");
    expect(() => mergeRecords({ inputs: [tss, sss], out: fresh })).toThrow(SpaceMismatchError);
    expect(() => mergeRecords({ inputs: [tss, sss], out: fresh })).toThrow(/not 'sss'.*the inputs hold records of both spaces/);
    expect(existsSync(fresh)).toBe(false);
  });

  it("reports a record file whose arch string is index's in neither space as damaged", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-merge-nospace-"));
    writeSize(dir, 11, 777, "01");
    const bad = recordFilePath(dir, 12, 777);
    writeRecordFile(bad, { format: RECORD_FORMAT, archIndex: 12, arch: sizeArchAt(11), seed: 777, hp: "01", runs: [], weights: null, machine: "test" });
    const report = mergeRecords({ inputs: [dir], out: join(dir, "bench.sqlite") });
    expect(report).toMatchObject({ space: "sss", inserted: 2 });
    expect(report.corrupt).toEqual([{ file: bad, error: `record file ${bad}: arch 12 is not '8:8:8:16:32' in either search space` }]);
  });
});

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
