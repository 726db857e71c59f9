/**
 * What one dataset key trains on and evaluates (spec §3.6): the train images (a subset for cifar10-valid), the eval
 * sets in the order the original's `ValLoaders` lists them, normalization, crop padding, and which eval pass supplies
 * the latency (spec §5.3). `fashion-mnist` is this project's embedded extra, not a benchmark key.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { CLASS_NUM, type DatasetKey, type EvalSet } from "../bench/record.js";
import { UserError, listChoices } from "../errors.js";
import { loadFashionMnist } from "./fashion-mnist.js";
import { sharedImageSet, type ImageSet } from "./image-set.js";
import { CIFAR100_NORM, CIFAR10_NORM, FASHION_MNIST_NORM, IMAGENET16_NORM, type Normalization } from "./normalization.js";
import { loadCifar10, loadCifar100, loadImageNet16, type DataChecks, type TrainTest } from "./sources.js";
import { loadSplit, type SplitIndices } from "./splits.js";

export const TRAIN_DATASET_KEYS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120", "fashion-mnist"] as const;
export type TrainDatasetKey = (typeof TRAIN_DATASET_KEYS)[number];

export function isTrainDatasetKey(s: string): s is TrainDatasetKey {
  return (TRAIN_DATASET_KEYS as readonly string[]).includes(s);
}

export function parseTrainDatasetKey(s: string): TrainDatasetKey {
  if (!isTrainDatasetKey(s)) throw new UserError(`unknown dataset '${s}'; valid datasets: ${listChoices(TRAIN_DATASET_KEYS)}`);
  return s;
}

export function isBenchmarkKey(key: TrainDatasetKey): key is DatasetKey {
  return key !== "fashion-mnist";
}

export function classCount(key: TrainDatasetKey): number {
  return key === "fashion-mnist" ? 10 : CLASS_NUM[key];
}

/** `[channels, height, width]` of the network input */
export function inputShape(key: TrainDatasetKey): [number, number, number] {
  if (key === "ImageNet16-120") return [3, 16, 16];
  if (key === "fashion-mnist") return [1, 32, 32];
  return [3, 32, 32];
}

export interface IndexedImages {
  set: ImageSet;
  /** images used, ascending */
  indices: Int32Array;
}

export interface EvalData extends IndexedImages {
  name: EvalSet;
}

export interface TrainingData {
  key: TrainDatasetKey;
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

/** `--data-dir` default: $AA_NAS_DATA, else $TORCH_HOME/cifar.python (the original's place), else ~/.cache/aa-nas/data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AA_NAS_DATA) return env.AA_NAS_DATA;
  if (env.TORCH_HOME) return join(env.TORCH_HOME, "cifar.python");
  return join(homedir(), ".cache", "aa-nas", "data");
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

/** CIFAR-100 / ImageNet16-120 evaluation sets: the whole test set and its x-valid / x-test halves (spec §3). */
function testAndHalves(test: ImageSet, split: SplitIndices): EvalData[] {
  // a test subset (tests, --eval-subset files) may hold fewer images than the split names
  const within = (idx: Int32Array) => idx.filter((i) => i < test.count);
  return [
    { name: "ori-test", set: test, indices: all(test.count) },
    { name: "x-valid", set: test, indices: within(split.xvalid!) },
    { name: "x-test", set: test, indices: within(split.xtest!) },
  ];
}

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

export function loadTrainingData(key: TrainDatasetKey, where: DataLocation): TrainingData {
  const { dataDir } = where;
  const splitDir = where.splitDir ?? dataDir;
  const checks = where.checks ?? "official";
  const base = { key, classNum: classCount(key), shape: inputShape(key) };
  switch (key) {
    case "cifar10-valid": {
      const raw = cached(`cifar10:${dataDir}:${checks}`, () => loadCifar10(dataDir, checks));
      const split = loadSplit("cifar10", splitDir);
      if (raw.train.count !== 50000 && checks === "official") throw new UserError(`cifar10-valid needs the 50,000 CIFAR-10 training images, found ${raw.train.count}`);
      const within = (idx: Int32Array) => idx.filter((i) => i < raw.train.count);
      return {
        ...base,
        norm: CIFAR10_NORM,
        pad: 4,
        train: { set: raw.train, indices: within(split.train!) },
        evals: [
          { name: "ori-test", set: raw.test, indices: all(raw.test.count) },
          { name: "x-valid", set: raw.train, indices: within(split.valid!) },
        ],
        latencySet: "ori-test",
      };
    }
    case "cifar10": {
      const raw = cached(`cifar10:${dataDir}:${checks}`, () => loadCifar10(dataDir, checks));
      return {
        ...base,
        norm: CIFAR10_NORM,
        pad: 4,
        train: { set: raw.train, indices: all(raw.train.count) },
        evals: [{ name: "ori-test", set: raw.test, indices: all(raw.test.count) }],
        latencySet: "ori-test",
      };
    }
    case "cifar100": {
      const raw = cached(`cifar100:${dataDir}:${checks}`, () => loadCifar100(dataDir, checks));
      return {
        ...base,
        norm: CIFAR100_NORM,
        pad: 4,
        train: { set: raw.train, indices: all(raw.train.count) },
        evals: testAndHalves(raw.test, loadSplit("cifar100Test", splitDir)),
        latencySet: "x-test",
      };
    }
    case "ImageNet16-120": {
      const raw = cached(`imagenet16-120:${dataDir}:${checks}`, () => loadImageNet16(dataDir, 120, checks));
      return {
        ...base,
        norm: IMAGENET16_NORM,
        pad: 2,
        train: { set: raw.train, indices: all(raw.train.count) },
        evals: testAndHalves(raw.test, loadSplit("imagenet16Test", splitDir)),
        latencySet: "x-test",
      };
    }
    case "fashion-mnist": {
      const raw = cached(`fashion-mnist:${dataDir}`, () => ({ ...loadFashionMnist(dataDir), source: "fashion-mnist" }));
      return {
        ...base,
        norm: FASHION_MNIST_NORM,
        pad: 4,
        train: { set: raw.train, indices: all(raw.train.count) },
        evals: [{ name: "ori-test", set: raw.test, indices: all(raw.test.count) }],
        latencySet: "ori-test",
      };
    }
  }
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
