/**
 * What every weight-sharing algorithm shares: the supernet, the SGD on its weights with the per-epoch cosine
 * schedule, batches moved to the device, loss/accuracy meters and progress reporting.
 */
import { performance } from "node:perf_hooks";
import { clipGradNorm, noGrad } from "../tensor/autograd.js";
import type { Device } from "../tensor/device.js";
import { crossEntropy } from "../tensor/functional.js";
import { CosineSchedule } from "../tensor/optim/schedule.js";
import { SGD } from "../tensor/optim/sgd.js";
import { tidy } from "../tensor/scope.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../tensor/nn/module.js";
import type { Batch } from "../data/batch.js";
import { toDevice, type DeviceBatch } from "../train/device-batch.js";
import { AverageMeter, batchPercent, topkHits } from "../train/meters.js";
import { BatchStream, type SearchData, type StreamName } from "./search-data.js";
import type { WsSettings } from "./settings.js";
import type { Supernet } from "./supernet.js";

export type WsPhase = "search" | "shared-cnn" | "controller" | "valid" | "select";

export interface WsProgress {
  phase: WsPhase;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** running loss of the phase, when it has one */
  loss?: number;
}

/** What the shared helpers need of a search network: a forward in its own kind of mode, and its weights. */
export interface SearchNetwork<M> extends Module {
  forward(x: Tensor, mode: M): { logits: Tensor };
  weights(): Tensor[];
}

/** The topology searches' context; the size searches use `SearchContextOf<SizeSupernet>`. */
export type SearchContext = SearchContextOf<Supernet>;

export interface SearchContextOf<Net> {
  net: Net;
  data: SearchData;
  settings: WsSettings;
  seed: number;
  device: Device;
  /** SGD over the network weights (α excluded) */
  wOptimizer: SGD;
  schedule: CosineSchedule;
  /** cap on the steps of each training phase per epoch (tests, quick runs); null = full epochs */
  maxSteps: number | null;
  /** cap on the batches of each full valid pass; null = the whole valid set */
  evalBatches: number | null;
  progress(p: WsProgress): void;
}

export function createWeightOptimizer(net: { weights(): Tensor[] }, settings: WsSettings): { optimizer: SGD; schedule: CosineSchedule } {
  const w = settings.weight;
  const optimizer = new SGD(net.weights(), { lr: w.lr, momentum: w.momentum, weightDecay: w.weightDecay, nesterov: w.nesterov });
  const schedule = new CosineSchedule({ baseLr: w.lr, epochs: w.epochs, tMax: w.tMax ?? w.epochs, etaMin: w.etaMin });
  return { optimizer, schedule };
}

export function deviceBatch(ctx: SearchContextOf<unknown>, batch: Batch): DeviceBatch {
  return toDevice(batch, ctx.data.shape, ctx.device);
}

/** Steps a phase runs: the loader's length, or the cap. */
export function stepsOf(ctx: SearchContextOf<unknown>, loaderLength: number): number {
  return ctx.maxSteps === null ? loaderLength : Math.min(loaderLength, ctx.maxSteps);
}

export function forwardLoss<M>(net: SearchNetwork<M>, b: DeviceBatch, mode: M): { loss: Tensor; logits: Tensor } {
  const logits = net.forward(b.inputs, mode).logits;
  return { loss: crossEntropy(logits, b.targets), logits };
}

/** Batch-size-weighted loss, top-1 and top-5 (percent), as the originals' AverageMeters. */
export class LossAccMeter {
  readonly loss = new AverageMeter();
  readonly top1 = new AverageMeter();
  readonly top5 = new AverageMeter();
  constructor(private readonly classNum: number) {}
  update(loss: number, logits: Float32Array, targets: Int32Array, n: number): { top1: number } {
    const hits = topkHits(logits, targets.subarray(0, n), this.classNum);
    const top1 = batchPercent(hits.top1, n);
    this.loss.update(loss, n);
    this.top1.update(top1, n);
    this.top5.update(batchPercent(hits.top5, n), n);
    return { top1 };
  }
  summary(): { loss: number; acc1: number; acc5: number } {
    return { loss: this.loss.avg, acc1: this.top1.avg, acc5: this.top5.avg };
  }
}

/** clip_grad_norm_ over the given parameters when the setting asks for it. */
export function clipIfSet(params: readonly Tensor[], maxNorm: number): void {
  if (maxNorm > 0) clipGradNorm(params, maxNorm);
}

/** All parameters of the supernet (α included): what `network.parameters()` clips in the originals. */
export function allParameters(net: Supernet): Tensor[] {
  return net.parameters();
}

/** A plain (test-transform) or augmented stream over the valid set. */
export function validStream(ctx: SearchContextOf<unknown>, epoch: number, stream: StreamName, o: { augment: boolean; batchSize: number }): BatchStream {
  return new BatchStream({ data: ctx.data, images: ctx.data.valid, batchSize: o.batchSize, augment: o.augment, seed: ctx.seed, stream, epoch });
}

/**
 * One pass over the valid set in eval mode without gradients (the originals' `valid_func`); `modeFor(step)` picks the
 * network mode per batch (RSPS draws a random architecture per batch).
 */
export function validPass<M>(ctx: SearchContextOf<SearchNetwork<M>>, epoch: number, modeFor: (step: number) => NoInfer<M>, o: { augment?: boolean } = {}): { loss: number; acc1: number; acc5: number; time: number } {
  const stream = validStream(ctx, epoch, "valid", { augment: o.augment ?? false, batchSize: ctx.settings.weight.testBatchSize });
  const steps = ctx.evalBatches === null ? stream.batchesPerPass : Math.min(stream.batchesPerPass, ctx.evalBatches);
  const meter = new LossAccMeter(ctx.data.classNum);
  const start = performance.now();
  ctx.net.eval();
  try {
    for (let step = 0; step < steps; step++) {
      const batch = stream.next();
      const r = tidy(() =>
        noGrad(() => {
          const mode = modeFor(step);
          const { loss, logits } = forwardLoss(ctx.net, deviceBatch(ctx, batch), mode);
          return { loss: loss.item(), logits: logits.toFloat32Array() };
        }),
      );
      meter.update(r.loss, r.logits, batch.targets, batch.size);
      ctx.progress({ phase: "valid", epoch, epochs: ctx.settings.weight.epochs, step: step + 1, steps, loss: meter.loss.avg });
    }
  } finally {
    ctx.net.train();
  }
  return { ...meter.summary(), time: (performance.now() - start) / 1000 };
}

/** Top-1 accuracy (percent) of one architecture on one batch, eval mode, no gradients. */
export function scoreOnBatch(ctx: SearchContext, ops: readonly number[], batch: Batch): number {
  const logits = tidy(() => noGrad(() => ctx.net.forward(deviceBatch(ctx, batch).inputs, { kind: "fixed", ops }).logits.toFloat32Array()));
  const hits = topkHits(logits, batch.targets.subarray(0, batch.size), ctx.data.classNum);
  return batchPercent(hits.top1, batch.size);
}

/**
 * Scores candidates on consecutive valid batches (one batch each, the loader restarting when exhausted) and returns
 * the first best, as the originals' `get_best_arch` / `search_find_best` (`np.argmax`).
 */
export function pickBest(
  ctx: SearchContext,
  epoch: number,
  candidates: Iterable<readonly number[]>,
  count: number,
  o: { augment: boolean; batchSize: number },
): { ops: number[]; accuracy: number; scored: number } {
  const stream = validStream(ctx, epoch, "selection", o);
  let best: { ops: number[]; accuracy: number } | null = null;
  let scored = 0;
  ctx.net.eval();
  try {
    for (const ops of candidates) {
      const acc = scoreOnBatch(ctx, ops, stream.next());
      scored++;
      if (best === null || acc > best.accuracy) best = { ops: [...ops], accuracy: acc };
      ctx.progress({ phase: "select", epoch, epochs: ctx.settings.weight.epochs, step: scored, steps: count });
    }
  } finally {
    ctx.net.train();
  }
  if (best === null) throw new Error("pickBest: no candidates");
  return { ...best, scored };
}
