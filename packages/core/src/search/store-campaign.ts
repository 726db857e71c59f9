/**
 * The one entry that runs a campaign of seeded searches on a benchmark, with the CLI's defaults: `aa-nas search` calls
 * it, and so can a script (`import { searchCampaign } from "@aa-nas/core/search"`). Given a store path it opens the
 * store the way the CLI does and closes it afterwards; given a `NasBench` it leaves it open, so a loop of campaigns
 * shares one handle and its caches. The caches only change speed: every draw comes from the run's own seeded
 * generator, so a path, an open `NasBench` and the CLI give the same runs for the same seed.
 */
import { NasBench } from "../bench/api.js";
import { SEARCH_DATASETS, parseSearchDataset, type SearchDataset } from "../registry/index.js";
import { ALGORITHM_LABELS, defaultSettings, parseAlgorithm, type AlgorithmName, type AlgorithmSettings } from "./algorithms.js";
import type { FinalAccuracyOracle, SearchBenchmark } from "./benchmark.js";
import type { BohbOptions } from "./bohb/bohb.js";
import { PAPER_BUDGET, SPACE_BUDGETS, resolveBudget } from "./budget.js";
import { runCampaign, type Campaign } from "./campaign.js";
import type { ReaOptions } from "./rea.js";
import type { ReinforceOptions } from "./reinforce.js";
import { StoreSearchBenchmark, openSearchBenchmark } from "./store-benchmark.js";
import { DEFAULT_WARMUP_POOL, tablePrior, type ProxyPrior } from "./warmup.js";
import { proxyScoreTable } from "../bench/zero-cost.js";
import { BenchStore } from "../bench/store.js";
import type { ProxyName } from "../bench/zero-cost-types.js";
import { UserError } from "../errors.js";
import { searchSpace, type SpaceName } from "../space/index.js";

/**
 * What `aa-nas search` uses when an option is not given: the paper's protocol (500 runs, 12,000 s) on CIFAR-10. On an
 * sss store the budget defaults to the NATS-Bench sss budget of the dataset (`SPACE_BUDGETS`).
 */
export const CAMPAIGN_DEFAULTS: Readonly<{ dataset: SearchDataset; runs: number; seed: number; budget: number }> = Object.freeze({
  dataset: SEARCH_DATASETS[0],
  runs: 500,
  seed: 1,
  budget: PAPER_BUDGET,
});

/** A store file, an open query API, or any benchmark that can also judge the answers (e.g. a `TableBenchmark`). */
export type CampaignSource = string | NasBench | (SearchBenchmark & FinalAccuracyOracle);

/** Per-algorithm settings to change; the rest keep the space's paper settings (`defaultSettings`). */
export interface SettingsOverrides {
  rea?: Partial<ReaOptions>;
  reinforce?: Partial<ReinforceOptions>;
  bohb?: Partial<BohbOptions>;
}

export interface SearchCampaignOptions {
  /** default `CAMPAIGN_DEFAULTS.dataset` (cifar10, searched on cifar10-valid) */
  dataset?: SearchDataset;
  /** independent searches; run i uses seed `seed + i` (default 500) */
  runs?: number;
  /** seed of the first run (default 1) */
  seed?: number;
  /**
   * simulated seconds per run, or 'paper' / 'nats' (`SPACE_BUDGETS`: tss 12,000 s / 20,000–120,000 s by dataset; sss
   * both 20,000 / 40,000 / 60,000 s); default tss 12,000 s, sss 'nats'
   */
  budget?: number | string;
  settings?: SettingsOverrides;
  /** add the algorithm's own wall time to the simulated clock, as the originals did (runs stop being reproducible) */
  accountWallTime?: boolean;
  /** called after each run */
  onRun?: (done: number, total: number) => void;
  /** also find the space's best archs (`Campaign.optimum`, which campaign files record) */
  optimum?: boolean;
  /**
   * REA only, not the paper's protocol: rank a pool of `pool` archs (default 1000) by the zero-cost `proxy` and start
   * from the best `populationSize` (docs/search.md). The scores are the store's (batch dataset = the search dataset,
   * mean over stored init seeds), or `prior` for a benchmark that is not a store.
   */
  warmup?: { proxy: ProxyName; pool?: number; prior?: ProxyPrior };
}

/** The paper's settings of `space` (default tss) with `overrides` applied. */
export function mergeSettings(overrides: SettingsOverrides = {}, space: SpaceName = "tss"): AlgorithmSettings {
  const base = defaultSettings(space);
  return {
    rea: { ...base.rea, ...overrides.rea },
    reinforce: { ...base.reinforce, ...overrides.reinforce },
    bohb: { ...base.bohb, ...overrides.bohb },
  };
}

/**
 * Runs `runs` seeded searches of `algorithm` ('rea' | 'rs' | 'reinforce' | 'bohb') and judges each answer by its
 * 200-epoch numbers (mean over trials). `campaignToJson(result)` is what `aa-nas search --json` prints.
 */
export function searchCampaign(algorithm: AlgorithmName, source: CampaignSource, options: SearchCampaignOptions = {}): Campaign {
  const name = parseAlgorithm(algorithm);
  const dataset = parseSearchDataset(options.dataset ?? CAMPAIGN_DEFAULTS.dataset);
  const runs = options.runs ?? CAMPAIGN_DEFAULTS.runs;
  const seed = options.seed ?? CAMPAIGN_DEFAULTS.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const warmup = options.warmup;
  if (warmup !== undefined && name !== "rea") {
    throw new UserError(`the zero-cost warm-up is an option of REA only (it ranks REA's initial population); ${ALGORITHM_LABELS[name]} has none to warm up`);
  }
  // checked before a store is opened; the space's own defaults are applied once the benchmark says which space it is
  resolveBudget(options.budget ?? CAMPAIGN_DEFAULTS.budget, dataset);
  const priorOf = (benchmark: SearchBenchmark): ProxyPrior | undefined => {
    if (warmup === undefined) return undefined;
    if (warmup.prior !== undefined) return warmup.prior;
    const store = benchmark instanceof StoreSearchBenchmark ? benchmark.bench.store : undefined;
    if (store instanceof BenchStore) return tablePrior(warmup.proxy, proxyScoreTable(store, warmup.proxy, dataset));
    throw new UserError(`REA's warm-up needs '${warmup.proxy}' scores: this benchmark is not an SQLite store, so give them as warmup.prior`);
  };
  const run = (benchmark: SearchBenchmark & FinalAccuracyOracle): Campaign => {
    const space: SpaceName = (benchmark.space ?? searchSpace("tss")).name;
    const budget = resolveBudget(options.budget ?? SPACE_BUDGETS[space].default, dataset, space);
    const settings = mergeSettings(options.settings, space);
    if (warmup !== undefined) {
      // the zero-cost proxies are computed for topology cells only
      if (space !== "tss") throw new UserError(`REA's zero-cost warm-up needs proxy scores of topology cells; this benchmark holds the ${searchSpace(space).title}`);
      settings.rea.warmup = { proxy: warmup.proxy, pool: warmup.pool ?? DEFAULT_WARMUP_POOL };
    }
    const prior = priorOf(benchmark);
    return runCampaign({
      algorithm: name,
      benchmark,
      oracle: benchmark,
      dataset,
      runs,
      seed,
      budget,
      settings,
      accountWallTime: options.accountWallTime ?? false,
      onRun: options.onRun,
      optimum: options.optimum ?? false,
      ...(prior === undefined ? {} : { prior }),
    });
  };
  if (typeof source === "string") {
    const opened = openSearchBenchmark(source);
    try {
      return run(opened);
    } finally {
      opened.close();
    }
  }
  return run(source instanceof NasBench ? new StoreSearchBenchmark(source) : source);
}
