/**
 * Search progress as the papers plot it: for every run, the accuracy of its current answer (the best-so-far arch by
 * the proxy reward) as a step function of simulated time; across the runs of one (space, algorithm, dataset, budget),
 * the mean ± std on a common time grid.
 */
import { ALGORITHMS } from "@aa-nas/core/search/algorithms.js";
import { SPACE_NAMES, type SpaceName } from "@aa-nas/core/space/index.js";
import type { LoadedCampaign, SearchRunReport } from "./search-run-file.js";

export const RUN_METRICS = ["test", "valid"] as const;
export type RunMetric = (typeof RUN_METRICS)[number];

export interface RunGroup {
  /** the search space the runs searched */
  space: SpaceName;
  algorithm: string;
  dataset: string;
  budget: number;
  /** distinct seeds (a seed met twice, e.g. the same file passed twice, counts once) */
  runs: number;
  files: string[];
  /** simulated seconds, 0..budget */
  time: number[];
  /** mean / population std over the runs that have an answer at that time; null before any has one */
  mean: (number | null)[];
  std: (number | null)[];
  /** runs with an answer at that time */
  count: number[];
  /** the final answers' accuracy, mean ± std over runs */
  final: { mean: number; std: number };
  /**
   * the space's best `metric` accuracy on the dataset (the chart's optimum line): from the store when it can answer
   * (`findBest` at the space's full schedule: tss hp '200', sss '90'), else as the run files recorded it; null when neither knows
   */
  optimum: { index: number; accuracy: number; from: "store" | "files" } | null;
}

/** The store's best arch of (search dataset, metric), or null when the store cannot say. */
export type StoreOptimum = (dataset: string, metric: RunMetric) => { index: number; accuracy: number } | null;

export interface RunsResponse {
  metric: RunMetric;
  points: number;
  files: Array<{ file: string; space: SpaceName; algorithm: string; dataset: string; budget: number; runs: number }>;
  groups: RunGroup[];
}

/** Value of the run's answer at time t: the last trace point at or before t (null before the first answer). */
export function valueAt(run: SearchRunReport, metric: RunMetric, t: number): number | null {
  let value: number | null = null;
  for (const p of run.trace) {
    if (p.time > t) break;
    value = metric === "test" ? p.testAccuracy : p.validAccuracy;
  }
  return value;
}

/**
 * The runs of one (space, algorithm, dataset, budget) across the files given, each seed once, traces in time order.
 * Campaigns of different spaces never share a group: their arch indexes name different archs, their optima differ.
 */
export interface CampaignGroup {
  space: SpaceName;
  algorithm: string;
  dataset: string;
  budget: number;
  files: string[];
  runs: SearchRunReport[];
  /** the space's best archs as the files recorded them (the best of them where files disagree), or null */
  optimum: { valid: { archIndex: number; accuracy: number }; test: { archIndex: number; accuracy: number } } | null;
}

/**
 * Groups runs by (space, algorithm, dataset, budget): per space (tss before sss) and dataset, in the CLI's algorithm
 * order (REA, RS, REINFORCE, BOHB).
 */
export function groupCampaigns(campaigns: readonly LoadedCampaign[]): CampaignGroup[] {
  const groups = new Map<
    string,
    { space: SpaceName; algorithm: string; dataset: string; budget: number; files: Set<string>; runs: Map<number, SearchRunReport>; optimum: CampaignGroup["optimum"] }
  >();
  for (const c of campaigns) {
    const key = JSON.stringify([c.space, c.algorithm, c.dataset, c.budget]);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { space: c.space, algorithm: c.algorithm, dataset: c.dataset, budget: c.budget, files: new Set(), runs: new Map(), optimum: null }));
    g.files.add(c.file);
    for (const r of c.results) if (!g.runs.has(r.seed)) g.runs.set(r.seed, { ...r, trace: [...r.trace].sort((a, b) => a.time - b.time) });
    if (c.optimum != null) {
      const o = g.optimum;
      g.optimum = {
        valid: o === null || c.optimum.valid.accuracy > o.valid.accuracy ? c.optimum.valid : o.valid,
        test: o === null || c.optimum.test.accuracy > o.test.accuracy ? c.optimum.test : o.test,
      };
    }
  }
  const out = [...groups.values()].map((g) => ({ space: g.space, algorithm: g.algorithm, dataset: g.dataset, budget: g.budget, files: [...g.files], runs: [...g.runs.values()], optimum: g.optimum }));
  // the CLI's algorithm order (REA, RS, REINFORCE, BOHB), then any other name alphabetically
  const rank = (name: string): number => {
    const k = (ALGORITHMS as readonly string[]).indexOf(name);
    return k >= 0 ? k : ALGORITHMS.length;
  };
  out.sort((a, b) => SPACE_NAMES.indexOf(a.space) - SPACE_NAMES.indexOf(b.space) || a.dataset.localeCompare(b.dataset) || rank(a.algorithm) - rank(b.algorithm) || a.algorithm.localeCompare(b.algorithm) || a.budget - b.budget);
  return out;
}

/** Mean ± std of the runs' best-so-far `metric` at `points` evenly spaced times 0..budget (the runs view, the report's plot). */
export function bestSoFarSeries(group: CampaignGroup, metric: RunMetric, points: number): Pick<RunGroup, "time" | "mean" | "std" | "count"> {
  const time = Array.from({ length: points }, (_, k) => (group.budget * k) / (points - 1));
  const mean: (number | null)[] = [];
  const std: (number | null)[] = [];
  const count: number[] = [];
  for (const t of time) {
    const values = group.runs.map((r) => valueAt(r, metric, t)).filter((v): v is number => v !== null);
    const m = meanStd(values);
    mean.push(m?.mean ?? null);
    std.push(m?.std ?? null);
    count.push(values.length);
  }
  return { time, mean, std, count };
}

export function aggregateRuns(campaigns: readonly LoadedCampaign[], metric: RunMetric, points: number, storeOptimum: StoreOptimum = () => null): RunsResponse {
  const out: RunGroup[] = groupCampaigns(campaigns).map((g) => {
    const finals = meanStd(g.runs.map((r) => (metric === "test" ? r.testAccuracy : r.validAccuracy)))!;
    const stored = storeOptimum(g.dataset, metric);
    const recorded = g.optimum?.[metric];
    const optimum: RunGroup["optimum"] =
      stored !== null ? { ...stored, from: "store" } : recorded !== undefined ? { index: recorded.archIndex, accuracy: recorded.accuracy, from: "files" } : null;
    return { space: g.space, algorithm: g.algorithm, dataset: g.dataset, budget: g.budget, runs: g.runs.length, files: g.files, ...bestSoFarSeries(g, metric, points), final: finals, optimum };
  });
  return {
    metric,
    points,
    files: campaigns.map((c) => ({ file: c.file, space: c.space, algorithm: c.algorithm, dataset: c.dataset, budget: c.budget, runs: c.results.length })),
    groups: out,
  };
}

/** Population std (numpy's default), as `aa-nas search` reports it; null for no values. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } | null {
  if (xs.length === 0) return null;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, std: Math.sqrt(ss / xs.length) };
}
