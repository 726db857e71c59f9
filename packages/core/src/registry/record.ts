/**
 * One training run as the benchmark stores it: an architecture trained on one dataset key with one seed under one
 * hyper-parameter setting. This is the unit that the trainer writes, importers produce and the store holds; it keeps the
 * original record's semantics (spec §5.6) with arrays instead of `{epoch: value}` dicts.
 */
import type { EvalSet, RecordDatasetKey } from "./datasets.js";

/** Per-epoch curve of the training pass; index = epoch (0-based), all epochs run so far present. */
export interface TrainCurve {
  /** null: the source did not record this metric (a lite store from all-arch tables); never NaN placeholders */
  loss: number[] | null;
  /** null: not recorded by the source, like `loss` */
  acc1: number[] | null;
  /** top-5 accuracy; null where the source did not keep it (200-epoch NATS records). */
  acc5: number[] | null;
  /** seconds per epoch; null where the source has no times. */
  time: number[] | null;
}

/** A sparse evaluation curve: values exist only at `epochs` (ascending). */
export interface EvalCurve {
  epochs: number[];
  /** null: the source did not record this metric at any of `epochs` (a table holds accuracies, not losses) */
  loss: number[] | null;
  /** null: not recorded by the source, like `loss` */
  acc: number[] | null;
  /** seconds of the evaluation pass at each listed epoch; null where unknown. */
  time: number[] | null;
  /**
   * Times for every epoch 0..E-1 when the source defines them there even without accuracies (the v1.1 / NATS
   * pseudo eval times are written for all epochs, spec §5.5). Null when times exist only at `epochs`.
   */
  timeAllEpochs?: number[] | null;
}

/**
 * The provenance source of a record derived from all-arch tables ("table:<files and derivation>"): such a record
 * holds null for the curves its tables do not have, and its note says which table each value came from.
 */
export const TABLE_SOURCE_PREFIX = "table:";

/** Epochs of the training curve: the length of whichever of its curves the source recorded (0 when none). */
export function trainedEpochs(train: TrainCurve): number {
  return (train.loss ?? train.acc1 ?? train.acc5 ?? train.time)?.length ?? 0;
}

export interface Provenance {
  /** true when the seed was not recorded and was assigned by convention (e.g. a peer table's column order). */
  seedImputed: boolean;
  /** true when times are estimates (the v1.1 pseudo times, or a table's derived values) rather than measurements. */
  timesEstimated: boolean;
  /** device the run (or its latency) was measured on, e.g. "cpu", "cuda:NVIDIA H100", or null when unknown. */
  device: string | null;
  /** where the record came from: "nats-tss-v1_0-3ffb9", "aa-nas train", "table:nats_bench.csv", … */
  source: string;
}

export interface RunRecord {
  /** benchmark index in the store's search space: 0..15624 (tss) or 0..32767 (sss) */
  archIndex: number;
  arch: string;
  /** hyper-parameter setting name: "12", "200", or another stored name */
  hp: string;
  dataset: RecordDatasetKey;
  seed: number;
  /** total epochs of the schedule (12 or 200 for the benchmark); curves may be shorter only for unfinished runs */
  epochs: number;
  /** MB of parameters, as the original stores it */
  params: number;
  /** MFLOPs (MACs), as the original stores it */
  flops: number;
  /** seconds per batch of 256 (spec §5.4); null when not measured */
  latency: number[] | null;
  /** the network config: C and N of a tss TinyNetwork; for sss the stem width C1 and 1 (the widths are the arch string) */
  config: { channel: number; numCells: number; classNum: number };
  train: TrainCurve;
  evals: Partial<Record<EvalSet, EvalCurve>>;
  provenance: Provenance;
}
