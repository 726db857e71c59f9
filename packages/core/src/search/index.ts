/**
 * `@aa-nas/core/search` — benchmark-driven NAS (spec §7.3): RS, REA, REINFORCE and BOHB on a simulated clock. Pure TypeScript; the searches see
 * only the narrow `SearchBenchmark` interface.
 */
export {
  SEARCH_DATASETS,
  isSearchDataset,
  parseSearchDataset,
  type SearchDataset,
  type SearchBenchmark,
  type ProxyEvaluation,
  type FinalAccuracy,
  type FinalAccuracyOracle,
  type Optimum,
  type OptimumArch,
} from "./benchmark.js";
export { SimulatedClock } from "./clock.js";
export { SearchSession, type SessionOptions, type SearchResult, type EvaluationRecord, type TracePoint } from "./session.js";
export { PAPER_BUDGET, NATS_BUDGETS, SSS_NATS_BUDGETS, SPACE_BUDGETS, resolveBudget } from "./budget.js";
export { randomSearch } from "./random-search.js";
export { regularizedEvolution, AgingPopulation, REA_DEFAULTS, type ReaOptions, type ReaCycle, type Individual } from "./rea.js";
export { DEFAULT_WARMUP_POOL, tablePrior, warmupPopulation, type ProxyPrior, type WarmupSettings } from "./warmup.js";
export { reinforce, REINFORCE_DEFAULTS, type ReinforceOptions, type ReinforceStep } from "./reinforce.js";
export { SoftmaxPolicy } from "./softmax-policy.js";
export { Adam, type AdamOptions } from "./adam.js";
export { BiasCorrectedEma } from "./ema.js";
export { bohb, BOHB_DEFAULTS, type BohbOptions, type BohbRun } from "./bohb/bohb.js";
export { BohbConfigGenerator, type ConfigGeneratorOptions, type KdePair, type Proposal } from "./bohb/config-generator.js";
export { AitchisonAitkenKde, normalReferenceBandwidth } from "./bohb/kde.js";
export { hyperbandBudgets, successiveHalvingPlan, type SuccessiveHalvingPlan } from "./bohb/hyperband.js";
export {
  ALGORITHMS,
  ALGORITHM_LABELS,
  DEFAULT_SETTINGS,
  SPACE_SETTINGS,
  defaultSettings,
  parseAlgorithm,
  runAlgorithm,
  type AlgorithmName,
  type AlgorithmSettings,
} from "./algorithms.js";
export {
  runCampaign,
  reportRun,
  campaignToJson,
  IncompleteBenchmarkError,
  type Campaign,
  type CampaignJson,
  type CampaignOptions,
  type CampaignSummary,
  type RunReport,
  type ReportedTracePoint,
} from "./campaign.js";
export {
  CAMPAIGN_FILE_FORMAT,
  CAMPAIGN_FILE_VERSION,
  campaignToFile,
  writeCampaignFile,
  type CampaignFile,
  type CampaignFileEvaluation,
  type CampaignFileInfo,
  type CampaignFileRun,
} from "./campaign-file.js";
export { TableBenchmark, type DatasetTable } from "./table-benchmark.js";
export { meanStd, formatMeanStd, type MeanStd } from "./stats.js";
export {
  CAMPAIGN_DEFAULTS,
  mergeSettings,
  searchCampaign,
  type CampaignSource,
  type SearchCampaignOptions,
  type SettingsOverrides,
} from "./store-campaign.js";
export { StoreSearchBenchmark, openSearchBenchmark, type OpenedSearchBenchmark, type StoreBenchmarkOptions } from "./store-benchmark.js";
