/** The record a training run produces: a RunRecord, except that the dataset may be this project's extra key. */
import type { EvalSet, RunRecord } from "../core/index.js";
import { UserError } from "../errors.js";
import { isBenchmarkKey, type RecordDatasetKey } from "../core/index.js";

export type TrainRecord = Omit<RunRecord, "dataset"> & { dataset: RecordDatasetKey };

export const TRAIN_SOURCE = "aa-nas train";

export function emptyCurves(sets: readonly EvalSet[]): Pick<TrainRecord, "train" | "evals"> {
  const evals: TrainRecord["evals"] = {};
  for (const s of sets) evals[s] = { epochs: [], loss: [], acc: [], time: [] };
  return { train: { loss: [], acc1: [], acc5: [], time: [] }, evals };
}

/** A deep copy (records handed to callbacks must not change under them). */
export function copyRecord(r: TrainRecord): TrainRecord {
  return JSON.parse(JSON.stringify(r)) as TrainRecord;
}

/** The record as a benchmark RunRecord (only for the four benchmark dataset keys). */
export function toRunRecord(r: TrainRecord): RunRecord {
  const dataset = r.dataset;
  if (!isBenchmarkKey(dataset)) throw new UserError(`a '${dataset}' training record is not a benchmark record (benchmark keys: cifar10-valid, cifar10, cifar100, ImageNet16-120)`);
  return { ...r, dataset };
}
