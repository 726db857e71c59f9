/** The benchmark store, its importers and the NATS-Bench-compatible query API. Pure TypeScript (no libtorch). */
export * from "../registry/index.js";
export {
  NasBench,
  toOriginalKeys,
  costInfoToOriginal,
  type Trial,
  type MetricSet,
  type ArchRef,
  type QueryOptions,
  type MoreInfo,
  type CostInfo,
  type NetConfig,
  type SimulatedResult,
  type NasBenchOptions,
} from "./api.js";
export { openBench, defaultStorePath, BENCH_STORE_ENV } from "./default-store.js";
export { BenchStore, type PutOptions, type PutResult, type StoreMeta, type FinalRow } from "./store.js";
export { BenchQueryError, MetricUnavailableError, MetricNotInStoreError, StoreError, SpaceMismatchError, InvalidRecordError, RunConflictError } from "./errors.js";
export type { EpochMetrics } from "./semantics.js";
export { absentMetrics } from "./semantics.js";
export {
  importBenchmark,
  importSpaceOf,
  importNatsDirectory,
  importNatsFile,
  importNb201File,
  importNb201Directory,
  importTar,
  type ImportOptions,
  type ImportSummary,
  type ImportProgress,
  type ImportKind,
} from "./import/importers.js";
export { importTables, loadPeerTables, type TablesImportOptions, type TablesImportSummary } from "./import/tables.js";
export { STORE_FORMAT, SCHEMA_VERSION } from "./schema.js";
export {
  PROXY_NAMES,
  isProxyName,
  parseProxyNames,
  ProxyNameError,
  scoredProxies,
  proxyScore,
  proxyCorrelation,
  type ProxyName,
  type ZeroCostBatch,
  type ZeroCostScore,
  type ZeroCostFilter,
  type ProxyCorrelationQuery,
  type ProxyCorrelation,
} from "./zero-cost.js";
export { rankCorrelation, spearmanRho, kendallTau, averageRanks, pearson, type Correlation } from "./correlation.js";
