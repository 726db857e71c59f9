/** Which accuracy the explorer shows for a dataset, and where the store's final table keeps it. */
import { DATASET_KEYS, EVAL_SETS, datasetInfo, type DatasetKey } from "@aa-nas/core/registry/index.js";
import type { FinalRow } from "@aa-nas/core/bench/store.js";

export const ACCURACY_SETS = ["train", ...EVAL_SETS] as const;
export type AccuracySet = (typeof ACCURACY_SETS)[number];

/** The accuracy the explorer shows for each benchmark key by default: the registry's plot set. */
export const DEFAULT_SET: Readonly<Record<DatasetKey, AccuracySet>> = Object.fromEntries(DATASET_KEYS.map((k) => [k, datasetInfo(k).plotSet])) as Record<
  DatasetKey,
  AccuracySet
>;

export const FINAL_ACCURACY_COLUMN: Readonly<Record<AccuracySet, keyof FinalRow>> = {
  train: "train_acc",
  "x-valid": "xvalid_acc",
  "x-test": "xtest_acc",
  "ori-test": "oritest_acc",
};
