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
import { clipGradNorm, noGrad } from "../../engine/autograd.js";
import { Adam } from "../../engine/optim/adam.js";
import { tidy } from "../../engine/scope.js";
import type { Tensor } from "../../engine/tensor.js";
import { AverageMeter, batchPercent, topkHits } from "../../train/meters.js";
import type { AlgorithmRun, EpochReport, FinalSelection } from "./algorithm.js";
import { LossAccMeter, allParameters, clipIfSet, deviceBatch, forwardLoss, pickBest, stepsOf, validPass, validStream, type SearchContext } from "./context.js";
import type { Controller } from "./controller.js";
import { BatchStream } from "./search-data.js";

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
      const ops = tidy(() => noGrad(() => controller.sample().ops));
      const r = tidy(() => {
        wOptimizer.zeroGrad();
        const { loss, logits } = forwardLoss(net, deviceBatch(ctx, batch), { kind: "fixed", ops });
        loss.backward();
        clipIfSet(allParameters(net), settings.weight.gradientClip);
        wOptimizer.step();
        return { loss: loss.item(), logits: logits.toFloat32Array() };
      });
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
        const r = tidy(() => {
          const sample = controller.sample();
          const logits = noGrad(() => net.forward(deviceBatch(ctx, batch).inputs, { kind: "fixed", ops: sample.ops }).logits.toFloat32Array());
          const hits = topkHits(logits, batch.targets.subarray(0, batch.size), data.classNum);
          const top1 = Math.fround(batchPercent(hits.top1, batch.size) / 100);
          const reward = sample.entropy.mul(c.entropyWeight).add(top1);
          const base: Tensor | number = previous === null ? top1 : reward.rsub(previous).mul(1 - c.baselineDecay).rsub(previous);
          const loss = sample.logProb.mul(-1).mul(reward.sub(base));
          loss.div(c.numAggregate).backward();
          return {
            loss: loss.item(),
            top1,
            reward: reward.item(),
            entropy: sample.entropy.item(),
            baseline: typeof base === "number" ? base : base.item(),
          };
        });
        meters.loss.update(r.loss, 1);
        meters.acc.update(r.top1 * 100, 1);
        meters.reward.update(r.reward, 1);
        meters.entropy.update(r.entropy, 1);
        lastBaseline = r.baseline;
        if ((step + 1) % c.numAggregate === 0) {
          clipGradNorm(controller.parameters(), c.gradientClip);
          cOptimizer.step();
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
      const valid = validPass(ctx, epoch, () => ({ kind: "fixed", ops: chosen.ops }), { augment: true });
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
