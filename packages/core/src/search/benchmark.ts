/**
 * The narrow view of a benchmark that the benchmark-driven searches (RS, REA, REINFORCE, BOHB) need. Keeping it this
 * small lets the algorithms run against a synthetic in-memory table in tests, against the peer tables in the
 * reproduction harness, and against the real store through a thin adapter (`store-benchmark.ts`).
 */
import type { SearchDataset } from "../registry/index.js";
import type { RandomSource, SearchSpace } from "../space/index.js";

/** Datasets a search can target (spec §6.5 `simulate_train_eval`): the registry's search names. */
export { SEARCH_DATASETS, isSearchDataset, parseSearchDataset, type SearchDataset } from "../registry/index.js";

/** One simulated proxy training: what the searcher observes and what it costs on the simulated clock. */
export interface ProxyEvaluation {
  /** x-valid accuracy (percent) after the 12-epoch schedule, of one trial */
  reward: number;
  /** simulated seconds: 12-epoch `train-all-time` + `valid-per-time` (spec §7.3) */
  cost: number;
}

/** What a search queries while it runs. */
export interface SearchBenchmark {
  /**
   * Simulates training `archIndex` with the 12-epoch schedule on `dataset` (cifar10 → cifar10-valid). Where the
   * benchmark holds several trials, one is drawn with `rng`, so the searcher's seed decides every draw.
   */
  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource, iepoch?: number): ProxyEvaluation;
  /**
   * The search space of the benchmark's archs (what the searches sample, mutate and learn over); absent: tss. `iepoch`
   * of `simulate` (an epoch of the proxy schedule, the size space's BOHB budgets) is honoured by benchmarks that hold
   * per-epoch results; absent, the whole proxy schedule.
   */
  readonly space?: SearchSpace;
  /**
   * What this benchmark lacks for a search on `dataset` — one phrase per gap, e.g. "hp '12' results on cifar10-valid
   * for 15,622 of 15,625 archs (arch 1, 2, 3, …)" — or an empty list. A campaign asks before its first run, so a
   * search that would need a missing arch is refused up front instead of dying midway. Optional: a benchmark that
   * does not say is trusted.
   */
  missingFor?(dataset: SearchDataset): string[];
}

/** The 200-epoch numbers a finished search is judged by (mean over trials, spec §7.4). */
export interface FinalAccuracy {
  /** cifar10: cifar10-valid x-valid; cifar100 / ImageNet16-120: x-valid */
  valid: number;
  /** cifar10: cifar10 ori-test; cifar100 / ImageNet16-120: x-test */
  test: number;
}

/** The best arch of the space by one of the final numbers. */
export interface OptimumArch {
  archIndex: number;
  accuracy: number;
}

/** The best archs of the whole space by the final numbers: the line a search's best-so-far curve approaches. */
export interface Optimum {
  valid: OptimumArch;
  test: OptimumArch;
}

export interface FinalAccuracyOracle {
  finalAccuracy(archIndex: number, dataset: SearchDataset): FinalAccuracy;
  /** The space's best valid and best test numbers (each maximised on its own); optional, as it may scan the space. */
  optimum?(dataset: SearchDataset): Optimum;
}
