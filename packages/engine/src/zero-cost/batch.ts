/**
 * The one mini-batch the proxies see, and the record of where it came from (stored as provenance with every score).
 */
import { UserError } from "@aa-nas/core/errors.js";
import { PyRandom } from "@aa-nas/core/space/index.js";
import type { ImageSet } from "../data/image-set.js";
import { imageBytes } from "../data/image-set.js";
import { normalizationTable, type Normalization } from "../data/normalization.js";
import type { ProxyBatch } from "./proxies.js";
import type { ZeroCostBatch } from "@aa-nas/core/bench/zero-cost.js";

/**
 * `size` images of `set`: the first `size` of `range(count)` shuffled by Python's `random.Random(seed).shuffle`,
 * normalised with `norm` as the training pipeline does (no augmentation).
 */
export function batchFromImages(set: ImageSet, norm: Normalization, size: number, seed: number, source: string): { batch: ProxyBatch; provenance: ZeroCostBatch } {
  if (!Number.isInteger(size) || size < 2 || size > set.count) throw new UserError(`batch size must be an integer in 2..${set.count} (the images available), got ${size}`);
  const indices = new PyRandom(seed).shuffle(Array.from({ length: set.count }, (_, i) => i)).slice(0, size);
  return { batch: gather(set, norm, indices), provenance: { source, size, seed, indices, normalization: { mean: [...norm.mean], std: [...norm.std] } } };
}

/** The images at `indices`, normalised, as one batch. */
export function gather(set: ImageSet, norm: Normalization, indices: readonly number[]): ProxyBatch {
  const table = normalizationTable(norm);
  const per = imageBytes(set);
  const plane = set.height * set.width;
  const inputs = new Float32Array(indices.length * per);
  indices.forEach((src, k) => {
    for (let i = 0; i < per; i++) inputs[k * per + i] = table[Math.floor(i / plane) * 256 + set.pixels[src * per + i]!]!;
  });
  return {
    inputs,
    labels: Int32Array.from(indices, (i) => set.labels[i]!),
    shape: [indices.length, set.channels, set.height, set.width],
  };
}

/**
 * A batch of standard-normal images (Python's `random.Random(seed).gauss(0, 1)` per value, in NCHW order) with labels
 * `randbelow(classes)` drawn after them: a data-free batch for tests and quick looks. Proxies that read labels or
 * image statistics (snip, grasp, fisher, grad_norm, plain, jacov, epe_nas, nwot) then say little about real data.
 */
export function gaussianBatch(size: number, seed: number, shape: readonly [number, number, number], classes: number): { batch: ProxyBatch; provenance: ZeroCostBatch } {
  if (!Number.isInteger(size) || size < 2) throw new UserError(`batch size must be an integer >= 2, got ${size}`);
  const rng = new PyRandom(seed);
  const inputs = Float32Array.from({ length: size * shape[0] * shape[1] * shape[2] }, () => rng.gauss(0, 1));
  const labels = Int32Array.from({ length: size }, () => rng.randbelow(classes));
  return { batch: { inputs, labels, shape: [size, ...shape] }, provenance: { source: "gaussian", size, seed, indices: [] } };
}
