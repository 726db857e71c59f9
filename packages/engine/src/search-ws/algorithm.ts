/** The contract between the search runner (runner.ts) and one algorithm (darts.ts, gdas.ts, …). */
import type { Module } from "../tensor/nn/module.js";
import type { Optimizer } from "../tensor/optim/optimizer.js";

/** What one search epoch reports (losses in nats, accuracies in percent). */
export interface EpochReport {
  /** weight steps: mean loss / top-1 on the base batches */
  searchLoss: number;
  searchAcc: number;
  /** architecture steps (α or controller): mean loss / top-1 where the algorithm has them */
  archLoss?: number;
  archAcc?: number;
  /** the epoch's valid pass (`valid_func`) */
  validLoss?: number;
  validAcc?: number;
  /** this epoch's architecture, op indices in canonical edge order */
  ops: number[];
  /** accuracy of the chosen candidate on its one valid batch (SETN, ENAS, RSPS) */
  selectionAcc?: number;
  /** algorithm-specific numbers: tau, controller baseline / reward / entropy, … */
  extra?: Record<string, number>;
}

export interface FinalSelection {
  ops: number[];
  /** accuracy of the chosen candidate on its one valid batch (SETN, ENAS, RSPS) */
  selectionAcc?: number;
}

/** Extra state an algorithm saves in a checkpoint beyond the supernet and the weight optimizer. */
export interface CheckpointParts {
  modules: Record<string, Module>;
  optimizers: Record<string, Optimizer>;
}

export interface AlgorithmRun {
  parts(): CheckpointParts;
  /** JSON-serialisable scalars (e.g. ENAS's baseline) */
  state(): Record<string, number | null>;
  restore(state: Record<string, number | null>): void;
  runEpoch(epoch: number): EpochReport;
  /** the algorithm's answer after the last epoch (`lastOps` = the last epoch's report) */
  finish(lastOps: number[] | null): FinalSelection;
  dispose(): void;
}
