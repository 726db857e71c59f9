/**
 * Zero-cost proxy scores in the store (docs/zero-cost.md, docs/format.md): the records the engine computes, how
 * they are queried, and their rank correlation with trained accuracies. Pure TypeScript; computing scores needs the
 * engine (`@aa-nas/engine/zero-cost/index.js`).
 */
import { UserError, listChoices } from "../errors.js";
import { rankCorrelation, type Correlation } from "./correlation.js";
import { RANKING_METRICS, type RankingMetric } from "./ranking.js";
import type { BenchStore } from "./store.js";

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

/** Scores stored for each requested arch of one (dataset, seed, version) with the given batch: what a resumed run skips. */
export function scoredProxies(store: BenchStore, dataset: string, seed: number, version: number, batch: ZeroCostBatch): Map<number, Set<ProxyName>> {
  const done = new Map<number, Set<ProxyName>>();
  const wanted = JSON.stringify(batch);
  for (const s of store.zeroCostScores({ dataset, seed })) {
    if (s.version !== version || JSON.stringify(s.batch) !== wanted) continue;
    const set = done.get(s.archIndex) ?? new Set<ProxyName>();
    set.add(s.proxy);
    done.set(s.archIndex, set);
  }
  return done;
}

/** A proxy's score for one arch: the mean over the stored init seeds (or the one seed asked for). */
export function proxyScore(store: BenchStore, archIndex: number, proxy: ProxyName, dataset: string, seed?: number): { score: number; seeds: number[] } | null {
  const rows = store.zeroCostScores({ archIndex, proxy, dataset, ...(seed === undefined ? {} : { seed }) });
  if (rows.length === 0) return null;
  return { score: rows.reduce((s, r) => s + r.score, 0) / rows.length, seeds: rows.map((r) => r.seed) };
}

export interface ProxyCorrelationQuery {
  proxy: ProxyName;
  /** dataset of the proxy batch */
  proxyDataset: string;
  /** one init seed, else the mean score over stored seeds */
  seed?: number;
  /** accuracy side: hp ("12", "200"), record dataset (cifar10-valid, …) and the final-table metric */
  hp: string;
  dataset: string;
  metric: RankingMetric;
  /** only these archs */
  archIndexes?: ReadonlySet<number>;
}

export interface ProxyCorrelation extends Correlation {
  proxy: ProxyName;
  /** archs with a score and an accuracy (before dropping non-finite scores) */
  archs: number;
}

/**
 * Spearman ρ and Kendall τ-b of a proxy's scores against a trained accuracy (the mean over that arch's trials of the
 * last-epoch `metric`), over the archs that have both (and any filter). NaN / infinite scores are left out (n says
 * how many pairs remain).
 */
export function proxyCorrelation(store: BenchStore, q: ProxyCorrelationQuery): ProxyCorrelation {
  if (!RANKING_METRICS.includes(q.metric)) throw new UserError(`unknown accuracy metric '${q.metric}'; valid: ${listChoices(RANKING_METRICS)}`);
  const scores = new Map<number, number[]>();
  for (const s of store.zeroCostScores({ proxy: q.proxy, dataset: q.proxyDataset, ...(q.seed === undefined ? {} : { seed: q.seed }) })) {
    if (q.archIndexes !== undefined && !q.archIndexes.has(s.archIndex)) continue;
    scores.set(s.archIndex, [...(scores.get(s.archIndex) ?? []), s.score]);
  }
  const accs = new Map<number, number[]>();
  for (const [arch, , , , value] of store.rankingRows(q.hp, q.dataset, q.metric)) {
    if (value === null || !scores.has(arch)) continue;
    accs.set(arch, [...(accs.get(arch) ?? []), value]);
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const archs = [...accs.keys()].sort((a, b) => a - b);
  const x = archs.map((a) => mean(scores.get(a)!));
  const y = archs.map((a) => mean(accs.get(a)!));
  return { proxy: q.proxy, archs: archs.length, ...rankCorrelation(x, y) };
}
