/** Zero-cost proxies of NAS-Bench-201 networks (docs/zero-cost.md). */
export * from "./proxies.js";
export { batchFromImages, gather, gaussianBatch } from "./batch.js";
export { rowCorrelation, symmetricEigenvalues, logAbsDet, type SquareMatrix } from "./linalg.js";
export { PROXY_NAMES, PROXY_DATASETS, PROXY_BATCH_SOURCES, isProxyName, parseProxyNames, ProxyNameError, type ProxyName, type ProxyDataset, type ProxyBatchSource, type ZeroCostBatch } from "@aa-nas/core/bench/zero-cost.js";
export { makeProxyBatch, proxyClasses, scoreArchs, type MadeBatch, type ProxyBatchSpec, type ScoreArchsOptions, type ScoreArchsResult } from "./score-archs.js";
