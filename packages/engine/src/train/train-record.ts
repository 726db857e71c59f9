/** Helpers for the record a training run produces (a benchmark RunRecord). */
import type { EvalSet, RunRecord } from "@aa-nas/core/registry/index.js";

export const TRAIN_SOURCE = "aa-nas train";

export function emptyCurves(sets: readonly EvalSet[]): Pick<RunRecord, "train" | "evals"> {
  const evals: RunRecord["evals"] = {};
  for (const s of sets) evals[s] = { epochs: [], loss: [], acc: [], time: [] };
  return { train: { loss: [], acc1: [], acc5: [], time: [] }, evals };
}

/** A deep copy (records handed to callbacks must not change under them). */
export function copyRecord(r: RunRecord): RunRecord {
  return JSON.parse(JSON.stringify(r)) as RunRecord;
}
