/**
 * The search loop DARTS-V1/V2, GDAS and SETN share (the originals' `search_func`): per step of the paired loader, set
 * the cosine learning rate, assemble the base batch (train half) and the arch batch (valid half), let the algorithm
 * take its weight and α steps, and keep loss/accuracy meters of both sides.
 */
import { performance } from "node:perf_hooks";
import { tidy } from "../tensor/scope.js";
import type { Batch } from "../data/batch.js";
import type { EpochReport } from "./algorithm.js";
import { LossAccMeter, stepsOf, type SearchContextOf } from "./context.js";
import { SetAssembler, planSearchEpoch } from "./search-data.js";

export interface StepResult {
  loss: number;
  logits: Float32Array;
}

export interface PairedEpoch {
  base: { loss: number; acc1: number; acc5: number };
  arch: { loss: number; acc1: number; acc5: number };
  searchSeconds: number;
}

/** Runs one epoch of paired steps; `step` gets the two batches (inside a tensor scope) and returns both outcomes. */
export function runPairedEpoch(ctx: SearchContextOf<unknown>, epoch: number, step: (base: Batch, arch: Batch) => { w: StepResult; a: StepResult }): PairedEpoch {
  const { wOptimizer, schedule, data, settings } = ctx;
  const plan = planSearchEpoch(data, ctx.seed, epoch, settings.weight.batchSize);
  const baseSet = new SetAssembler(data, data.train, settings.weight.batchSize);
  const archSet = new SetAssembler(data, data.valid, settings.weight.batchSize);
  const steps = stepsOf(ctx, plan.bounds.length);
  const baseMeter = new LossAccMeter(data.classNum);
  const archMeter = new LossAccMeter(data.classNum);
  const started = performance.now();
  for (let k = 0; k < steps; k++) {
    wOptimizer.lr = schedule.lrAt(epoch, k / plan.bounds.length);
    const [s, e] = plan.bounds[k]!;
    const baseBatch = baseSet.augmented(plan.base, s, e);
    const archBatch = archSet.augmented(plan.arch, s, e);
    const { w, a } = tidy(() => step(baseBatch, archBatch));
    baseMeter.update(w.loss, w.logits, baseBatch.targets, e - s);
    archMeter.update(a.loss, a.logits, archBatch.targets, e - s);
    ctx.progress({ phase: "search", epoch, epochs: settings.weight.epochs, step: k + 1, steps, loss: baseMeter.loss.avg });
  }
  return { base: baseMeter.summary(), arch: archMeter.summary(), searchSeconds: (performance.now() - started) / 1000 };
}

/** The report of a paired epoch followed by a valid pass: both sides' meters, the valid numbers, the epoch's answer. */
export function pairedEpochReport(r: PairedEpoch, valid: { loss: number; acc1: number }, rest: Pick<EpochReport, "ops" | "extra" | "selectionAcc">): EpochReport {
  return { searchLoss: r.base.loss, searchAcc: r.base.acc1, archLoss: r.arch.loss, archAcc: r.arch.acc1, validLoss: valid.loss, validAcc: valid.acc1, ...rest };
}
