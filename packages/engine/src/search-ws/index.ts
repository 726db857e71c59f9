// Weight-sharing NAS (spec §2.4, §7.1–7.2; nats-sss spec §4.2): the topology search supernet, ENAS's controller,
// the size space's channel-masked supernet, the search data, the six topology and the three channel searches. Needs the engine (libtorch); the CLI imports this module lazily.
export { Supernet, genotypeOf, argmaxRows, type SupernetOptions, type NetworkMode, type SupernetOutput, type Genotype } from "./supernet.js";
export { SearchCell, edgeKey, type CellMode } from "./search-cell.js";
export { withBatchNormFlags, searchOperationSpec, buildEdgeCandidates, type BatchNormFlags } from "./search-ops.js";
export { SizeSupernet, sizeGenotypeOf, selectTwo, channelInterpolate, gumbelSoftmax, sampleWidth, type SizeMode, type SizeForward, type SizeSupernetOptions } from "./size-supernet.js";
export { createSizeSearch, sizeWeightStep, sizeArchStep, warmupProbability, controllerMode } from "./size-search.js";
export { gumbelHardSample, gdasTau, type HardSample } from "./gumbel.js";
export { Controller, type ControllerOptions, type ControllerSample } from "./controller.js";
export { unrolledArchGradient, hessianVectorProduct, type VirtualStep, type UnrolledGradient } from "./unrolled.js";
export { topKByLogProb, randomOps, opsAtUnshuffled } from "./candidates.js";
export {
  WS_DATASETS,
  FASHION_MNIST_SPLIT_SEED,
  parseWsDataset,
  loadSearchData,
  planSearchEpoch,
  BatchStream,
  streamSeed,
  streamRandom,
  type WsDataset,
  type SearchData,
  type SearchDataOptions,
  type PairedPlan,
} from "./search-data.js";
export {
  WS_ALGORITHMS,
  TSS_WS_ALGORITHMS,
  SSS_WS_ALGORITHMS,
  WS_ALGORITHM_LABELS,
  wsAlgorithmSpace,
  isSizeWsAlgorithm,
  isWsAlgorithm,
  parseWsAlgorithm,
  defaultSettings,
  type WsAlgorithm,
  type SizeWsAlgorithm,
  type WsSettings,
  type WeightSettings,
  type ArchSettings,
  type ControllerSettings,
} from "./settings.js";
export type { WsProgress, WsPhase } from "./context.js";
export { runWeightSharingSearch, epochTorchSeed, type WsSearchOptions, type WsSearchResult, type WsEpochSummary } from "./runner.js";
export { lookupBenchmark, type BenchmarkAccuracies } from "./bench-lookup.js";
