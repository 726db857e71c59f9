/**
 * Zero-cost proxies against trained accuracy (the explorer's proxies view): for one accuracy (hp, dataset, set), the
 * per-arch scatter of one proxy's score and a table of Spearman ρ and Kendall τ-b of every stored proxy, with the rank
 * correlation of @aa-nas/core (the one `aa-nas zero-cost correlation` uses).
 */
import { rankCorrelation } from "@aa-nas/core/bench/correlation.js";
import type { BenchStore } from "@aa-nas/core/bench/store.js";
import { PROXY_NAMES, type ProxyName } from "@aa-nas/core/bench/zero-cost.js";
import type { DatasetKey } from "@aa-nas/core/registry/index.js";
import type { FinalSummary } from "./final-summary.js";
import type { AccuracySet } from "./metric-sets.js";

/** Per proxy-batch dataset, per proxy: arch index → score, the mean over the stored init seeds (NaN stays NaN). */
export type ProxyScores = Map<string, Map<ProxyName, Map<number, number>>>;

export function readProxyScores(store: BenchStore): ProxyScores {
  const sums = new Map<string, Map<ProxyName, Map<number, [number, number]>>>();
  for (const s of store.zeroCostScores()) {
    let byProxy = sums.get(s.dataset);
    if (byProxy === undefined) sums.set(s.dataset, (byProxy = new Map()));
    let byArch = byProxy.get(s.proxy);
    if (byArch === undefined) byProxy.set(s.proxy, (byArch = new Map()));
    const acc = byArch.get(s.archIndex) ?? [0, 0];
    byArch.set(s.archIndex, [acc[0] + s.score, acc[1] + 1]);
  }
  const out: ProxyScores = new Map();
  for (const [dataset, byProxy] of sums) {
    // proxies in the CLI's order, whatever order the rows came in
    const ordered = PROXY_NAMES.filter((p) => byProxy.has(p)).map((p) => [p, new Map([...byProxy.get(p)!].map(([a, [sum, k]]) => [a, sum / k]))] as const);
    out.set(dataset, new Map(ordered));
  }
  return out;
}

export interface ProxyCorrelationRow {
  proxy: ProxyName;
  /** archs with a finite score and a finite accuracy */
  n: number;
  /** null: fewer than two pairs or a constant side */
  spearman: number | null;
  kendall: number | null;
}

export interface ProxiesResponse {
  hp: string;
  dataset: DatasetKey;
  set: AccuracySet;
  /** what the store holds: per proxy-batch dataset, its proxies and how many archs have a score */
  stored: Array<{ dataset: string; proxies: ProxyName[]; archs: number }>;
  /** the proxy-batch dataset shown (null: the store holds no proxy scores) */
  proxyDataset: string | null;
  /** the proxy on the scatter */
  proxy: ProxyName | null;
  /** every proxy stored for `proxyDataset` vs the accuracy, PROXY_NAMES order */
  correlations: ProxyCorrelationRow[];
  /** the scatter: archs with a finite score of `proxy` and a finite accuracy, ascending index */
  points: { index: number[]; score: number[]; accuracy: number[] };
}

export interface ProxiesQuery {
  summary: FinalSummary;
  set: AccuracySet;
  proxyDataset: string | null;
  proxy: ProxyName | null;
  /** the correlation table when already computed for this (summary, set, proxyDataset) */
  correlations?: ProxyCorrelationRow[] | undefined;
}

export function buildProxies(scores: ProxyScores, q: ProxiesQuery): ProxiesResponse {
  const { summary, set } = q;
  const stored = [...scores].map(([dataset, byProxy]) => ({
    dataset,
    proxies: [...byProxy.keys()],
    archs: new Set([...byProxy.values()].flatMap((m) => [...m.keys()])).size,
  }));
  const base = { hp: summary.hp, dataset: summary.dataset, set, stored };
  const byProxy = q.proxyDataset === null ? undefined : scores.get(q.proxyDataset);
  if (byProxy === undefined) return { ...base, proxyDataset: null, proxy: null, correlations: [], points: { index: [], score: [], accuracy: [] } };

  const accuracy = new Map<number, number>();
  const acc = summary.accuracy[set];
  for (let a = 0; a < summary.index.length; a++) if (!Number.isNaN(acc[a]!)) accuracy.set(summary.index[a]!, acc[a]!);
  const pairs = (byArch: Map<number, number>): { index: number[]; score: number[]; accuracy: number[] } => {
    const index = [...byArch.keys()].filter((i) => Number.isFinite(byArch.get(i)!) && accuracy.has(i)).sort((a, b) => a - b);
    return { index, score: index.map((i) => byArch.get(i)!), accuracy: index.map((i) => accuracy.get(i)!) };
  };
  const correlations =
    q.correlations ??
    [...byProxy].map(([proxy, byArch]): ProxyCorrelationRow => {
      const p = pairs(byArch);
      const c = rankCorrelation(p.score, p.accuracy);
      return { proxy, n: c.n, spearman: Number.isNaN(c.spearman) ? null : c.spearman, kendall: Number.isNaN(c.kendall) ? null : c.kendall };
    });
  const proxy = q.proxy !== null && byProxy.has(q.proxy) ? q.proxy : byProxy.keys().next().value!;
  return { ...base, proxyDataset: q.proxyDataset, proxy, correlations, points: pairs(byProxy.get(proxy)!) };
}
