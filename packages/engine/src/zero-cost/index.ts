/** Zero-cost proxies of NAS-Bench-201 networks (docs/zero-cost.md). */
export * from "./proxies.js";
export { batchFromImages, gather, type BatchProvenance } from "./batch.js";
export { rowCorrelation, symmetricEigenvalues, logAbsDet, type SquareMatrix } from "./linalg.js";
