/**
 * Shared by the zero-cost sweep tests of both queues: the proxy settings they plan with, the scores a store holds, and
 * a direct `aa-nas zero-cost compute` of the same archs to compare a sweep's collected scores against.
 */
import { join } from "node:path";
import { expect } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import type { ZeroCostScore } from "../../packages/core/src/bench/zero-cost.js";
import { runCli } from "../support/cli.js";

/** One thread per scoring process: the machine's cores are shared with other test files. */
export const ZC_ENV = { AA_NAS_THREADS: "1" };
/** Cheap but real: three proxies (one gradient-based) on a 4-image Gaussian batch, so no dataset is needed. */
export const PROXY_ARGS = ["--dataset", "cifar10", "--proxies", "snip,l2_norm,params", "--batch-source", "gaussian", "--batch-size", "4", "--seed", "3"];
/** The same settings as `planZeroCostJobs` takes them (PROXY_ARGS with the default batch seed). */
export const PROXY_SETTINGS = { dataset: "cifar10", seed: 3, proxies: ["snip", "l2_norm", "params"], batchSource: "gaussian", batchSize: 4, batchSeed: 0 } as const;

/** A score row without what differs between runs of the same computation (wall time, timestamp). */
export const comparable = (rows: ZeroCostScore[]): unknown[] => rows.map(({ seconds: _s, computedAt: _c, ...rest }) => rest);

export function readScores(db: string): ZeroCostScore[] {
  const store = BenchStore.open(db);
  try {
    return store.zeroCostScores();
  } finally {
    store.close();
  }
}

/** `aa-nas zero-cost compute` of the archs `range` (A-B) into a new store in `root`; returns its scores. */
export function directScores(root: string, range: string): ZeroCostScore[] {
  const direct = join(root, "direct.db");
  const computed = runCli(["zero-cost", "compute", "--bench", direct, "--range", range, ...PROXY_ARGS, "--quiet"], { env: ZC_ENV });
  expect(computed.status, computed.stderr).toBe(0);
  return readScores(direct);
}
