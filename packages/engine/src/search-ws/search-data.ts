/**
 * Search data of the weight-sharing methods (spec §7.1, `get_nas_search_loaders`): the images the network weights
 * train on, and a disjoint "valid" set the architecture learns from and candidates are scored on.
 * - cifar10: the cifar-split halves of the CIFAR-10 training set (25k / 25k);
 * - cifar100, ImageNet16-120: the full training set / the x-valid half of the test (val) set;
 * - fashion-mnist (this project's embedded default): the 60k training images halved by a fixed shuffle
 *   (`random.seed(FASHION_MNIST_SPLIT_SEED); random.shuffle(range(60000))`, first half train, rest valid, sorted).
 *
 * Batches come from per-epoch plans drawn from (seed, epoch) alone, so a resumed search sees the same data:
 * - paired search batches: the train set in shuffled order, each image paired with a random valid image
 *   (`random.choice`), both with the training augmentation;
 * - streams over one set (plain or augmented) that reshuffle at every pass, like re-iterating a shuffled DataLoader.
 */
import { searchTrainKey, type WsDataset } from "@aa-nas/core/registry/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { BatchAssembler, type Batch } from "../data/batch.js";
import { batchBounds, planEpoch, type EpochPlan } from "../data/epoch-plan.js";
import type { Normalization } from "../data/normalization.js";
import { limitIndices, loadTrainingData, type DataLocation, type IndexedImages } from "../data/training-data.js";
import { PyRandom } from "@aa-nas/core/space/index.js";

export { WS_DATASETS, parseWsDataset, type WsDataset } from "@aa-nas/core/registry/index.js";

export const FASHION_MNIST_SPLIT_SEED = 201;

export interface SearchData {
  dataset: WsDataset;
  classNum: number;
  /** [channels, height, width] */
  shape: [number, number, number];
  norm: Normalization;
  /** zero padding of the training crop */
  pad: number;
  /** what the weights train on */
  train: IndexedImages;
  /** what α / the controller learn from and candidates are scored on */
  valid: IndexedImages;
}

export interface SearchDataOptions extends DataLocation {
  /** keep only the first n images of each of train and valid (quick runs) */
  subset?: number | null;
}

export function loadSearchData(dataset: WsDataset, o: SearchDataOptions): SearchData {
  const d = loadTrainingData(searchTrainKey(dataset), o);
  let train: IndexedImages;
  let valid: IndexedImages;
  const xvalid = d.evals.find((e) => e.name === "x-valid");
  if (xvalid === undefined) {
    // a key without a held-out set of its training data (the embedded Fashion-MNIST): halve the training set
    const order = new PyRandom(FASHION_MNIST_SPLIT_SEED).shuffle(Array.from(d.train.indices));
    const half = Math.floor(order.length / 2);
    train = { set: d.train.set, indices: Int32Array.from(order.slice(0, half)).sort() };
    valid = { set: d.train.set, indices: Int32Array.from(order.slice(half)).sort() };
  } else {
    train = d.train;
    valid = { set: xvalid.set, indices: xvalid.indices };
  }
  const n = o.subset ?? null;
  if (n !== null && (!Number.isInteger(n) || n < 1)) throw new UserError(`data subset must be a positive integer, got ${n}`);
  return { dataset, classNum: d.classNum, shape: d.shape, norm: d.norm, pad: d.pad, train: limitIndices(train, n), valid: limitIndices(valid, n) };
}

/** Independent random streams per purpose, each reproducible from (seed, epoch). */
export const STREAM = { search: 0, partner: 1, weights: 2, controller: 3, valid: 4, selection: 5, archs: 6 } as const;
export type StreamName = keyof typeof STREAM;

/** A seed for `planEpoch` unique to (stream, seed); seeds must stay below 2^40. */
export function streamSeed(seed: number, stream: StreamName): number {
  if (!Number.isSafeInteger(seed) || seed < 0 || seed >= 2 ** 40) throw new UserError(`seed must be an integer in 0..2^40-1, got ${seed}`);
  return STREAM[stream] * 2 ** 40 + seed;
}

/** A CPython-exact generator for (stream, seed, epoch), e.g. the architectures RSPS / SETN sample. */
export function streamRandom(seed: number, stream: StreamName, epoch: number): PyRandom {
  return new PyRandom((BigInt(streamSeed(seed, stream)) << 32n) + BigInt(epoch));
}

export interface PairedPlan {
  base: EpochPlan;
  arch: EpochPlan;
  bounds: Array<[number, number]>;
}

/** One epoch of the search loader: shuffled train images, each paired with a random valid image. */
export function planSearchEpoch(data: SearchData, seed: number, epoch: number, batchSize: number): PairedPlan {
  const base = planEpoch(data.train.indices, streamSeed(seed, "search"), epoch, data.pad);
  const rng = streamRandom(seed, "partner", epoch);
  const n = base.order.length;
  const pool = data.valid.indices;
  if (pool.length === 0) throw new UserError(`${data.dataset}: the valid set is empty`);
  const arch: EpochPlan = { order: new Int32Array(n), flip: new Uint8Array(n), dy: new Uint8Array(n), dx: new Uint8Array(n) };
  const span = 2 * data.pad + 1;
  for (let i = 0; i < n; i++) {
    arch.order[i] = pool[rng.randbelow(pool.length)]!;
    arch.flip[i] = rng.random() < 0.5 ? 1 : 0;
    arch.dy[i] = data.pad > 0 ? rng.randbelow(span) : 0;
    arch.dx[i] = data.pad > 0 ? rng.randbelow(span) : 0;
  }
  return { base, arch, bounds: batchBounds(n, batchSize) };
}

/** Assembles batches of one image set with the dataset's normalization. */
export class SetAssembler {
  private readonly assembler: BatchAssembler;
  private readonly buffer: Batch;
  constructor(
    readonly data: SearchData,
    readonly images: IndexedImages,
    capacity: number,
  ) {
    this.assembler = new BatchAssembler(images.set, data.norm, data.pad);
    this.buffer = this.assembler.allocate(capacity);
  }
  augmented(plan: EpochPlan, start: number, end: number): Batch {
    return this.assembler.augmented(plan, start, end, this.buffer);
  }
  plain(order: ArrayLike<number>, start: number, end: number): Batch {
    return this.assembler.plain(order, start, end, this.buffer);
  }
}

export interface BatchStreamOptions {
  data: SearchData;
  images: IndexedImages;
  batchSize: number;
  /** training augmentation (flip + crop) or plain test-transform batches */
  augment: boolean;
  seed: number;
  stream: StreamName;
  epoch: number;
}

/**
 * A shuffled loader iterated as `next(iter)` with a restart when exhausted (the originals' controller and candidate
 * scoring loops): pass k of epoch e uses plan (stream seed, e·65536 + k).
 */
export class BatchStream {
  private readonly sets: SetAssembler;
  private plan: EpochPlan | null = null;
  private bounds: Array<[number, number]> = [];
  private at = 0;
  private pass = 0;

  constructor(private readonly o: BatchStreamOptions) {
    this.sets = new SetAssembler(o.data, o.images, o.batchSize);
    if (o.images.indices.length === 0) throw new UserError(`${o.data.dataset}: no images to draw batches from`);
  }

  /** Batches in one full pass. */
  get batchesPerPass(): number {
    return Math.ceil(this.o.images.indices.length / this.o.batchSize);
  }

  next(): Batch {
    if (this.plan === null || this.at >= this.bounds.length) {
      const key = this.o.epoch * 65536 + this.pass++;
      this.plan = planEpoch(this.o.images.indices, streamSeed(this.o.seed, this.o.stream), key, this.o.augment ? this.o.data.pad : 0);
      this.bounds = batchBounds(this.plan.order.length, this.o.batchSize);
      this.at = 0;
    }
    const [s, e] = this.bounds[this.at++]!;
    return this.o.augment ? this.sets.augmented(this.plan, s, e) : this.sets.plain(this.plan.order, s, e);
  }
}
