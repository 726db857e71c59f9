/**
 * Zero-cost proxy scores in the store (docs/zero-cost.md, docs/format.md): the records the engine computes, how
 * they are queried, and their rank correlation with trained accuracies. Pure TypeScript; computing scores needs the
 * engine (`@aa-nas/engine/zero-cost/index.js`).
 */
import { UserError, listChoices } from "../errors.js";
import type { ProxyName, ZeroCostBatch } from "./zero-cost-types.js";
import { rankCorrelation, type Correlation } from "./correlation.js";
import { RANKING_METRICS, type RankingMetric } from "./ranking.js";
import type { BenchStore } from "./store.js";

export * from "./zero-cost-types.js";

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

/**
 * Each arch's score of one proxy on one batch dataset: the mean over the stored init seeds (or the one seed asked
 * for), as `proxyScore` gives it, for every arch that has one. NaN where a stored score is undefined (SQL NULL).
 */
export function proxyScoreTable(store: BenchStore, proxy: ProxyName, dataset: string, opts: { seed?: number; archIndexes?: ReadonlySet<number> } = {}): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  const filter = { proxy, dataset, ...(opts.seed === undefined ? {} : { seed: opts.seed }), ...(opts.archIndexes === undefined ? {} : { archIndexes: opts.archIndexes }) };
  for (const s of store.zeroCostScores(filter)) {
    const acc = sums.get(s.archIndex) ?? { sum: 0, n: 0 };
    acc.sum += s.score;
    acc.n++;
    sums.set(s.archIndex, acc);
  }
  return new Map([...sums].map(([arch, { sum, n }]) => [arch, sum / n]));
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
  const scores = proxyScoreTable(store, q.proxy, q.proxyDataset, { ...(q.seed === undefined ? {} : { seed: q.seed }), ...(q.archIndexes === undefined ? {} : { archIndexes: q.archIndexes }) });
  const accs = new Map<number, number[]>();
  for (const [arch, , , , value] of store.rankingRows(q.hp, q.dataset, q.metric)) {
    if (value === null || !scores.has(arch)) continue;
    accs.set(arch, [...(accs.get(arch) ?? []), value]);
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const archs = [...accs.keys()].sort((a, b) => a - b);
  const x = archs.map((a) => scores.get(a)!);
  const y = archs.map((a) => mean(accs.get(a)!));
  return { proxy: q.proxy, archs: archs.length, ...rankCorrelation(x, y) };
}
