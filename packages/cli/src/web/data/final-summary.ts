/**
 * Per-arch last-epoch values of one (hp, dataset), averaged over seeds, built from ONE read of the store's `final`
 * table. This is what the overview scatter and the correlation view work on; 15,625 archs fit in a few typed arrays.
 */
import type { DatasetKey } from "@aa-nas/core/registry/index.js";
import type { BenchStore, FinalRow } from "@aa-nas/core/bench/store.js";
import { ACCURACY_SETS, FINAL_ACCURACY_COLUMN, type AccuracySet } from "./metric-sets.js";

export interface FinalSummary {
  hp: string;
  dataset: DatasetKey;
  /** arch indexes that hold runs, ascending; every other array is aligned with it */
  index: Int32Array;
  seeds: Int32Array;
  params: Float64Array;
  flops: Float64Array;
  /** seconds per batch of 256, mean over the seeds that measured it; NaN when none did */
  latency: Float64Array;
  /** mean over seeds; NaN when any seed lacks the value (the original's query raises there) */
  accuracy: Readonly<Record<AccuracySet, Float64Array>>;
}

export function summarizeFinal(store: BenchStore, hp: string, dataset: DatasetKey): FinalSummary {
  return summarizeRows(hp, dataset, store.finalRows(hp, dataset));
}

/** `rows` must be ordered by arch index (as `finalRows` returns them). One pass, no per-arch allocations. */
export function summarizeRows(hp: string, dataset: DatasetKey, rows: readonly FinalRow[]): FinalSummary {
  let n = 0;
  for (let r = 0; r < rows.length; r++) if (r === 0 || rows[r]!.arch_index !== rows[r - 1]!.arch_index) n++;
  const accuracy = Object.fromEntries(ACCURACY_SETS.map((s) => [s, new Float64Array(n)])) as Record<AccuracySet, Float64Array>;
  const out: FinalSummary = {
    hp,
    dataset,
    index: new Int32Array(n),
    seeds: new Int32Array(n),
    params: new Float64Array(n),
    flops: new Float64Array(n),
    latency: new Float64Array(n),
    accuracy,
  };
  const columns = ACCURACY_SETS.map((set) => [accuracy[set], FINAL_ACCURACY_COLUMN[set]] as const);
  let a = -1;
  let latencies = 0;
  const finish = (): void => {
    if (a < 0) return;
    const k = out.seeds[a]!;
    out.params[a]! /= k;
    out.flops[a]! /= k;
    out.latency[a] = latencies > 0 ? out.latency[a]! / latencies : NaN;
    for (const [acc] of columns) acc[a]! /= k; // NaN stays NaN: a seed without the value makes the arch missing
  };
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (a < 0 || row.arch_index !== out.index[a]) {
      finish();
      a++;
      out.index[a] = row.arch_index;
      latencies = 0;
    }
    out.seeds[a]!++;
    out.params[a]! += row.params;
    out.flops[a]! += row.flops;
    if (row.latency !== null) {
      out.latency[a]! += row.latency;
      latencies++;
    }
    for (const [acc, column] of columns) {
      const v = row[column] as number | null;
      acc[a]! += v === null ? NaN : v;
    }
  }
  finish();
  return out;
}

/** The best arch of the summary on `set` (the highest mean last-epoch accuracy; lowest index among ties), or null. */
export function bestArch(summary: FinalSummary, set: AccuracySet): { index: number; accuracy: number } | null {
  const acc = summary.accuracy[set];
  let best = -1;
  for (let a = 0; a < acc.length; a++) if (!Number.isNaN(acc[a]!) && (best < 0 || acc[a]! > acc[best]!)) best = a;
  return best < 0 ? null : { index: summary.index[best]!, accuracy: acc[best]! };
}

/** What a view built on one summary reports about it: the set shown, the sets holding data, and how many archs lack it. */
export interface SummaryHead {
  hp: string;
  dataset: DatasetKey;
  set: AccuracySet;
  /** sets with a value for at least one arch of (hp, dataset) */
  availableSets: AccuracySet[];
  /** archs with runs for (hp, dataset) */
  archsWithRuns: number;
  /** archs with runs but no last-epoch value for `set` */
  missing: number;
}

export function summaryHead(summary: FinalSummary, set: AccuracySet, missing: number): SummaryHead {
  return {
    hp: summary.hp,
    dataset: summary.dataset,
    set,
    availableSets: ACCURACY_SETS.filter((s) => summary.accuracy[s].some((v) => !Number.isNaN(v))),
    archsWithRuns: summary.index.length,
    missing,
  };
}
