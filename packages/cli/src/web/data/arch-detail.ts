/** The architecture page's data: identity, cell edges, isomorphism class, costs and final accuracies per (hp, dataset). */
import { MetricUnavailableError } from "@aa-nas/core/bench/errors.js";
import { DATASET_KEYS, type DatasetKey } from "@aa-nas/core/registry/index.js";
import type { NasBench } from "@aa-nas/core/bench/api.js";
import { archAt, archCosts, COST_DATASETS, EDGES, isValid, OPS, opsOf, parseSizeArch, sizeArchAt, sizeArchCosts, type ArchCosts, type OpName } from "@aa-nas/core/space/index.js";
import { isomorphismClassOf } from "./isomorphism.js";
import { ACCURACY_SETS, DEFAULT_SET, type AccuracySet } from "./metric-sets.js";

export interface ArchResult {
  hp: string;
  dataset: DatasetKey;
  seeds: number[];
  flops: number;
  params: number;
  /** seconds per batch of 256; null when not measured */
  latency: number | null;
  /** mean last-epoch accuracy over the seeds; null where the record has no value (the original raises) */
  final: Record<AccuracySet, number | null>;
  defaultSet: AccuracySet;
}

export interface ArchDetail {
  space: "tss";
  index: number;
  arch: string;
  /** op per edge, edges in canonical order (`edges`) */
  ops: OpName[];
  edges: Array<[to: number, from: number]>;
  valid: boolean;
  uniqueStr: string;
  /** the other archs of the isomorphism class (uniqueStr with considerZero = true) */
  isomorphs: Array<{ index: number; arch: string }>;
  /** closed-form params / FLOPs of spec §2.5 per dataset, whether or not the store holds runs */
  closedFormCosts: Record<string, ArchCosts>;
  results: ArchResult[];
}

export function archDetail(bench: NasBench, index: number): ArchDetail {
  const arch = archAt(index);
  const cls = isomorphismClassOf(index);
  const results = resultsOf(bench, index);
  return {
    space: "tss",
    index,
    arch,
    ops: opsOf(arch).map((o) => OPS[o]!),
    edges: EDGES.map(([to, from]) => [to, from]),
    valid: isValid(arch),
    uniqueStr: cls.uniqueStr,
    isomorphs: cls.members.filter((i) => i !== index).map((i) => ({ index: i, arch: archAt(i) })),
    closedFormCosts: Object.fromEntries(COST_DATASETS.map((d) => [d, archCosts(arch, d)])),
    results,
  };
}

/** A size-space config: no cell to draw (every config has the same cell), its five widths instead. */
export interface SizeArchDetail {
  space: "sss";
  index: number;
  /** the channel string C1:C2:C3:C4:C5 */
  arch: string;
  channels: number[];
  /** closed-form params / FLOPs per dataset, whether or not the store holds runs */
  closedFormCosts: Record<string, ArchCosts>;
  results: ArchResult[];
}

export function sizeArchDetail(bench: NasBench, index: number): SizeArchDetail {
  const arch = sizeArchAt(index);
  return {
    space: "sss",
    index,
    arch,
    channels: parseSizeArch(arch),
    closedFormCosts: Object.fromEntries(COST_DATASETS.map((d) => [d, sizeArchCosts(arch, d)])),
    results: resultsOf(bench, index),
  };
}

function resultsOf(bench: NasBench, index: number): ArchResult[] {
  const results: ArchResult[] = [];
  for (const hp of bench.store.hpsOf(index)) {
    const stored = bench.store.datasetsOf(index, hp);
    for (const dataset of DATASET_KEYS.filter((d) => stored.includes(d))) results.push(resultOf(bench, index, hp, dataset));
  }
  return results;
}

function resultOf(bench: NasBench, index: number, hp: string, dataset: DatasetKey): ArchResult {
  const runs = bench.store.loadRuns(index, hp, dataset);
  const seeds = runs.map((r) => r.seed);
  let costs: { flops: number; params: number; latency: number | null };
  try {
    costs = bench.getCostInfo(index, dataset, { hp });
  } catch (e) {
    // per-seed costs disagree without a seed-888 trial to settle them (the original raises): show the first seed's
    if (!(e instanceof MetricUnavailableError)) throw e;
    costs = { flops: runs[0]!.flops, params: runs[0]!.params, latency: null };
  }
  const final = Object.fromEntries(ACCURACY_SETS.map((set) => [set, finalAccuracy(bench, index, hp, dataset, set)])) as Record<AccuracySet, number | null>;
  return { hp, dataset, seeds, flops: costs.flops, params: costs.params, latency: costs.latency, final, defaultSet: DEFAULT_SET[dataset] };
}

function finalAccuracy(bench: NasBench, index: number, hp: string, dataset: DatasetKey, set: AccuracySet): number | null {
  try {
    return bench.getMetrics(index, dataset, set, { hp }).accuracy;
  } catch (e) {
    if (e instanceof MetricUnavailableError) return null;
    throw e;
  }
}
