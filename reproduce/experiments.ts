/**
 * The reproduction experiments: 500 seeded runs of each algorithm, under two protocols.
 * - "paper": search on CIFAR-10 (cifar10-valid rewards) with 12,000 s and report the found arch's 200-epoch numbers on
 *   all three datasets. The paper-era scripts only search CIFAR-10 (`assert xargs.dataset == 'cifar10'` in
 *   A@bb2f405:exps/algos/*.py), so Table 5's CIFAR-100 / ImageNet16-120 columns are transfers of the CIFAR-10 search.
 * - "per-dataset": search each dataset on its own rewards and costs (the NATS-Bench way, `simulate_train_eval(arch,
 *   dataset)`), with a given budget per dataset.
 */
import {
  ALGORITHMS,
  DEFAULT_SETTINGS,
  SEARCH_DATASETS,
  meanStd,
  runCampaign,
  type AlgorithmName,
  type FinalAccuracyOracle,
  type MeanStd,
  type SearchBenchmark,
  type SearchDataset,
} from "../packages/core/src/search/index.js";

export interface CellResult {
  valid: MeanStd;
  test: MeanStd;
}

export interface AlgorithmResult {
  algorithm: AlgorithmName;
  searchDataset: SearchDataset;
  budget: number;
  /** 200-epoch numbers of the found archs on each reported dataset */
  byDataset: Partial<Record<SearchDataset, CellResult>>;
  evaluations: MeanStd;
  usedTime: MeanStd;
  wallSeconds: number;
  /** the answer of each run, in run order */
  archIndexes: number[];
  /** CPU seconds (user + system) of the harness process during the runs: less sensitive to other load than wall time */
  cpuSeconds: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface ExperimentOptions {
  benchmark: SearchBenchmark;
  oracle: FinalAccuracyOracle;
  runs: number;
  seed: number;
  log?: (line: string) => void;
}

/** Paper protocol: search CIFAR-10 within `budget`, report on every dataset. */
export function paperProtocol(options: ExperimentOptions, budget = 12000): AlgorithmResult[] {
  return ALGORITHMS.map((algorithm) => {
    const cpu0 = cpuNow();
    const c = runCampaign({ ...options, algorithm, dataset: "cifar10", budget });
    const byDataset: AlgorithmResult["byDataset"] = {};
    for (const d of SEARCH_DATASETS) {
      const finals = c.results.map((r) => options.oracle.finalAccuracy(r.archIndex, d));
      byDataset[d] = { valid: meanStd(finals.map((f) => f.valid)), test: meanStd(finals.map((f) => f.test)) };
    }
    const cpuSeconds = cpuNow() - cpu0;
    options.log?.(`paper protocol ${algorithm}: ${c.summary.wallSeconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
    return {
      algorithm,
      searchDataset: "cifar10",
      budget,
      byDataset,
      evaluations: c.summary.evaluations,
      usedTime: c.summary.usedTime,
      wallSeconds: c.summary.wallSeconds,
      archIndexes: c.results.map((r) => r.archIndex),
      cpuSeconds,
    };
  });
}

/** Per-dataset protocol: each dataset searched on its own, with `budgetOf(dataset)`. */
export function perDatasetProtocol(options: ExperimentOptions, budgetOf: (d: SearchDataset) => number): AlgorithmResult[] {
  const out: AlgorithmResult[] = [];
  for (const dataset of SEARCH_DATASETS) {
    for (const algorithm of ALGORITHMS) {
      const budget = budgetOf(dataset);
      const cpu0 = cpuNow();
      const c = runCampaign({ ...options, algorithm, dataset, budget });
      const cpuSeconds = cpuNow() - cpu0;
      options.log?.(`per-dataset ${dataset} ${algorithm} (${budget} s): ${c.summary.wallSeconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`);
      out.push({
        algorithm,
        searchDataset: dataset,
        budget,
        byDataset: { [dataset]: { valid: c.summary.valid, test: c.summary.test } },
        evaluations: c.summary.evaluations,
        usedTime: c.summary.usedTime,
        wallSeconds: c.summary.wallSeconds,
        archIndexes: c.results.map((r) => r.archIndex),
        cpuSeconds,
      });
    }
  }
  return out;
}

/** The learning rates of the paper-era GRID-RL.sh sweep (A@bb2f405:scripts-search/algos/GRID-RL.sh). */
export const GRID_RL_RATES = [0.01, 0.02, 0.1, 0.2, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0] as const;

export interface LrSweepPoint {
  learningRate: number;
  valid: MeanStd;
  test: MeanStd;
}

/** REINFORCE on the paper protocol (CIFAR-10, 12,000 s) for each learning rate. */
export function reinforceLrSweep(options: ExperimentOptions, rates: readonly number[] = GRID_RL_RATES, budget = 12000): LrSweepPoint[] {
  return rates.map((learningRate) => {
    const c = runCampaign({
      ...options,
      algorithm: "reinforce",
      dataset: "cifar10",
      budget,
      settings: { ...DEFAULT_SETTINGS, reinforce: { ...DEFAULT_SETTINGS.reinforce, learningRate } },
    });
    return { learningRate, valid: c.summary.valid, test: c.summary.test };
  });
}
