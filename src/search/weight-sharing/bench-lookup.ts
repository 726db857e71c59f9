/**
 * Looks the found cell up in a benchmark store (spec §7.1: `api.query_by_arch`, 200-epoch results, mean over trials)
 * and arranges the numbers as the paper's Table 5 columns (spec §7.4): CIFAR-10 valid = cifar10-valid x-valid,
 * CIFAR-10 test = cifar10 ori-test, CIFAR-100 / ImageNet16-120 valid = x-valid and test = x-test.
 */
import type { MoreInfo, QueryOptions } from "../../bench/api.js";
import { BenchQueryError } from "../../bench/errors.js";
import { DATASET_KEYS, type DatasetKey } from "../../bench/record.js";

export interface BenchmarkSource {
  getMoreInfo(arch: number | string, dataset: string, opts: QueryOptions): MoreInfo;
}

export interface DatasetAccuracies {
  valid: number | null;
  test: number | null;
}

export interface BenchmarkAccuracies {
  index: number;
  hp: string;
  /** per benchmark dataset key: MoreInfo's valid / test accuracy (null where the store has none) */
  datasets: Record<DatasetKey, DatasetAccuracies>;
  /** Table 5 columns */
  table: {
    cifar10Valid: number | null;
    cifar10Test: number | null;
    cifar100Valid: number | null;
    cifar100Test: number | null;
    imagenetValid: number | null;
    imagenetTest: number | null;
  };
  /** datasets the store could not answer, with the reason */
  missing: string[];
}

export function lookupBenchmark(bench: BenchmarkSource, index: number, hp = "200"): BenchmarkAccuracies {
  const missing: string[] = [];
  const datasets = {} as Record<DatasetKey, DatasetAccuracies>;
  for (const ds of DATASET_KEYS) {
    try {
      const info = bench.getMoreInfo(index, ds, { hp, trial: "mean" });
      datasets[ds] = { valid: info.validAccuracy ?? null, test: info.testAccuracy ?? null };
    } catch (err) {
      if (!(err instanceof BenchQueryError)) throw err;
      datasets[ds] = { valid: null, test: null };
      missing.push(`${ds}: ${err.message}`);
    }
  }
  return {
    index,
    hp,
    datasets,
    table: {
      cifar10Valid: datasets["cifar10-valid"].valid,
      cifar10Test: datasets.cifar10.test,
      cifar100Valid: datasets.cifar100.valid,
      cifar100Test: datasets.cifar100.test,
      imagenetValid: datasets["ImageNet16-120"].valid,
      imagenetTest: datasets["ImageNet16-120"].test,
    },
    missing,
  };
}
