import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { readRecordFile, type RecordFile } from "../../packages/engine/src/pipeline/record-file.js";

/** Measured values (wall times, latency, machine) legitimately differ between runs; everything else must not. */
export function withoutMeasurements(file: RecordFile): unknown {
  return {
    ...file,
    machine: null,
    runs: file.runs.map((r: RunRecord) => ({
      ...r,
      latency: null,
      train: { ...r.train, time: null },
      evals: Object.fromEntries(Object.entries(r.evals).map(([k, c]) => [k, { ...c, time: null }])),
    })),
  };
}

/** Record files of a results folder by name, measurements removed. */
export function recordsIn(dir: string): Map<string, unknown> {
  return new Map(
    readdirSync(dir)
      .filter((n) => /^arch-\d+-seed-\d+\.json$/.test(n))
      .sort()
      .map((n) => [n, withoutMeasurements(readRecordFile(join(dir, n)))]),
  );
}
