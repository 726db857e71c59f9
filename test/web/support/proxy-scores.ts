/**
 * Synthetic zero-cost proxy scores for the explorer's tests and screenshots, written with the store's own writer:
 * scores that follow the synthetic accuracy more or less closely (synflow over many orders of magnitude, nwot
 * close to linear, jacov noisy with one NaN as a real proxy gives on some archs), two init seeds on a cifar10 batch.
 */
import { BenchStore } from "../../../packages/core/src/bench/store.js";
import type { ProxyName, ZeroCostBatch, ZeroCostScore } from "../../../packages/core/src/bench/zero-cost.js";
import { PyRandom } from "../../../packages/core/src/space/index.js";
import { archQuality } from "./synthetic-store.js";

export const PROXY_BATCH: ZeroCostBatch = { source: "synthetic (test/web)", size: 8, seed: 0, indices: [0, 1, 2, 3, 4, 5, 6, 7] };
/** in PROXY_NAMES order, as the explorer lists them */
export const TEST_PROXIES: readonly ProxyName[] = ["synflow", "jacov", "nwot"];

export function syntheticProxyScores(archs: readonly number[], dataset = "cifar10", seeds: readonly number[] = [0, 1]): ZeroCostScore[] {
  const out: ZeroCostScore[] = [];
  archs.forEach((archIndex, k) => {
    for (const seed of seeds) {
      const rng = new PyRandom(archIndex * 31 + seed);
      const q = archQuality(archIndex);
      const values: Record<string, number> = {
        synflow: Math.exp(2 + 50 * q + rng.random()),
        nwot: 600 + 200 * q + 20 * rng.random(),
        jacov: k === 1 ? NaN : -60 - 20 * rng.random() + 8 * q,
      };
      for (const proxy of TEST_PROXIES) {
        out.push({ archIndex, dataset, seed, proxy, score: values[proxy]!, version: 1, batch: PROXY_BATCH, seconds: 0.1, device: "cpu", computedAt: "2026-12-07T00:00:00.000Z" });
      }
    }
  });
  return out;
}

export function writeProxyScores(path: string, archs: readonly number[], dataset = "cifar10"): void {
  const store = BenchStore.open(path, { write: true });
  try {
    store.putZeroCost(syntheticProxyScores(archs, dataset));
  } finally {
    store.close();
  }
}
