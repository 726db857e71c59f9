/** The harness's benchmark: the store built from the peer tables (built on first use), opened through the query API. */
import type { FinalAccuracyOracle, SearchBenchmark } from "../packages/core/src/search/index.js";
import { openSearchBenchmark } from "../packages/core/src/search/store-benchmark.js";
import { buildTableStore } from "./build-store.js";

export function openStoreBenchmark(
  path: string,
  dataDir: string,
  log: (s: string) => void,
): { benchmark: SearchBenchmark & FinalAccuracyOracle; note: string } {
  const built = buildTableStore(path, dataDir, log);
  log(`${built.built ? "built" : "reused"} store ${path}: ${built.runs} runs (${built.seconds.toFixed(1)} s)`);
  return {
    benchmark: openSearchBenchmark(path),
    note: `a benchmark store built from the peer tables by the lite import (aa-nas import <tables>, ${built.runs} runs), queried through NasBench.simulateTrainEval / getMoreInfo`,
  };
}
