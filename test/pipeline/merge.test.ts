import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { archAt, archCosts } from "../../packages/core/src/space/index.js";
import { mergeRecords } from "../../packages/engine/src/pipeline/merge.js";
import { RECORD_FORMAT, recordFilePath, writeRecordFile } from "../../packages/engine/src/pipeline/record-file.js";

function run(archIndex: number, seed: number, dataset: "cifar10" | "cifar10-valid", hp = "12"): RunRecord {
  const { flops, params } = archCosts(archAt(archIndex), dataset);
  const epochs = Number(hp);
  const curve = (base: number) => Array.from({ length: epochs }, (_, e) => base + e + seed / 1000);
  const evalSets = dataset === "cifar10" ? (["ori-test"] as const) : (["x-valid", "ori-test"] as const);
  return {
    archIndex,
    arch: archAt(archIndex),
    hp,
    dataset,
    seed,
    epochs,
    params,
    flops,
    latency: [0.02 + seed / 1e5],
    config: { channel: 16, numCells: 5, classNum: 10 },
    train: { loss: curve(1), acc1: curve(30), acc5: curve(60), time: curve(10) },
    evals: Object.fromEntries(
      evalSets.map((s) => [s, { epochs: Array.from({ length: epochs }, (_, e) => e), loss: curve(1.5), acc: curve(25), time: curve(2) }]),
    ),
    provenance: { seedImputed: false, timesEstimated: false, device: "cpu", source: "test" },
  };
}

function writePair(dir: string, archIndex: number, seed: number, edit: (r: RunRecord) => RunRecord = (r) => r): string {
  const path = recordFilePath(dir, archIndex, seed);
  writeRecordFile(path, {
    format: RECORD_FORMAT,
    archIndex,
    arch: archAt(archIndex),
    seed,
    hp: "12",
    runs: [run(archIndex, seed, "cifar10-valid"), run(archIndex, seed, "cifar10")].map(edit),
    weights: null,
    machine: "test",
  });
  return path;
}

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
