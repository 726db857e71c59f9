import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { archAt } from "../../packages/core/src/space/index.js";
import { RECORD_FORMAT, readRecordFile, recordFilePath, writeRecordFile, type RecordFile } from "../../packages/engine/src/pipeline/record-file.js";
import { findRecordFiles } from "../../packages/engine/src/pipeline/merge.js";

function sampleRecord(archIndex = 11472, seed = 777): RecordFile {
  const run: RunRecord = {
    archIndex,
    arch: archAt(archIndex),
    hp: "12",
    dataset: "cifar10",
    seed,
    epochs: 2,
    params: 0.559386,
    flops: 78.56193,
    latency: [0.01],
    config: { channel: 16, numCells: 5, classNum: 10 },
    train: { loss: [2.1, 1.7], acc1: [20.5, 35.25], acc5: [60, 80], time: [1.5, 1.4] },
    evals: { "ori-test": { epochs: [0, 1], loss: [2, 1.6], acc: [25, 40], time: [0.3, 0.3] } },
    provenance: { seedImputed: false, timesEstimated: false, device: "cpu", source: "test" },
  };
  return { format: RECORD_FORMAT, archIndex, arch: archAt(archIndex), seed, hp: "12", runs: [run], weights: null, machine: "test" };
}

describe("record files", () => {
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-records-"));

  it("round-trip exactly through an atomic, checksummed write", () => {
    const path = recordFilePath(dir, 11472, 777);
    expect(path.endsWith("arch-011472-seed-0777.json")).toBe(true);
    writeRecordFile(path, sampleRecord());
    expect(readRecordFile(path)).toEqual(sampleRecord());
    expect(findRecordFiles([dir])).toEqual([path]);
  });

  it("a truncated file is one clear error naming the file", () => {
    const path = recordFilePath(dir, 1, 888);
    writeRecordFile(path, sampleRecord(1, 888));
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.slice(0, text.length - 40));
    expect(() => readRecordFile(path)).toThrow(`record file ${path} is truncated`);
  });

  it("a changed value is detected by the checksum", () => {
    const path = recordFilePath(dir, 2, 999);
    writeRecordFile(path, sampleRecord(2, 999));
    writeFileSync(path, readFileSync(path, "utf8").replace("35.25", "36.25"));
    expect(() => readRecordFile(path)).toThrow(/corrupted: its sha256 does not match/);
  });

  it("a record renamed to another arch's file name is rejected", () => {
    const path = recordFilePath(dir, 3, 777);
    writeRecordFile(path, sampleRecord(4, 777));
    expect(() => readRecordFile(path)).toThrow(/its name should be arch-000004-seed-0777\.json/);
  });
});
