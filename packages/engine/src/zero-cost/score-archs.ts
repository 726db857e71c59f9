/**
 * Scoring archs into a store: what `aa-nas zero-cost compute` and a zero-cost sweep job both run, so their scores are
 * the same records with the same provenance. Resumable: an arch whose requested proxies are stored for the same
 * dataset, seed, proxy version and batch is skipped, and each arch is written in its own transaction.
 */
import type { BenchStore } from "@aa-nas/core/bench/store.js";
import { scoredProxies, type ProxyBatchSource, type ProxyDataset, type ProxyName, type ZeroCostBatch } from "@aa-nas/core/bench/zero-cost.js";
import { archAt } from "@aa-nas/core/space/index.js";
import { CIFAR100_NORM, CIFAR10_NORM, IMAGENET16_NORM, loadCifar10, loadCifar100, loadImageNet16 } from "../data/index.js";
import type { Device } from "../tensor/index.js";
import { batchFromImages, gaussianBatch } from "./batch.js";
import { PROXY_VERSION, computeProxies, type ProxyBatch, type ProxyScore } from "./proxies.js";

/** How the one batch is chosen (its provenance is stored with every score). */
export interface ProxyBatchSpec {
  dataset: ProxyDataset;
  source: ProxyBatchSource;
  size: number;
  seed: number;
}

export interface MadeBatch {
  batch: ProxyBatch;
  provenance: ZeroCostBatch;
}

/** Classifier width of each proxy dataset (ImageNet16-120: the 120-class subset). */
export function proxyClasses(dataset: ProxyDataset): number {
  return dataset === "cifar10" ? 10 : dataset === "cifar100" ? 100 : 120;
}

/** The batch `spec` describes: train images read from `dataDir`, or Gaussian noise (no data read). */
export function makeProxyBatch(spec: ProxyBatchSpec, dataDir: string): MadeBatch {
  const { dataset } = spec;
  if (spec.source === "gaussian") {
    const side = dataset === "ImageNet16-120" ? 16 : 32;
    return gaussianBatch(spec.size, spec.seed, [3, side, side], proxyClasses(dataset));
  }
  const loaded = dataset === "cifar10" ? loadCifar10(dataDir) : dataset === "cifar100" ? loadCifar100(dataDir) : loadImageNet16(dataDir, 120);
  const norm = dataset === "cifar10" ? CIFAR10_NORM : dataset === "cifar100" ? CIFAR100_NORM : IMAGENET16_NORM;
  return batchFromImages(loaded.train, norm, spec.size, spec.seed, `${dataset} train (${loaded.source})`);
}

export interface ScoreArchsOptions {
  archIndexes: readonly number[];
  dataset: ProxyDataset;
  /** `manual_seed` of the network initialisation */
  seed: number;
  proxies: readonly ProxyName[];
  batch: MadeBatch;
  device: Device;
  /** before the first arch: how many archs need scoring */
  onStart?(todo: number): void;
  /** after each arch is stored; `done` counts the archs scored so far */
  onArch?(archIndex: number, scores: readonly ProxyScore[], done: number): void;
}

export interface ScoreArchsResult {
  scored: number;
  /** archs whose requested proxies were all stored already */
  skipped: number;
}

export function scoreArchs(store: BenchStore, o: ScoreArchsOptions): ScoreArchsResult {
  const { dataset, seed, device, batch } = o;
  const done = scoredProxies(store, dataset, seed, PROXY_VERSION, batch.provenance);
  const missingOf = (a: number): ProxyName[] => o.proxies.filter((p) => !(done.get(a)?.has(p) ?? false));
  const todo = o.archIndexes.filter((a) => missingOf(a).length > 0);
  o.onStart?.(todo.length);
  const classes = proxyClasses(dataset);
  todo.forEach((archIndex, k) => {
    const scores = computeProxies({ arch: archAt(archIndex), seed, classes, costDataset: dataset, device }, batch.batch, missingOf(archIndex));
    const computedAt = new Date().toISOString();
    // one transaction per arch: an interrupted run keeps every finished arch and redoes at most one
    store.putZeroCost(scores.map((s) => ({ archIndex, dataset, seed, proxy: s.proxy, score: s.score, version: PROXY_VERSION, batch: batch.provenance, seconds: s.seconds, device, computedAt })));
    o.onArch?.(archIndex, scores, k + 1);
  });
  return { scored: todo.length, skipped: o.archIndexes.length - todo.length };
}
