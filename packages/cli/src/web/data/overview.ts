/** The overview scatter's data: one point per arch of (hp, dataset), op-count filters, and the Pareto fronts. */
import { sizeArchAt, type SpaceName } from "@aa-nas/core/space/index.js";
import { bestArch, summaryHead, type FinalSummary, type SummaryHead } from "./final-summary.js";
import type { AccuracySet } from "./metric-sets.js";
import { countOp, OP_FILTERS, opCodeString, type OpFilterName } from "./op-counts.js";
import { paretoFront } from "./pareto.js";

export const COST_AXES = ["params", "flops", "latency"] as const;
export type CostAxis = (typeof COST_AXES)[number];

/** Inclusive [min, max] number of edges with the op. */
export type OpCountFilters = Partial<Record<OpFilterName, readonly [number, number]>>;

export interface OverviewResponse extends SummaryHead {
  /** the store's space: tss points carry `ops`, sss points `channels` */
  space: SpaceName;
  /** archs removed by the op-count filters */
  filteredOut: number;
  /**
   * columnar points; `ops` (tss) is the six op indices (OPS order) per arch, canonical edge order. Accuracy and latency are
   * rounded for display (ACCURACY_DECIMALS, LATENCY_DECIMALS); `pareto` is computed from the exact values.
   */
  points: {
    index: number[];
    accuracy: number[];
    params: number[];
    flops: number[];
    latency: (number | null)[];
    /** tss: six op indices per arch */
    ops?: string[];
    /** sss: the channel string C1:…:C5 per arch */
    channels?: string[];
  };
  /** arch indexes on the accuracy-vs-cost front of the shown points, by ascending cost */
  pareto: Record<CostAxis, number[]>;
  /** the best `set` accuracy of every arch of (hp, dataset), filters or not (the chart's optimum line); null: none */
  optimum: { index: number; accuracy: number } | null;
}

/** `space` 'sss': the points carry channel strings, and op-count filters do not apply (every config has one cell). */
export function buildOverview(summary: FinalSummary, set: AccuracySet, filters: OpCountFilters, space: SpaceName = "tss"): OverviewResponse {
  const acc = summary.accuracy[set];
  const keep: number[] = [];
  let missing = 0;
  let filteredOut = 0;
  for (let a = 0; a < summary.index.length; a++) {
    if (Number.isNaN(acc[a])) {
      missing++;
      continue;
    }
    if (!passes(summary.index[a]!, filters)) {
      filteredOut++;
      continue;
    }
    keep.push(a);
  }
  const pick = (xs: Float64Array): number[] => keep.map((a) => xs[a]!);
  const latency = keep.map((a) => summary.latency[a]!);
  const accuracy = pick(acc);
  const index = keep.map((a) => summary.index[a]!);
  // the fronts use the exact values; the points are sent at display precision (about 40% less JSON to move and parse)
  const front = (cost: ArrayLike<number>): number[] => paretoFront(cost, accuracy).map((p) => index[p]!);
  const pareto = { params: front(pick(summary.params)), flops: front(pick(summary.flops)), latency: front(latency) };
  const points = {
    index,
    accuracy: accuracy.map((x) => round(x, ACCURACY_DECIMALS)),
    params: pick(summary.params),
    flops: pick(summary.flops),
    latency: latency.map((x) => (Number.isNaN(x) ? null : round(x, LATENCY_DECIMALS))),
    ...(space === "tss" ? { ops: keep.map((a) => opCodeString(summary.index[a]!)) } : { channels: keep.map((a) => sizeArchAt(summary.index[a]!)) }),
  };
  return {
    space,
    ...summaryHead(summary, set, missing),
    filteredOut,
    points,
    pareto,
    optimum: bestArch(summary, set),
  };
}

/** Accuracy is sent to 1e-4 percentage points, latency to 1e-7 s (0.1 µs); params and FLOPs are short and sent exact. */
export const ACCURACY_DECIMALS = 4;
export const LATENCY_DECIMALS = 7;

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function passes(archIndex: number, filters: OpCountFilters): boolean {
  for (const [name, range] of Object.entries(filters) as [OpFilterName, readonly [number, number] | undefined][]) {
    if (range === undefined) continue;
    const n = countOp(archIndex, OP_FILTERS[name]);
    if (n < range[0] || n > range[1]) return false;
  }
  return true;
}
