/**
 * What one dataset key trains on and evaluates (spec §3.6): the train images (a subset for cifar10-valid), the eval
 * sets in the order the original's `ValLoaders` lists them, normalization, crop padding, and which eval pass supplies
 * the latency (spec §5.3). `fashion-mnist` is this project's embedded extra, not a benchmark key.
 */
import { datasetInfo, hasTestHalves, type DatasetFamily, type EvalSet, type RecordDatasetKey } from "@aa-nas/core/registry/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { loadFashionMnist } from "./fashion-mnist.js";
import { sharedImageSet, type ImageSet } from "./image-set.js";
import type { Normalization } from "./normalization.js";
import { loadCifar10, loadCifar100, loadImageNet16, type DataChecks, type TrainTest } from "./sources.js";
import { loadSplit, type SplitIndices, type SplitName } from "./splits.js";

/** Re-exported: the default folder lives in data-dir.ts so option parsing can load it alone. */
export { defaultDataDir } from "./data-dir.js";

/** A dataset key whose training or eval set is empty: refused before any training. */
export class EmptyDataError extends UserError {}

export interface IndexedImages {
  set: ImageSet;
  /** images used, ascending */
  indices: Int32Array;
}

export interface EvalData extends IndexedImages {
  name: EvalSet;
}

export interface TrainingData {
  key: RecordDatasetKey;
  classNum: number;
  shape: [number, number, number];
  norm: Normalization;
  /** zero padding of the training crop */
  pad: number;
  train: IndexedImages;
  /** in the original's ValLoaders order */
  evals: EvalData[];
  /** the eval set whose final pass gives the latency (spec §5.3) */
  latencySet: EvalSet;
}

export interface DataLocation {
  /** holds cifar-10-batches-py/, cifar-100-python/, ImageNet16/ … (the original's $TORCH_HOME/cifar.python) */
  dataDir: string;
  /** folder with the three downloaded split files; defaults to dataDir */
  splitDir?: string;
  checks?: DataChecks;
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/**
 * The last decoded raw dataset, reused by the next key when it reads the same files (cifar10-valid then cifar10 in the
 * original's order); only one is kept so memory stays at one dataset.
 */
const rawCache = new Map<string, TrainTest>();

function cached(id: string, load: () => TrainTest): TrainTest {
  let hit = rawCache.get(id);
  if (hit === undefined) {
    rawCache.clear();
    hit = load();
    rawCache.set(id, hit);
  }
  return hit;
}

function loadFamily(family: DatasetFamily, dataDir: string, checks: DataChecks): TrainTest {
  switch (family) {
    case "CIFAR-10":
      return loadCifar10(dataDir, checks);
    case "CIFAR-100":
      return loadCifar100(dataDir, checks);
    case "ImageNet16":
      return loadImageNet16(dataDir, 120, checks);
    case "Fashion-MNIST":
      return { ...loadFashionMnist(dataDir), source: "fashion-mnist" };
  }
}

/**
 * Each family's split file (spec §4.3): CIFAR-10's halves its training set (train / x-valid), CIFAR-100's and
 * ImageNet16's halve their test set (x-valid / x-test).
 */
const SPLIT_OF: Partial<Record<DatasetFamily, SplitName>> = { "CIFAR-10": "cifar10", "CIFAR-100": "cifar100Test", ImageNet16: "imagenet16Test" };

function splitOf(key: RecordDatasetKey, where: string): SplitIndices {
  const name = SPLIT_OF[datasetInfo(key).family];
  if (name === undefined) throw new Error(`dataset registry: ${key} needs a split of its ${datasetInfo(key).family} images, and none is defined`);
  return loadSplit(name, where);
}

export function loadTrainingData(key: RecordDatasetKey, where: DataLocation): TrainingData {
  const { dataDir } = where;
  const splitDir = where.splitDir ?? dataDir;
  const checks = where.checks ?? "official";
  const info = datasetInfo(key);
  const raw = cached(`${info.family}:${dataDir}:${checks}`, () => loadFamily(info.family, dataDir, checks));
  // a subset of the official files (tests, --train-subset data) may hold fewer images than a split names
  const within = (idx: Int32Array, set: ImageSet) => idx.filter((i) => i < set.count);
  const sets = new Map<EvalSet, IndexedImages>([["ori-test", { set: raw.test, indices: all(raw.test.count) }]]);
  let train: IndexedImages = { set: raw.train, indices: all(raw.train.count) };
  if (info.trainSet === "train half") {
    // the original's cifar-split: half of the training set trains, the other half is x-valid
    const split = splitOf(key, splitDir);
    if (raw.train.count !== info.images.train * 2 && checks === "official") {
      throw new UserError(`${key} needs the ${(info.images.train * 2).toLocaleString("en-US")} training images of its dataset, found ${raw.train.count}`);
    }
    train = { set: raw.train, indices: within(split.train!, raw.train) };
    sets.set("x-valid", { set: raw.train, indices: within(split.valid!, raw.train) });
  }
  if (hasTestHalves(key)) {
    const split = splitOf(key, splitDir);
    sets.set("x-valid", { set: raw.test, indices: within(split.xvalid!, raw.test) });
    sets.set("x-test", { set: raw.test, indices: within(split.xtest!, raw.test) });
  }
  const evals = info.evalSets.map((name): EvalData => {
    const s = sets.get(name);
    if (s === undefined) throw new Error(`dataset registry: ${key} lists eval set ${name}, which its data does not provide`);
    return { name, ...s };
  });
  // an empty set would train nothing (or evaluate nothing) and still write a record of loss 0, accuracy 0
  if (train.indices.length === 0) throw new EmptyDataError(`${key}: the training set in ${raw.source} holds no images; check the data folder ${dataDir}`);
  for (const e of evals) {
    if (e.indices.length === 0) throw new EmptyDataError(`${key}: the ${e.name} eval set in ${raw.source} holds no images; check the data folder ${dataDir}`);
  }
  return {
    key,
    classNum: info.classes,
    shape: [...info.shape],
    norm: info.norm,
    pad: info.pad,
    train,
    evals,
    latencySet: info.latencySet,
  };
}

/** Keeps the first `n` indices of a set (quick runs: `--train-subset`, `--eval-subset`). */
export function limitIndices<T extends IndexedImages>(data: T, n: number | null): T {
  if (n === null || n >= data.indices.length) return data;
  return { ...data, indices: data.indices.subarray(0, n) };
}

/** The same data with every image set in shared memory (`sharedImageSet`), for the replicas of a training run. */
export function sharedTrainingData(data: TrainingData): TrainingData {
  return {
    ...data,
    train: { ...data.train, set: sharedImageSet(data.train.set) },
    evals: data.evals.map((e) => ({ ...e, set: sharedImageSet(e.set) })),
  };
}
