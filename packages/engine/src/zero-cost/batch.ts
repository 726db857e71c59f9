/**
 * The one mini-batch the proxies see, and the record of where it came from (stored as provenance with every score).
 */
import { UserError } from "@aa-nas/core/errors.js";
import { PyRandom } from "@aa-nas/core/space/index.js";
import type { ImageSet } from "../data/image-set.js";
import { imageBytes } from "../data/image-set.js";
import { normalizationTable, type Normalization } from "../data/normalization.js";
import type { ProxyBatch } from "./proxies.js";

/** Where a batch came from, enough to rebuild it. */
export interface BatchProvenance {
  /** e.g. "cifar10 train (cifar-10-batches-py)", "gaussian" */
  readonly source: string;
  readonly size: number;
  /** seed of the image choice (or of the Gaussian draw) */
  readonly seed: number;
  /** train-set indices of the images, in batch order (empty for a Gaussian batch) */
  readonly indices: readonly number[];
}

/**
 * `size` images of `set`: the first `size` of `range(count)` shuffled by Python's `random.Random(seed).shuffle`,
 * normalised with `norm` as the training pipeline does (no augmentation).
 */
export function batchFromImages(set: ImageSet, norm: Normalization, size: number, seed: number, source: string): { batch: ProxyBatch; provenance: BatchProvenance } {
  if (!Number.isInteger(size) || size < 2 || size > set.count) throw new UserError(`batch size must be an integer in 2..${set.count} (the images available), got ${size}`);
  const indices = new PyRandom(seed).shuffle(Array.from({ length: set.count }, (_, i) => i)).slice(0, size);
  return { batch: gather(set, norm, indices), provenance: { source, size, seed, indices } };
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
