/** Synthetic RunRecords for store and API tests (values are arbitrary but deterministic, and valid: accuracies ≤ 100). */
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { archAt } from "../../packages/core/src/space/index.js";

export function syntheticRun(archIndex: number, over: Partial<RunRecord> = {}): RunRecord {
  const epochs = over.epochs ?? 12;
  const e = Array.from({ length: epochs }, (_, i) => i);
  const seed = over.seed ?? 777;
  return {
    archIndex,
    arch: archAt(archIndex),
    hp: "12",
    dataset: "cifar10-valid",
    seed,
    epochs,
    params: 0.5 + archIndex / 1e4,
    flops: 50 + archIndex / 100,
    latency: [0.01, 0.012],
    config: { channel: 16, numCells: 5, classNum: 10 },
    train: {
      loss: e.map((i) => 2 / (i + 1) + seed / 1e6),
      acc1: e.map((i) => Math.min(30 + 5 * i, 84) + archIndex / 1e3),
      acc5: e.map((i) => Math.min(80 + i, 99)),
      time: e.map(() => 7.25),
    },
    evals: {
      "x-valid": { epochs: e, loss: e.map((i) => 1 / (i + 1)), acc: e.map((i) => Math.min(25 + 5 * i, 90) + seed / 1e4), time: e.map(() => 2.5), timeAllEpochs: e.map(() => 2.5) },
      "ori-test": { epochs: [epochs - 1], loss: [0.7], acc: [60 + archIndex / 1e3 + seed / 1e5], time: [1.25], timeAllEpochs: e.map(() => 1.25) },
    },
    provenance: { seedImputed: false, timesEstimated: true, device: "cuda:test", source: "synthetic" },
    ...over,
  };
}
