/**
 * The store the browser-core tests export: the real NATS-Bench sample (archs 0, 11, 284: sparse 200-epoch eval sets,
 * per-seed quirks) plus 620 synthetic archs, more than a ranking top holds (TOP_SIZE 512), so that findBest with
 * tight cost limits must fall back to the full summary, and one arch whose per-seed FLOPs disagree without a seed-888
 * trial (the original raises when ranking it). The size-space tests export the real sss sample.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { importBenchmark } from "../../../packages/core/src/bench/import/importers.js";
import { type BrowserExportSummary, writeBrowserExport } from "../../../packages/core/src/bench/export-browser.js";
import { BenchStore } from "../../../packages/core/src/bench/store.js";
import type { FetchBytes } from "../../../packages/core/src/bench/browser/source.js";
import type { RunRecord } from "../../../packages/core/src/registry/index.js";
import type { SpaceName } from "../../../packages/core/src/space/index.js";
import { NATS_SAMPLE, referencePath } from "../../support/reference.js";
import { syntheticRun } from "../../bench/fixtures.js";
import { SSS_SAMPLE } from "../../support/golden-sss.js";

export const FIXTURE_ARCHS = [0, 11, 284];
export const SYNTHETIC_ARCHS = Array.from({ length: 620 }, (_, k) => 1000 + k);
/** hp '12', ImageNet16-120 only: seeds 777 and 999 with different FLOPs */
export const UNRANKABLE_ARCH = 2000;
/** an arch with no runs */
export const UNEVALUATED_ARCH = 5000;

function syntheticRuns(): RunRecord[] {
  const runs: RunRecord[] = [];
  for (const a of SYNTHETIC_ARCHS) {
    for (const seed of [777, 888]) runs.push(syntheticRun(a, { seed }));
    runs.push(syntheticRun(a, { dataset: "cifar100", seed: 777, config: { channel: 16, numCells: 5, classNum: 100 } }));
    runs.push(syntheticRun(a, { dataset: "ImageNet16-120", seed: 777, config: { channel: 16, numCells: 5, classNum: 120 } }));
    if (a % 5 === 0) runs.push(syntheticRun(a, { hp: "200", epochs: 200, dataset: "cifar10", seed: 777 }));
  }
  for (const [seed, flops] of [
    [777, 50],
    [999, 60],
  ] as const) {
    runs.push(syntheticRun(UNRANKABLE_ARCH, { dataset: "ImageNet16-120", seed, flops, config: { channel: 16, numCells: 5, classNum: 120 } }));
  }
  return runs;
}

/** Creates the store at `path` and returns its evaluated arch indexes. */
export function makeBrowserCoreStore(path: string): number[] {
  const store = BenchStore.create(path);
  try {
    importBenchmark(referencePath(NATS_SAMPLE), store);
    store.putRuns(syntheticRuns());
    store.refreshRankings();
    return store.evaluatedIndexes();
  } finally {
    store.close();
  }
}

/**
 * Creates a store of `space` at `path` from the real NATS-Bench sample of that space (archs 0, 11, 284; tss: hps 12
 * and 200, sss: 01, 12, 90) and writes its browser export to `exportDir`.
 */
export function makeSampleExport(space: SpaceName, path: string, exportDir: string): BrowserExportSummary {
  const store = BenchStore.create(path, { space });
  try {
    importBenchmark(referencePath(space === "sss" ? SSS_SAMPLE : NATS_SAMPLE), store);
    return writeBrowserExport(store, exportDir);
  } finally {
    store.close();
  }
}

/** Writes the browser export of the store at `path` to `exportDir`. */
export function exportStore(path: string, exportDir: string): BrowserExportSummary {
  const store = BenchStore.open(path);
  try {
    return writeBrowserExport(store, exportDir);
  } finally {
    store.close();
  }
}

/** Reads an export's files from disk, as fetch() would from a server. */
export function fileFetcher(dir: string): FetchBytes {
  return async (path) => new Uint8Array(await readFile(join(dir, path)));
}
