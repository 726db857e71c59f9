/**
 * Looks the found cell up in a benchmark store (spec §7.1: `api.query_by_arch`, 200-epoch results, mean over trials)
 * and arranges the numbers as the paper's Table 5 columns (spec §7.4): per search dataset, valid = the valid accuracy
 * of the key it searches on (CIFAR-10: cifar10-valid x-valid) and test = its own key's test accuracy (CIFAR-10: cifar10
 * ori-test; CIFAR-100 / ImageNet16-120: x-valid and x-test).
 */
import type { MoreInfo, QueryOptions } from "@aa-nas/core/bench/api.js";
import { BenchQueryError } from "@aa-nas/core/bench/errors.js";
import { DATASET_KEYS, SEARCH_DATASETS, searchTrainKey, type DatasetKey, type SearchDataset } from "@aa-nas/core/registry/index.js";

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
  /** Table 5 columns: valid and test accuracy per search dataset */
  table: Record<SearchDataset, DatasetAccuracies>;
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
    table: Object.fromEntries(
      SEARCH_DATASETS.map((d) => [d, { valid: datasets[searchTrainKey(d) as DatasetKey].valid, test: datasets[d].test }]),
    ) as Record<SearchDataset, DatasetAccuracies>,
    missing,
  };
}
