/** Per-seed training and evaluation curves of one (arch, hp, dataset), for the architecture page's line charts. */
import type { BenchStore } from "@aa-nas/core/bench/store.js";
import type { DatasetKey, EvalSet } from "@aa-nas/core/registry/index.js";

export interface SeedCurves {
  seed: number;
  /** epochs of the schedule */
  epochs: number;
  /** null: not in this store (the source did not record the curve, e.g. a store built from all-arch tables) */
  train: { loss: number[] | null; acc1: number[] | null; acc5: number[] | null };
  /** sparse: values only at `epochs`; null curves as in `train` */
  evals: Partial<Record<EvalSet, { epochs: number[]; loss: number[] | null; acc: number[] | null }>>;
}

export interface CurvesResponse {
  index: number;
  hp: string;
  dataset: DatasetKey;
  runs: SeedCurves[];
  /**
   * false when no run holds a curve, i.e. no train curve and no eval curve with more than one epoch: a store built from
   * all-arch tables keeps only last-epoch accuracies, and the page says "no curves in this store" instead of charts
   */
  curvesStored: boolean;
}

/** A stored series: the store reads an absent one as null or as a zero-length array (a zero-length BLOB). */
const stored = (x: readonly number[] | null): boolean => x !== null && x.length > 0;

function hasCurve(run: SeedCurves): boolean {
  if (stored(run.train.loss) || stored(run.train.acc1) || stored(run.train.acc5)) return true;
  return Object.values(run.evals).some((ev) => ev.epochs.length > 1 && (ev.loss !== null || ev.acc !== null));
}

const orNull = (x: Float64Array | null): number[] | null => (x === null ? null : Array.from(x));

export function curvesOf(store: BenchStore, index: number, hp: string, dataset: DatasetKey): CurvesResponse {
  const runs = store.loadRuns(index, hp, dataset).map((run): SeedCurves => {
    const evals: SeedCurves["evals"] = {};
    for (const set of run.evalOrder) {
      const ev = run.evals[set];
      if (ev === undefined) continue;
      const epochs = ev.epochs === null ? Array.from({ length: ev.length }, (_, i) => i) : Array.from(ev.epochs);
      evals[set] = { epochs, loss: orNull(ev.loss), acc: orNull(ev.acc) };
    }
    return {
      seed: run.seed,
      epochs: run.epochs,
      train: { loss: orNull(run.trainLoss), acc1: orNull(run.trainAcc1), acc5: orNull(run.trainAcc5) },
      evals,
    };
  });
  return { index, hp, dataset, runs, curvesStored: runs.some(hasCurve) };
}
