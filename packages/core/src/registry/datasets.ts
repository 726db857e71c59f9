/**
 * The dataset registry: every fact about a dataset key lives in its one row here, and every list, mapping and
 * per-dataset rule elsewhere is a lookup in it (spec §3, §5.3, §7.4). The four benchmark keys are NAS-Bench-201's, in
 * the order the original trains them; `fashion-mnist` is this project's embedded extra (Debian's
 * dataset-fashion-mnist), trained and stored like the others but outside the NATS query semantics.
 *
 * Pure data and pure functions: importable from the browser, the query core and the trainer alike.
 */
import { UserError, listChoices } from "../errors.js";

/** Evaluation sets (spec §6); `train` is not an eval set, it has its own curve. */
export const EVAL_SETS = ["x-valid", "x-test", "ori-test"] as const;
export type EvalSet = (typeof EVAL_SETS)[number];

/** Every key a run can be trained on and stored under. */
export const RECORD_DATASET_KEYS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120", "fashion-mnist"] as const;
export type RecordDatasetKey = (typeof RECORD_DATASET_KEYS)[number];

/** NAS-Bench-201's four keys, in the order the original trains them (spec §3.6). */
export const DATASET_KEYS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"] as const satisfies readonly RecordDatasetKey[];
export type DatasetKey = (typeof DATASET_KEYS)[number];

/**
 * The names searches use (NATS `simulate_train_eval`, the paper's scripts): "cifar10" searches on the cifar10-valid
 * run's x-valid and reports the cifar10 run's test accuracy.
 */
export const SEARCH_DATASETS = ["cifar10", "cifar100", "ImageNet16-120"] as const;
export type SearchDataset = (typeof SEARCH_DATASETS)[number];

/** The embedded default: Debian's dataset-fashion-mnist, installed with the project, so the demo needs no download. */
export const EMBEDDED_DATASET = "fashion-mnist" satisfies RecordDatasetKey;

/** The names weight-sharing searches accept: the search names plus the embedded default, which leads. */
export const WS_DATASETS = [EMBEDDED_DATASET, ...SEARCH_DATASETS] as const;
export type WsDataset = (typeof WS_DATASETS)[number];

/** The image collections the keys are drawn from; keys of one family share the network input and test images. */
export type DatasetFamily = "CIFAR-10" | "CIFAR-100" | "ImageNet16" | "Fashion-MNIST";

export interface DatasetInfo {
  readonly key: RecordDatasetKey;
  /** one of NAS-Bench-201's four keys */
  readonly benchmark: boolean;
  readonly family: DatasetFamily;
  /** how reports name it */
  readonly title: string;
  readonly classes: number;
  /** `[channels, height, width]` of the network input */
  readonly shape: readonly [number, number, number];
  /** mean and std per channel in 0..255 units, as the original writes them (`[x / 255 for x in …]`) */
  readonly norm: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** zero padding of the random training crop */
  readonly pad: number;
  /** what the training pass runs over */
  readonly trainSet: "train" | "train half" | "train+valid";
  /** evaluation sets in the order the original's `ValLoaders` lists them */
  readonly evalSets: readonly EvalSet[];
  /** the eval set whose final pass gives the latency (spec §5.3) */
  readonly latencySet: EvalSet;
  /**
   * The set get_more_info reports as "test" and find_best's 'test' remap names: x-test where the test set is halved,
   * else the whole original test set (ori-test).
   */
  readonly testSet: EvalSet;
  /**
   * The held-out accuracy the explorer plots by default: the test set, except on cifar10-valid, whose x-valid is the
   * number its searches report (its ori-test is the cifar10 test set, after training on half the data).
   */
  readonly plotSet: EvalSet;
  /** NATS-Bench's simulated-time budget (s) for a benchmark-driven search on this search name (spec §7.3) */
  readonly natsBudget?: number;
  /** images per training epoch and per eval set in the official data (pseudo times, spec §5.5) */
  readonly images: { readonly train: number } & Readonly<Partial<Record<EvalSet, number>>>;
}

const CIFAR10_NORM = { mean: [125.3, 123.0, 113.9], std: [63.0, 62.1, 66.7] };

const REGISTRY: Readonly<Record<RecordDatasetKey, DatasetInfo>> = {
  "cifar10-valid": {
    key: "cifar10-valid",
    benchmark: true,
    family: "CIFAR-10",
    title: "CIFAR-10 (train half)",
    classes: 10,
    shape: [3, 32, 32],
    norm: CIFAR10_NORM,
    pad: 4,
    trainSet: "train half",
    evalSets: ["ori-test", "x-valid"],
    latencySet: "ori-test",
    testSet: "ori-test",
    plotSet: "x-valid",
    images: { train: 25000, "x-valid": 25000, "ori-test": 10000 },
  },
  cifar10: {
    key: "cifar10",
    benchmark: true,
    family: "CIFAR-10",
    title: "CIFAR-10",
    classes: 10,
    shape: [3, 32, 32],
    norm: CIFAR10_NORM,
    pad: 4,
    trainSet: "train+valid",
    evalSets: ["ori-test"],
    latencySet: "ori-test",
    testSet: "ori-test",
    plotSet: "ori-test",
    natsBudget: 20000,
    images: { train: 50000, "ori-test": 10000 },
  },
  cifar100: {
    key: "cifar100",
    benchmark: true,
    family: "CIFAR-100",
    title: "CIFAR-100",
    classes: 100,
    shape: [3, 32, 32],
    norm: { mean: [129.3, 124.1, 112.4], std: [68.2, 65.4, 70.4] },
    pad: 4,
    trainSet: "train",
    evalSets: ["ori-test", "x-valid", "x-test"],
    latencySet: "x-test",
    testSet: "x-test",
    plotSet: "x-test",
    natsBudget: 40000,
    images: { train: 50000, "x-valid": 5000, "x-test": 5000, "ori-test": 10000 },
  },
  "ImageNet16-120": {
    key: "ImageNet16-120",
    benchmark: true,
    family: "ImageNet16",
    title: "ImageNet16-120",
    classes: 120,
    shape: [3, 16, 16],
    norm: { mean: [122.68, 116.66, 104.01], std: [63.22, 61.26, 65.09] },
    pad: 2,
    trainSet: "train",
    evalSets: ["ori-test", "x-valid", "x-test"],
    latencySet: "x-test",
    testSet: "x-test",
    plotSet: "x-test",
    natsBudget: 120000,
    images: { train: 151700, "x-valid": 3000, "x-test": 3000, "ori-test": 6000 },
  },
  "fashion-mnist": {
    key: "fashion-mnist",
    benchmark: false,
    family: "Fashion-MNIST",
    title: "Fashion-MNIST",
    classes: 10,
    // 28×28 images padded to 32×32 so the network is CIFAR's
    shape: [1, 32, 32],
    // measured on the 60,000 training images (28×28, before padding)
    norm: { mean: [72.94], std: [90.02] },
    pad: 4,
    trainSet: "train",
    evalSets: ["ori-test"],
    latencySet: "ori-test",
    testSet: "ori-test",
    plotSet: "ori-test",
    images: { train: 60000, "ori-test": 10000 },
  },
};

/**
 * The run whose measured times define every pseudo time of an arch (spec §5.5): 12 epochs on cifar10-valid, seed 777.
 */
export const TIME_REFERENCE_RUN: { readonly dataset: RecordDatasetKey; readonly hp: string; readonly seed: number } = { dataset: "cifar10-valid", hp: "12", seed: 777 };

/**
 * The key a search name trains and is queried on for its validation numbers: "cifar10" → "cifar10-valid" (the original
 * searches on the train half of CIFAR-10), every other name is its own key.
 */
const SEARCH_TRAIN_KEY: Readonly<Record<WsDataset, RecordDatasetKey>> = {
  "fashion-mnist": "fashion-mnist",
  cifar10: "cifar10-valid",
  cifar100: "cifar100",
  "ImageNet16-120": "ImageNet16-120",
};

export function datasetInfo(key: RecordDatasetKey): DatasetInfo {
  return REGISTRY[key];
}

/** Whether the key's test set is split into x-valid / x-test halves (cifar100, ImageNet16-120). */
export function hasTestHalves(key: RecordDatasetKey): boolean {
  return REGISTRY[key].evalSets.includes("x-test");
}

export function isRecordDatasetKey(s: string): s is RecordDatasetKey {
  return (RECORD_DATASET_KEYS as readonly string[]).includes(s);
}

export function isBenchmarkKey(s: string): s is DatasetKey {
  return (DATASET_KEYS as readonly string[]).includes(s);
}

export function isSearchDataset(s: string): s is SearchDataset {
  return (SEARCH_DATASETS as readonly string[]).includes(s);
}

/** One user error naming the bad value and the valid ones. */
function unknown(what: string, s: string, valid: readonly string[]): UserError {
  return new UserError(`unknown ${what} '${s}'; valid datasets: ${listChoices(valid)}`);
}

export function parseRecordDatasetKey(s: string): RecordDatasetKey {
  if (!isRecordDatasetKey(s)) throw unknown("dataset", s, RECORD_DATASET_KEYS);
  return s;
}

export function parseSearchDataset(s: string): SearchDataset {
  if (!isSearchDataset(s)) throw unknown("search dataset", s, SEARCH_DATASETS);
  return s;
}

export function parseWsDataset(s: string): WsDataset {
  if (!(WS_DATASETS as readonly string[]).includes(s)) throw unknown("search dataset", s, WS_DATASETS);
  return s as WsDataset;
}

/** The key a search name trains on and reads its validation numbers from (see SEARCH_TRAIN_KEY). */
export function searchTrainKey(dataset: WsDataset): RecordDatasetKey {
  return SEARCH_TRAIN_KEY[dataset];
}

/**
 * find_best's `remap_dataset_set_names`: a search name with 'valid' / 'test' becomes the key and eval set that hold it
 * ("cifar10" valid → cifar10-valid x-valid, test → cifar10 ori-test; the halved sets → x-valid / x-test). Anything
 * else passes through unchanged, as in the original.
 */
export function remapSearchSet(dataset: string, set: string): [string, string] {
  if (!isSearchDataset(dataset) || (set !== "valid" && set !== "test")) return [dataset, set];
  if (set === "valid") return [searchTrainKey(dataset), "x-valid"];
  return [dataset, REGISTRY[dataset].testSet];
}
