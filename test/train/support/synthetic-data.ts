// Small CIFAR-shaped training data for trainer tests.
import type { ImageSet } from "../../../packages/engine/src/data/image-set.js";
import type { EvalData, TrainingData } from "../../../packages/engine/src/data/training-data.js";
import { datasetInfo } from "../../../packages/core/src/registry/index.js";

/** Class-dependent synthetic images so a few steps learn something. */
export function syntheticSet(count: number, classes: number, seed: number): ImageSet {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s >>> 24);
  const labels = Int32Array.from({ length: count }, (_, i) => i % classes);
  const pixels = new Uint8Array(count * 3072);
  for (let i = 0; i < count; i++) for (let p = 0; p < 3072; p++) pixels[i * 3072 + p] = (next() >> 1) + ((p >> 10) === labels[i]! % 3 ? 100 : 0);
  return { pixels, labels, count, channels: 3, height: 32, width: 32 };
}

export const indexRange = (a: number, b: number): Int32Array => Int32Array.from({ length: b - a }, (_, i) => a + i);

/** cifar10-style data: the first `nTrain` images train; the rest are "ori-test", plus any `extraEvals`. */
export function syntheticTrainingData(set: ImageSet, nTrain: number, extraEvals: EvalData[] = []): TrainingData {
  return {
    key: "cifar10",
    classNum: 10,
    shape: [3, 32, 32],
    norm: datasetInfo("cifar10").norm,
    pad: 4,
    train: { set, indices: indexRange(0, nTrain) },
    evals: [{ name: "ori-test", set, indices: indexRange(nTrain, set.count) }, ...extraEvals],
    latencySet: "ori-test",
  };
}
