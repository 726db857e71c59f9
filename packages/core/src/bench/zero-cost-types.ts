/**
 * Zero-cost proxy names and score records (docs/zero-cost.md): what the store keeps and the engine computes. Its own
 * module so the store can check records without importing the queries built on it.
 */
import { UserError, listChoices } from "../errors.js";

/** Every proxy, in the order the CLI and the store list them. */
export const PROXY_NAMES = ["synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "l2_norm", "plain", "params", "flops"] as const;
export type ProxyName = (typeof PROXY_NAMES)[number];

export class ProxyNameError extends UserError {}

export function isProxyName(s: string): s is ProxyName {
  return (PROXY_NAMES as readonly string[]).includes(s);
}

/** A comma-separated list of proxy names (or "all"), deduplicated in the given order. */
export function parseProxyNames(list: string): ProxyName[] {
  if (list.trim() === "all") return [...PROXY_NAMES];
  const names = list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const bad = names.filter((n) => !isProxyName(n));
  if (bad.length > 0 || names.length === 0) {
    throw new ProxyNameError(`unknown proxy ${bad.length > 0 ? `'${bad.join("', '")}'` : "list ''"}; valid: 'all' or a comma-separated list of ${listChoices(PROXY_NAMES)}`);
  }
  return [...new Set(names)] as ProxyName[];
}

/** Datasets a proxy batch can come from: the benchmark's train sets (cifar10 is CIFAR-10's 50k train images). */
export const PROXY_DATASETS = ["cifar10", "cifar100", "ImageNet16-120"] as const;
export type ProxyDataset = (typeof PROXY_DATASETS)[number];

/** Where the images of a proxy batch come from: the dataset's train set, or standard-normal noise (no data needed). */
export const PROXY_BATCH_SOURCES = ["train", "gaussian"] as const;
export type ProxyBatchSource = (typeof PROXY_BATCH_SOURCES)[number];

/** Where a proxy batch came from, enough to rebuild it (stored once per distinct batch). */
export interface ZeroCostBatch {
  /** e.g. "cifar10 train (cifar-10-batches-bin)" or "gaussian" */
  readonly source: string;
  readonly size: number;
  /** seed of the image choice (or of the Gaussian draw) */
  readonly seed: number;
  /** train-set indices of the images in batch order (empty for a Gaussian batch) */
  readonly indices: readonly number[];
  /** normalisation mean/std in 0..255 units, per channel */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** One stored score. */
export interface ZeroCostScore {
  readonly archIndex: number;
  /** dataset key of the batch and the network's classifier (cifar10, cifar100, ImageNet16-120, …) */
  readonly dataset: string;
  /** `manual_seed` of the network's initialisation */
  readonly seed: number;
  readonly proxy: ProxyName;
  /** NaN where the proxy is undefined for this network (stored as NULL) */
  readonly score: number;
  /** proxy definition version (PROXY_VERSION of the engine that computed it) */
  readonly version: number;
  readonly batch: ZeroCostBatch;
  /** wall seconds of this proxy (network construction included) */
  readonly seconds: number;
  readonly device: string;
  /** ISO time the score was computed */
  readonly computedAt: string;
}

export interface ZeroCostFilter {
  proxy?: ProxyName;
  dataset?: string;
  seed?: number;
  archIndex?: number;
  /** only archs in this set (e.g. a range) */
  archIndexes?: ReadonlySet<number>;
}

