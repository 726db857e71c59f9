/**
 * ENAS (spec §7.2; the original's ENAS.py). Per epoch:
 * 1. shared-CNN epoch over the train set (batch 128): each step a cell sampled by the controller (no gradient), SGD
 *    with clip 5;
 * 2. controller training on the valid set (with the training augmentation, as the original), the supernet in eval
 *    mode: trainSteps × numAggregate samples; reward = top-1/100 on the batch + entropyWeight·entropy; baseline =
 *    the previous epoch's baseline b moved towards the reward, b − (1 − decay)(b − reward) (the reward itself in the
 *    first epoch); loss = −log p · (reward − baseline) / numAggregate, accumulated; every numAggregate samples clip 5
 *    and an Adam step. The last step's baseline is the next epoch's;
 * 3. the epoch's answer: best of `epochSamples` controller samples, each scored on one valid batch.
 * Final answer: best of `numSamples` samples.
 */
import { performance } from "node:perf_hooks";
import { clipGradNorm, noGrad } from "../tensor/autograd.js";
import { Adam } from "../tensor/optim/adam.js";
import { tidy } from "../tensor/scope.js";
import { tensor } from "../tensor/creation.js";
import type { Device } from "../tensor/device.js";
import type { Tensor } from "../tensor/tensor.js";
import { AverageMeter, batchPercent, topkHits } from "../train/meters.js";
import type { AlgorithmRun, EpochReport, FinalSelection } from "./algorithm.js";
import { LossAccMeter, allParameters, clipIfSet, deviceBatch, forwardLoss, pickBest, stepsOf, validPass, validStream, type SearchContext } from "./context.js";
import type { Controller } from "./controller.js";
import { BatchStream } from "./search-data.js";
import type { ControllerSettings } from "./settings.js";
import type { NetworkMode, Supernet } from "./supernet.js";
import type { SGD } from "../tensor/optim/sgd.js";
import type { DeviceBatch } from "../train/device-batch.js";

/** One shared-CNN step: a cell sampled by the controller (no gradient), SGD on its weights with clip over all. */
export function sharedCnnStep(net: Supernet, controller: Controller, wOptimizer: SGD, batch: DeviceBatch, clip: number): { loss: number; logits: Float32Array; ops: number[] } {
  const ops = tidy(() => noGrad(() => controller.sample().ops));
  return tidy(() => {
    wOptimizer.zeroGrad();
    const { loss, logits } = forwardLoss(net, batch, { kind: "fixed", ops });
    loss.backward();
    clipIfSet(allParameters(net), clip);
    wOptimizer.step();
    return { loss: loss.item(), logits: logits.toFloat32Array(), ops };
  });
}

export interface ControllerSampleResult {
  loss: number;
  /** top-1 of the batch as a fraction (float32, as the original's tensor) */
  top1: number;
  reward: number;
  entropy: number;
  baseline: number;
  ops: number[];
}

/**
 * One REINFORCE sample: a cell from the controller scored on the batch (the network as it is, eval mode during
 * controller training, no gradient), reward = top-1 + entropyWeight·entropy, baseline = the top-1 itself when there is
 * no previous baseline, else previous − (1 − decay)(previous − reward); backward of −log p·(reward − baseline) /
 * numAggregate into the controller's gradients.
 */
export function controllerSampleStep(
  controller: Controller,
  net: Supernet,
  batch: DeviceBatch,
  targets: Int32Array,
  classNum: number,
  previous: number | null,
  c: ControllerSettings,
): ControllerSampleResult {
  return tidy(() => {
    const sample = controller.sample();
    const logits = noGrad(() => net.forward(batch.inputs, { kind: "fixed", ops: sample.ops }).logits.toFloat32Array());
    const hits = topkHits(logits, targets, classNum);
    const top1 = Math.fround(batchPercent(hits.top1, targets.length) / 100);
    const device = sample.entropy.device;
    const reward = sample.entropy.mul(pythonNumber(c.entropyWeight, device)).add(top1);
    const base: Tensor | number = previous === null ? top1 : reward.rsub(previous).mul(pythonNumber(1 - c.baselineDecay, device)).rsub(previous);
    const loss = sample.logProb.mul(-1).mul(reward.sub(base));
    loss.div(c.numAggregate).backward();
    return {
      loss: loss.item(),
      top1,
      reward: reward.item(),
      entropy: sample.entropy.item(),
      baseline: typeof base === "number" ? base : base.item(),
      ops: sample.ops,
    };
  });
}

/**
 * A Python number as a factor of the original's tensor expressions (`w * entropy`): PyTorch wraps it as a scalar
 * that computes in the tensor's float32, in the forward and in the backward. Tensor.mul(number) is libtorch's
 * mul.Scalar, whose backward multiplies a 0-d gradient by a float64 0-d tensor — in double, which rounds the
 * controller's gradients differently. A float32 0-d tensor computes as the wrapped scalar does.
 */
function pythonNumber(x: number, device: Device): Tensor {
  return tensor(Float32Array.of(x), [], { device });
}

/** The controller's update after numAggregate samples: clip the accumulated gradient, Adam step. */
export function controllerUpdate(controller: Controller, cOptimizer: Adam, clip: number): void {
  clipGradNorm(controller.parameters(), clip);
  cOptimizer.step();
}

export function createEnas(ctx: SearchContext, controller: Controller): AlgorithmRun {
  const { net, wOptimizer, schedule, data, settings } = ctx;
  const c = settings.controller;
  const cOptimizer = new Adam(controller.parameters(), { lr: c.lr, betas: c.betas, eps: c.eps });
  let baseline: number | null = null;

  function* controllerCandidates(count: number): Generator<number[]> {
    for (let i = 0; i < count; i++) yield tidy(() => noGrad(() => controller.sample().ops));
  }
  const select = (epoch: number, count: number): FinalSelection => {
    const best = pickBest(ctx, epoch, controllerCandidates(count), count, { augment: true, batchSize: settings.weight.testBatchSize });
    return { ops: best.ops, selectionAcc: best.accuracy };
  };

  function trainSharedCnn(epoch: number): { loss: number; acc1: number } {
    net.train();
    const stream = new BatchStream({ data, images: data.train, batchSize: settings.weight.batchSize, augment: true, seed: ctx.seed, stream: "weights", epoch });
    const loaderLength = stream.batchesPerPass;
    const steps = stepsOf(ctx, loaderLength);
    const meter = new LossAccMeter(data.classNum);
    for (let step = 0; step < steps; step++) {
      wOptimizer.lr = schedule.lrAt(epoch, step / loaderLength);
      const batch = stream.next();
      const r = sharedCnnStep(net, controller, wOptimizer, deviceBatch(ctx, batch), settings.weight.gradientClip);
      meter.update(r.loss, r.logits, batch.targets, batch.size);
      ctx.progress({ phase: "shared-cnn", epoch, epochs: settings.weight.epochs, step: step + 1, steps, loss: meter.loss.avg });
    }
    const m = meter.summary();
    return { loss: m.loss, acc1: m.acc1 };
  }

  function trainController(epoch: number): { loss: number; acc: number; reward: number; entropy: number; baseline: number } {
    net.eval();
    const stream = validStream(ctx, epoch, "controller", { augment: true, batchSize: settings.weight.batchSize });
    const total = c.trainSteps * c.numAggregate;
    const steps = ctx.maxSteps === null ? total : Math.min(total, ctx.maxSteps * c.numAggregate);
    const meters = { loss: new AverageMeter(), acc: new AverageMeter(), reward: new AverageMeter(), entropy: new AverageMeter() };
    const previous = baseline;
    let lastBaseline = previous ?? 0;
    controller.zeroGrad();
    try {
      for (let step = 0; step < steps; step++) {
        const batch = stream.next();
        const r = controllerSampleStep(controller, net, deviceBatch(ctx, batch), batch.targets.subarray(0, batch.size), data.classNum, previous, c);
        meters.loss.update(r.loss, 1);
        meters.acc.update(r.top1 * 100, 1);
        meters.reward.update(r.reward, 1);
        meters.entropy.update(r.entropy, 1);
        lastBaseline = r.baseline;
        if ((step + 1) % c.numAggregate === 0) {
          controllerUpdate(controller, cOptimizer, c.gradientClip);
          controller.zeroGrad();
        }
        ctx.progress({ phase: "controller", epoch, epochs: settings.weight.epochs, step: step + 1, steps, loss: meters.loss.avg });
      }
    } finally {
      net.train();
    }
    baseline = lastBaseline;
    return { loss: meters.loss.avg, acc: meters.acc.avg, reward: meters.reward.avg, entropy: meters.entropy.avg, baseline: lastBaseline };
  }

  return {
    parts: () => ({ modules: { ctl: controller }, optimizers: { copt: cOptimizer } }),
    state: () => ({ baseline }),
    restore: (s) => {
      baseline = s.baseline ?? null;
    },
    runEpoch(epoch: number): EpochReport {
      const started = performance.now();
      const cnn = trainSharedCnn(epoch);
      const ctl = trainController(epoch);
      const searchSeconds = (performance.now() - started) / 1000;
      const chosen = select(epoch, c.epochSamples);
      const valid = validPass<NetworkMode>(ctx, epoch, () => ({ kind: "fixed", ops: chosen.ops }), { augment: true });
      return {
        searchLoss: cnn.loss,
        searchAcc: cnn.acc1,
        archLoss: ctl.loss,
        archAcc: ctl.acc,
        validLoss: valid.loss,
        validAcc: valid.acc1,
        ops: chosen.ops,
        selectionAcc: chosen.selectionAcc!,
        extra: { searchSeconds, lr: wOptimizer.lr, baseline: ctl.baseline, reward: ctl.reward, entropy: ctl.entropy },
      };
    },
    finish: () => select(settings.weight.epochs, c.numSamples),
    dispose: () => cOptimizer.dispose(),
  };
}
