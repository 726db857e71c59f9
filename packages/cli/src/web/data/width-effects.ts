/**
 * The size space's per-position width effects: for each of the five positions and each candidate width, the
 * distribution (count, mean, min, quartiles, max) of the stored archs' mean last-epoch accuracy over the archs with that
 * width at that position. Each position's eight groups partition the same archs, so the view reads as "fix C_k, what
 * does the rest of the space give".
 */
import { parseSizeArch, SIZE_CANDIDATES, SIZE_POSITIONS, sizeArchAt } from "@aa-nas/core/space/index.js";
import { summaryHead, type FinalSummary, type SummaryHead } from "./final-summary.js";
import type { AccuracySet } from "./metric-sets.js";

export interface WidthStats {
  width: number;
  /** archs with this width at the position and a value for the set */
  count: number;
  /** null when count is 0 */
  mean: number | null;
  min: number | null;
  /** quartiles by linear interpolation between order statistics (numpy's default, R type 7) */
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
}

/** `missing` archs (no last-epoch value for `set`) are left out of every group. */
export interface WidthEffectsResponse extends SummaryHead {
  /** positions 1..5 (C1..C5), each with one entry per candidate width, ascending */
  positions: Array<{ position: number; widths: WidthStats[] }>;
}

/** The q-quantile of ascending `xs` (non-empty), interpolating linearly between the two nearest order statistics. */
export function quantileSorted(xs: ArrayLike<number>, q: number): number {
  const pos = q * (xs.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo]! + (xs[hi]! - xs[lo]!) * (pos - lo);
}

export function buildWidthEffects(summary: FinalSummary, set: AccuracySet): WidthEffectsResponse {
  const acc = summary.accuracy[set];
  // groups[position][width slot] → accuracies
  const groups = Array.from({ length: SIZE_POSITIONS }, () => SIZE_CANDIDATES.map((): number[] => []));
  let missing = 0;
  for (let a = 0; a < summary.index.length; a++) {
    const v = acc[a]!;
    if (Number.isNaN(v)) {
      missing++;
      continue;
    }
    const channels = parseSizeArch(sizeArchAt(summary.index[a]!));
    channels.forEach((c, k) => groups[k]![SIZE_CANDIDATES.indexOf(c as (typeof SIZE_CANDIDATES)[number])]!.push(v));
  }
  return {
    ...summaryHead(summary, set, missing),
    positions: groups.map((slots, k) => ({ position: k + 1, widths: slots.map((xs, w) => statsOf(SIZE_CANDIDATES[w]!, xs)) })),
  };
}

function statsOf(width: number, values: number[]): WidthStats {
  if (values.length === 0) return { width, count: 0, mean: null, min: null, q1: null, median: null, q3: null, max: null };
  const xs = Float64Array.from(values).sort();
  let sum = 0;
  for (const x of xs) sum += x;
  return {
    width,
    count: xs.length,
    mean: sum / xs.length,
    min: xs[0]!,
    q1: quantileSorted(xs, 0.25),
    median: quantileSorted(xs, 0.5),
    q3: quantileSorted(xs, 0.75),
    max: xs[xs.length - 1]!,
  };
}
