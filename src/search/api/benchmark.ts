/**
 * The narrow view of a benchmark that the benchmark-driven searches (RS, REA, REINFORCE, BOHB) need. Keeping it this
 * small lets the algorithms run against a synthetic in-memory table in tests, against the peer tables in the
 * reproduction harness, and against the real store through a thin adapter (`store-benchmark.ts`).
 */
import { UserError, listChoices } from "../../errors.js";
import type { RandomSource } from "../../space/index.js";

/** Datasets a search can target (spec §6.5 `simulate_train_eval`); cifar10 is searched on `cifar10-valid`. */
export const SEARCH_DATASETS = ["cifar10", "cifar100", "ImageNet16-120"] as const;
export type SearchDataset = (typeof SEARCH_DATASETS)[number];

export function isSearchDataset(s: string): s is SearchDataset {
  return (SEARCH_DATASETS as readonly string[]).includes(s);
}

export function parseSearchDataset(s: string): SearchDataset {
  if (!isSearchDataset(s)) throw new UserError(`unknown search dataset '${s}'; valid datasets: ${listChoices(SEARCH_DATASETS)}`);
  return s;
}

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
  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource): ProxyEvaluation;
}

/** The 200-epoch numbers a finished search is judged by (mean over trials, spec §7.4). */
export interface FinalAccuracy {
  /** cifar10: cifar10-valid x-valid; cifar100 / ImageNet16-120: x-valid */
  valid: number;
  /** cifar10: cifar10 ori-test; cifar100 / ImageNet16-120: x-test */
  test: number;
}

export interface FinalAccuracyOracle {
  finalAccuracy(archIndex: number, dataset: SearchDataset): FinalAccuracy;
}
