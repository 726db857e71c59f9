/** Zero-cost proxies of NAS-Bench-201 networks (docs/zero-cost.md). */
export * from "./proxies.js";
export { batchFromImages, gather, gaussianBatch } from "./batch.js";
export { rowCorrelation, symmetricEigenvalues, logAbsDet, type SquareMatrix } from "./linalg.js";
export { PROXY_NAMES, isProxyName, parseProxyNames, ProxyNameError, type ProxyName, type ZeroCostBatch } from "@aa-nas/core/bench/zero-cost.js";
