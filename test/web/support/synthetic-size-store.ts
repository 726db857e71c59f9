/**
 * Synthetic size-space (sss) stores for the explorer's tests and screenshots: RunRecords of channel configs whose
 * accuracy grows with the widths (later positions weigh more, with diminishing returns) plus per-config noise, built
 * with the size space's own costs and stored config and written with the store's writer into an sss store.
 */
import { BenchStore } from "../../../packages/core/src/bench/store.js";
import { datasetInfo, DATASET_KEYS, type DatasetKey, type EvalCurve, type EvalSet, type RunRecord } from "../../../packages/core/src/registry/index.js";
import { parseSizeArch, PyRandom, searchSpace, SIZE_CANDIDATES, sizeArchAt, sizeIndexOf } from "../../../packages/core/src/space/index.js";
import { curve, EVAL_SETS_OF, withoutCurves } from "./synthetic-store.js";

const SSS = searchSpace("sss");
const CEILING: Record<DatasetKey, number> = { "cifar10-valid": 90.5, cifar10: 93.6, cifar100: 70.9, "ImageNet16-120": 45.2 };
/** how much each position's width matters (the last stages carry the most channels into the classifier) */
const WEIGHT = [0.12, 0.16, 0.2, 0.24, 0.28];

export interface SizeHpPlan {
  epochs: number;
  seeds: readonly number[];
}

/** The sss hps of the released benchmark, shortened: '01' one epoch, '12' with three seeds, '90' cut to 6 epochs. */
export const SMALL_SIZE_HPS: Readonly<Record<string, SizeHpPlan>> = {
  "01": { epochs: 1, seeds: [777] },
  "12": { epochs: 12, seeds: [777, 888, 999] },
  "90": { epochs: 6, seeds: [777] },
};

/** Per-config quality in [0, 1]: a weighted mean of each width's log-scaled fraction of the widest (64). */
export function sizeQuality(index: number): number {
  const channels = parseSizeArch(sizeArchAt(index));
  return channels.reduce((q, c, k) => q + WEIGHT[k]! * (Math.log2(c / 8) / 3), 0);
}

export function syntheticSizeRecord(index: number, hp: string, plan: SizeHpPlan, dataset: DatasetKey, seed: number): RunRecord {
  const arch = sizeArchAt(index);
  const rng = new PyRandom(index * 1000003 + seed * 31 + plan.epochs + 7919 * DATASET_KEYS.indexOf(dataset));
  const E = plan.epochs;
  const classes = datasetInfo(dataset).classes;
  const chance = 100 / classes;
  const reach = E >= 6 ? 1 : E >= 2 ? 0.9 : 0.6;
  const target = chance + (CEILING[dataset] * reach - chance) * (0.55 + 0.45 * sizeQuality(index)) + (rng.random() - 0.5) * 1.2;
  const trainAcc = curve(Math.min(99.9, target + 3), chance, E, rng, 1);
  const costs = SSS.costs(arch, dataset);
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  const epochs = Array.from({ length: E }, (_, e) => e);
  for (const set of EVAL_SETS_OF[dataset]) {
    const acc = curve(target + (set === "x-valid" ? 0 : 0.3), chance, E, rng, 2);
    evals[set] = { epochs, loss: acc.map((a) => Math.max(0.01, (100 - a) / 22)), acc, time: epochs.map(() => 2) };
  }
  return {
    archIndex: index,
    arch,
    hp,
    dataset,
    seed,
    epochs: E,
    params: costs.params,
    flops: costs.flops,
    latency: [0.002 + costs.flops / 40000],
    config: SSS.storedConfig(arch, classes),
    train: { loss: trainAcc.map((a) => Math.max(0.01, (100 - a) / 25)), acc1: trainAcc, acc5: null, time: trainAcc.map(() => 8) },
    evals,
    provenance: { seedImputed: false, timesEstimated: true, device: null, source: "synthetic:test/web sss" },
  };
}

/**
 * `count` (≥ 8) distinct configs, ascending: the eight uniform ones (w:w:w:w:w, so every width appears at every
 * position) and the rest drawn at random with a fixed seed.
 */
export function spreadSizeArchs(count: number): number[] {
  const picked = new Set(SIZE_CANDIDATES.map((w) => sizeIndexOf(Array(5).fill(w).join(":"))));
  const rng = new PyRandom(20261207);
  while (picked.size < count) picked.add(Math.floor(rng.random() * SSS.size));
  return [...picked].sort((a, b) => a - b);
}

/** Writes the configs' records into a new sss store at `path`; returns the number of runs. */
export function writeSyntheticSizeStore(
  path: string,
  plan: { archs: readonly number[]; datasets: readonly DatasetKey[]; hps?: Readonly<Record<string, SizeHpPlan>>; curves?: boolean },
): number {
  const store = BenchStore.create(path, { overwrite: true, createdBy: "test/web synthetic sss store", space: "sss" });
  try {
    const records: RunRecord[] = [];
    for (const index of plan.archs) {
      // hp names in string order ('01' before '12'; Object.entries would put integer-like keys first), as imported
      for (const [hp, hpPlan] of Object.entries(plan.hps ?? SMALL_SIZE_HPS).sort(([a], [b]) => (a < b ? -1 : 1))) {
        for (const dataset of plan.datasets) {
          for (const seed of hpPlan.seeds) {
            const r = syntheticSizeRecord(index, hp, hpPlan, dataset, seed);
            records.push(plan.curves === false ? withoutCurves(r) : r);
          }
        }
      }
    }
    return store.putRuns(records).inserted;
  } finally {
    store.close();
  }
}
