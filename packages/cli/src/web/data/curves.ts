/** Per-seed training and evaluation curves of one (arch, hp, dataset), for the architecture page's line charts. */
import type { BenchStore } from "@aa-nas/core/bench/store.js";
import type { DatasetKey, EvalSet } from "@aa-nas/core/registry/index.js";

export interface SeedCurves {
  seed: number;
  /** epochs of the schedule */
  epochs: number;
  train: { loss: number[]; acc1: number[]; acc5: number[] | null };
  /** sparse: values only at `epochs` */
  evals: Partial<Record<EvalSet, { epochs: number[]; loss: number[]; acc: number[] }>>;
}

export interface CurvesResponse {
  index: number;
  hp: string;
  dataset: DatasetKey;
  runs: SeedCurves[];
}

export function curvesOf(store: BenchStore, index: number, hp: string, dataset: DatasetKey): CurvesResponse {
  const runs = store.loadRuns(index, hp, dataset).map((run): SeedCurves => {
    const evals: SeedCurves["evals"] = {};
    for (const set of run.evalOrder) {
      const ev = run.evals[set];
      if (ev === undefined) continue;
      const epochs = ev.epochs === null ? Array.from({ length: ev.loss.length }, (_, i) => i) : Array.from(ev.epochs);
      evals[set] = { epochs, loss: Array.from(ev.loss), acc: Array.from(ev.acc) };
    }
    return {
      seed: run.seed,
      epochs: run.epochs,
      train: { loss: Array.from(run.trainLoss), acc1: Array.from(run.trainAcc1), acc5: run.trainAcc5 === null ? null : Array.from(run.trainAcc5) },
      evals,
    };
  });
  return { index, hp, dataset, runs };
}
