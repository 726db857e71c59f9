/**
 * Rank agreement between datasets (same hp) and between hps of one dataset (e.g. 12- vs 200-epoch training), on each
 * dataset's default accuracy (metric-sets.ts). Each pair uses the archs that have a value on both sides.
 */
import { DATASET_KEYS, type DatasetKey } from "@aa-nas/core/registry/index.js";
import type { FinalSummary } from "./final-summary.js";
import { DEFAULT_SET, type AccuracySet } from "./metric-sets.js";
import { kendallTau, spearmanRho } from "@aa-nas/core/bench/correlation.js";

export const CORRELATION_METHODS = ["kendall", "spearman"] as const;
export type CorrelationMethod = (typeof CORRELATION_METHODS)[number];

export interface PairCorrelation {
  /** null when fewer than two common archs or one side is constant */
  value: number | null;
  /** common archs */
  n: number;
}

export interface DatasetMatrix {
  hp: string;
  datasets: DatasetKey[];
  sets: AccuracySet[];
  /** symmetric; the diagonal is 1 when the dataset has at least two archs */
  matrix: PairCorrelation[][];
}

export interface HpPairCorrelation extends PairCorrelation {
  dataset: DatasetKey;
  set: AccuracySet;
  hpA: string;
  hpB: string;
}

export interface CorrelationResponse {
  method: CorrelationMethod;
  byHp: DatasetMatrix[];
  /** for each dataset, every pair of stored hps (in hp order) */
  betweenHps: HpPairCorrelation[];
}

export function correlate(a: FinalSummary, b: FinalSummary, method: CorrelationMethod): PairCorrelation {
  const accA = a.accuracy[DEFAULT_SET[a.dataset]];
  const accB = b.accuracy[DEFAULT_SET[b.dataset]];
  const xs: number[] = [];
  const ys: number[] = [];
  // Both index arrays are ascending: a merge join.
  for (let i = 0, j = 0; i < a.index.length && j < b.index.length; ) {
    if (a.index[i]! < b.index[j]!) i++;
    else if (a.index[i]! > b.index[j]!) j++;
    else {
      if (!Number.isNaN(accA[i]) && !Number.isNaN(accB[j])) {
        xs.push(accA[i]!);
        ys.push(accB[j]!);
      }
      i++;
      j++;
    }
  }
  const value = (method === "kendall" ? kendallTau : spearmanRho)(xs, ys);
  return { value: Number.isNaN(value) ? null : value, n: xs.length };
}

/** `summaries` per hp (hp order), each holding the datasets stored for it (canonical dataset order). */
export function buildCorrelation(summaries: ReadonlyMap<string, readonly FinalSummary[]>, method: CorrelationMethod): CorrelationResponse {
  const byHp: DatasetMatrix[] = [];
  for (const [hp, list] of summaries) {
    byHp.push({
      hp,
      datasets: list.map((s) => s.dataset),
      sets: list.map((s) => DEFAULT_SET[s.dataset]),
      matrix: list.map((row) => list.map((col) => correlate(row, col, method))),
    });
  }
  const betweenHps: HpPairCorrelation[] = [];
  const hps = [...summaries.keys()];
  const stored = new Set([...summaries.values()].flatMap((l) => l.map((s) => s.dataset)));
  const datasets = DATASET_KEYS.filter((d) => stored.has(d));
  for (const dataset of datasets) {
    for (let p = 0; p < hps.length; p++) {
      for (let q = p + 1; q < hps.length; q++) {
        const a = summaries.get(hps[p]!)!.find((s) => s.dataset === dataset);
        const b = summaries.get(hps[q]!)!.find((s) => s.dataset === dataset);
        if (a === undefined || b === undefined) continue;
        betweenHps.push({ dataset, set: DEFAULT_SET[dataset], hpA: a.hp, hpB: b.hp, ...correlate(a, b, method) });
      }
    }
  }
  return { method, byHp, betweenHps };
}
