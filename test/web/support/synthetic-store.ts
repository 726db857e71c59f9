/**
 * Synthetic benchmark stores for the explorer's tests and its load-time bench: RunRecords whose accuracies follow the
 * arch's convolutions (so the scatter, Pareto front and correlations have structure) plus per-arch, per-seed noise,
 * written with the store's own writer. Shapes follow the real records: hp '12' and '200', four dataset keys, eval sets
 * per dataset as in NATS, optional latency and times.
 */
import { BenchStore } from "../../../packages/core/src/bench/store.js";
import { datasetInfo, DATASET_KEYS, type DatasetKey, type EvalCurve, type EvalSet, type RunRecord } from "../../../packages/core/src/registry/index.js";
import { archAt, archCosts, isValid, opsOf, PyRandom } from "../../../packages/core/src/space/index.js";

const CEILING: Record<DatasetKey, number> = { "cifar10-valid": 91.7, cifar10: 94.4, cifar100: 73.5, "ImageNet16-120": 47.3 };
export const EVAL_SETS_OF: Record<DatasetKey, EvalSet[]> = {
  "cifar10-valid": ["x-valid", "ori-test"],
  cifar10: ["ori-test"],
  cifar100: ["x-valid", "x-test", "ori-test"],
  "ImageNet16-120": ["x-valid", "x-test", "ori-test"],
};

export interface HpPlan {
  epochs: number;
  /** seeds per arch: a function so some archs can have more trials than others */
  seeds: (archIndex: number) => number[];
  /** eval epochs: 'all' (dense) or only these (the last epoch is always included) */
  evalEpochs: "all" | number[];
  /** store train acc5 and per-epoch times (small stores: yes; the full-size bench keeps records compact) */
  detailed: boolean;
}

export interface SyntheticPlan {
  archs: readonly number[];
  datasets: readonly DatasetKey[];
  hps: Readonly<Record<string, HpPlan>>;
  /**
   * false: store what the lite store imported from the all-arch tables holds (no train curves or losses, each eval set
   * at its last epoch only, no latency), e.g. to see the explorer's "no curves in this store" state
   */
  curves?: boolean;
}

/** A record cut down to what a table import keeps: last-epoch eval accuracies, no curves, no losses, no latency. */
export function withoutCurves(r: RunRecord): RunRecord {
  const last = r.epochs - 1;
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  for (const [set, ev] of Object.entries(r.evals) as [EvalSet, EvalCurve][]) {
    const k = ev.epochs.indexOf(last);
    evals[set] = { epochs: [last], loss: null, acc: ev.acc === null || k < 0 ? null : [ev.acc[k]!], time: null };
  }
  return { ...r, latency: null, train: { loss: null, acc1: null, acc5: null, time: r.train.time }, evals };
}

export const SMALL_HPS: Readonly<Record<string, HpPlan>> = {
  "12": { epochs: 12, seeds: () => [111, 777], evalEpochs: "all", detailed: true },
  "200": { epochs: 200, seeds: (i) => (i % 2 === 0 ? [777, 888, 999] : [777, 888]), evalEpochs: "all", detailed: true },
};

/** Per-arch quality in [0, 1]: 3×3 convolutions matter most, then 1×1; a cell whose output is cut off is worthless. */
export function archQuality(index: number): number {
  const arch = archAt(index);
  if (!isValid(arch)) return 0;
  const ops = opsOf(arch);
  const n3 = ops.filter((o) => o === 3).length;
  const n1 = ops.filter((o) => o === 2).length;
  const skip = ops.filter((o) => o === 1).length;
  return Math.min(1, (3 * n3 + 1.6 * n1 + 0.6 * Math.min(skip, 2)) / 16);
}

/** Mean final accuracy of (arch, dataset, epochs) before seed noise; shorter schedules reach less and rank more noisily. */
export function syntheticAccuracy(index: number, dataset: DatasetKey, epochs: number): number {
  const chance = 100 / datasetInfo(dataset).classes;
  // per (arch, dataset, schedule) noise: datasets and schedules agree on the ranking, but not perfectly
  const rng = new PyRandom(index * 7 + epochs + 100003 * DATASET_KEYS.indexOf(dataset));
  const q = archQuality(index);
  if (q === 0) return chance;
  const reach = epochs >= 100 ? 1 : 0.86;
  const spread = epochs >= 100 ? 0.04 : 0.1;
  const shaped = Math.max(0, Math.min(1, Math.sqrt(q) + spread * (rng.random() - 0.5)));
  return chance + (CEILING[dataset] * reach - chance) * (0.45 + 0.55 * shaped);
}

export function curve(final: number, start: number, epochs: number, rng: PyRandom, jitter: number): number[] {
  const k = 4 / epochs;
  const norm = 1 - Math.exp(-k * epochs);
  return Array.from({ length: epochs }, (_, e) => {
    const progress = (1 - Math.exp(-k * (e + 1))) / norm;
    const noise = e === epochs - 1 ? 0 : jitter * (rng.random() - 0.5);
    // an accuracy near chance (0.83 % on 120 classes) plus noise could leave [0, 100], which the store refuses
    return Math.min(100, Math.max(0, start + (final - start) * progress + noise));
  });
}

export function syntheticRecord(index: number, hp: string, plan: HpPlan, dataset: DatasetKey, seed: number): RunRecord {
  const arch = archAt(index);
  const rng = new PyRandom(index * 1000003 + seed * 31 + plan.epochs);
  const E = plan.epochs;
  const chance = 100 / datasetInfo(dataset).classes;
  const target = syntheticAccuracy(index, dataset, E) + (rng.random() - 0.5) * 0.6;
  const trainAcc = curve(Math.min(99.9, target + 4), chance, E, rng, 1);
  const trainLoss = trainAcc.map((a) => Math.max(0.01, (100 - a) / 25));
  const costs = archCosts(arch, dataset);
  const ops = opsOf(arch);
  const convs = ops.filter((o) => o === 3).length + 0.3 * ops.filter((o) => o === 2).length;
  const epochTime = (dataset === "ImageNet16-120" ? 30 : 10) * (1 + convs / 3);
  const evalEpochs = plan.evalEpochs === "all" ? Array.from({ length: E }, (_, e) => e) : [...new Set([...plan.evalEpochs.filter((e) => e < E - 1), E - 1])].sort((a, b) => a - b);
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  for (const set of EVAL_SETS_OF[dataset]) {
    const offset = set === "x-valid" ? 0 : set === "x-test" ? 0.2 : 0.4;
    const full = curve(target + offset, chance, E, rng, 2);
    const acc = evalEpochs.map((e) => full[e]!);
    evals[set] = {
      epochs: evalEpochs,
      loss: acc.map((a) => Math.max(0.01, (100 - a) / 22)),
      acc,
      time: plan.detailed ? evalEpochs.map(() => epochTime / 5) : null,
    };
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
    latency: [0.004 + 0.0025 * convs + 0.0005 * ((index * 13) % 7) / 7],
    config: { channel: 16, numCells: 5, classNum: datasetInfo(dataset).classes },
    train: {
      loss: trainLoss,
      acc1: trainAcc,
      acc5: plan.detailed ? trainAcc.map((a) => Math.min(100, a + (100 - a) * 0.6)) : null,
      time: plan.detailed ? trainAcc.map(() => epochTime) : null,
    },
    evals,
    provenance: { seedImputed: false, timesEstimated: true, device: null, source: "synthetic:test/web" },
  };
}

/** Writes the plan's records into a new store at `path` (batched transactions); returns the number of runs. */
export function writeSyntheticStore(path: string, plan: SyntheticPlan, onProgress?: (archsDone: number) => void): number {
  const store = BenchStore.create(path, { overwrite: true, createdBy: "test/web synthetic store" });
  let runs = 0;
  try {
    const batch: RunRecord[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      runs += store.putRuns(batch).inserted;
      batch.length = 0;
    };
    plan.archs.forEach((index, k) => {
      for (const [hp, hpPlan] of Object.entries(plan.hps)) {
        for (const dataset of plan.datasets) {
          for (const seed of hpPlan.seeds(index)) {
            const record = syntheticRecord(index, hp, hpPlan, dataset, seed);
            batch.push(plan.curves === false ? withoutCurves(record) : record);
          }
        }
      }
      if (batch.length >= 2000) {
        flush();
        onProgress?.(k + 1);
      }
    });
    flush();
  } finally {
    store.close();
  }
  return runs;
}
