/** Which accuracy the explorer shows for a dataset, and where the store's final table keeps it. */
import { EVAL_SETS, type DatasetKey } from "../../bench/record.js";
import type { FinalRow } from "../../bench/store.js";

export const ACCURACY_SETS = ["train", ...EVAL_SETS] as const;
export type AccuracySet = (typeof ACCURACY_SETS)[number];

/**
 * The "test" accuracy of each dataset as the papers plot it (the original's find_best 'test' remap), except that
 * cifar10-valid has no test split of its own: its held-out set is x-valid.
 */
export const DEFAULT_SET: Readonly<Record<DatasetKey, AccuracySet>> = {
  "cifar10-valid": "x-valid",
  cifar10: "ori-test",
  cifar100: "x-test",
  "ImageNet16-120": "x-test",
};

export const FINAL_ACCURACY_COLUMN: Readonly<Record<AccuracySet, keyof FinalRow>> = {
  train: "train_acc",
  "x-valid": "xvalid_acc",
  "x-test": "xtest_acc",
  "ori-test": "oritest_acc",
};
