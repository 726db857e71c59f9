/**
 * `aa-nas-bench/search`: the benchmark-driven searches (RS, REA, REINFORCE, BOHB), the campaign runner and the entry
 * that wires them to a benchmark store exactly as `aa-nas search` does. The weight-sharing searches are not here: they
 * train a supernet and need the libtorch addon (src/search/weight-sharing).
 */
export * from "./api/index.js";
export {
  CAMPAIGN_DEFAULTS,
  mergeSettings,
  searchCampaign,
  type CampaignSource,
  type SearchCampaignOptions,
  type SettingsOverrides,
} from "./api/store-campaign.js";
export { StoreSearchBenchmark, openSearchBenchmark, type OpenedSearchBenchmark, type StoreBenchmarkOptions } from "./api/store-benchmark.js";
