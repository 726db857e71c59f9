/**
 * A small synthetic benchmark for the search tests: every arch's reward grows with its number of 3×3 convolutions (plus
 * a fixed per-arch offset), two trials per arch differing by ±0.5, and a cost that grows with the convolutions too.
 */
import { NUM_ARCHS, allArchs, opsOf } from "../../packages/core/src/space/index.js";
import { TableBenchmark, type DatasetTable } from "../../packages/core/src/search/index.js";
import type { ProxyEvaluation, SearchBenchmark, SearchDataset, SearchResult } from "../../packages/core/src/search/index.js";
import type { RandomSource } from "../../packages/core/src/space/index.js";

export function syntheticTable(): DatasetTable {
  const rewards: number[][] = [];
  const cost = new Float64Array(NUM_ARCHS);
  const valid = new Float64Array(NUM_ARCHS);
  const test = new Float64Array(NUM_ARCHS);
  allArchs().forEach((arch, i) => {
    const ops = opsOf(arch);
    const conv3 = ops.filter((o) => o === 3).length;
    const conv1 = ops.filter((o) => o === 2).length;
    const offset = ((i * 7919) % 1000) / 1000; // deterministic per-arch jitter in [0, 1)
    const base = 40 + 8 * conv3 + 3 * conv1 + offset;
    rewards.push([base - 0.5, base + 0.5]);
    cost[i] = 100 + 25 * conv3 + 5 * conv1;
    valid[i] = base + 5;
    test[i] = base + 6;
  });
  return { rewards, cost, valid, test };
}

let cached: TableBenchmark | null = null;

export function syntheticBenchmark(): TableBenchmark {
  cached ??= new TableBenchmark({ cifar10: syntheticTable(), cifar100: syntheticTable() });
  return cached;
}

/** Wraps a benchmark and logs every simulate call, including the one the budget refuses. */
export class RecordingBenchmark implements SearchBenchmark {
  readonly calls: { archIndex: number; dataset: SearchDataset; result: ProxyEvaluation }[] = [];
  constructor(private readonly inner: SearchBenchmark) {}
  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource): ProxyEvaluation {
    const result = this.inner.simulate(archIndex, dataset, rng);
    this.calls.push({ archIndex, dataset, result });
    return result;
  }
}

/** A run without its wall-clock fields: the only part of a seeded run that differs between two runs of it. */
export function withoutWall(result: SearchResult): Omit<SearchResult, "wallSeconds" | "history"> & { history: Omit<SearchResult["history"][number], "wallTime">[] } {
  const { wallSeconds: _wall, history, ...rest } = result;
  return { ...rest, history: history.map(({ wallTime: _w, ...h }) => h) };
}
