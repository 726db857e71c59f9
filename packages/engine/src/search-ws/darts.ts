/**
 * DARTS (spec §7.2; the original's DARTS-V1.py / DARTS-V2.py). Every cell edge is the softmax(α)-weighted sum of
 * its ops. Per step of the paired search loader:
 * - V1 (first order): weight step on the base batch (clip 5), then α step (Adam) on the arch batch;
 * - V2 (second order): α step first with the unrolled gradient (unrolled.ts), then the weight step.
 * The answer is the per-edge argmax of α after the last epoch.
 *
 * As in the originals, the weight step clips the norm over `network.parameters()` — α included, whose gradient at
 * that point still holds the last α step's gradient plus the base batch's contribution (`w_optimizer.zero_grad()`
 * clears only the weights) — and the α step's backward also fills the weight gradients, which the next weight step
 * clears.
 */
import { Adam } from "../tensor/optim/adam.js";
import { tidy } from "../tensor/scope.js";
import type { AlgorithmRun, EpochReport } from "./algorithm.js";
import { allParameters, clipIfSet, deviceBatch, forwardLoss, validPass, type SearchContext } from "./context.js";
import { pairedEpochReport, runPairedEpoch, type StepResult } from "./paired-epoch.js";
import type { NetworkMode, Supernet } from "./supernet.js";
import { unrolledArchGradient } from "./unrolled.js";
import type { DeviceBatch } from "../train/device-batch.js";
import type { SGD } from "../tensor/optim/sgd.js";
import type { ArchSettings } from "./settings.js";

export type { StepResult };

export const dartsWeights = (net: Supernet): NetworkMode => ({ kind: "weighted", weights: net.arch.softmax(-1) });


/** One weight step: forward on the base batch, backward, clip over all parameters, SGD step. */
export function weightStep(net: Supernet, wOptimizer: SGD, b: DeviceBatch, mode: () => NetworkMode, clip: number): StepResult {
  return tidy(() => {
    wOptimizer.zeroGrad();
    const { loss, logits } = forwardLoss(net, b, mode());
    loss.backward();
    clipIfSet(allParameters(net), clip);
    wOptimizer.step();
    return { loss: loss.item(), logits: logits.toFloat32Array() };
  });
}

/** One first-order α step: forward on the arch batch, backward, Adam step on α. */
export function archStep(net: Supernet, aOptimizer: Adam, b: DeviceBatch, mode: () => NetworkMode): StepResult {
  return tidy(() => {
    aOptimizer.zeroGrad();
    const { loss, logits } = forwardLoss(net, b, mode());
    loss.backward();
    aOptimizer.step();
    return { loss: loss.item(), logits: logits.toFloat32Array() };
  });
}

/**
 * One second-order α step (DARTS-V2): α's gradient is the unrolled one (unrolled.ts), taken with the weight
 * optimizer's current learning rate, momentum buffers and weight decay; then Adam on α.
 */
export function unrolledArchStep(net: Supernet, aOptimizer: Adam, wOptimizer: SGD, base: DeviceBatch, arch: DeviceBatch, r: number): StepResult {
  return tidy(() => {
    aOptimizer.zeroGrad();
    const buffers = wOptimizer.stateDict().tensors;
    const momentumBuffers = wOptimizer.params.map((_, i) => buffers.get(`${i}.momentum_buffer`) ?? null);
    const u = unrolledArchGradient(net, base, arch, {
      lr: wOptimizer.lr,
      momentum: wOptimizer.momentum,
      weightDecay: wOptimizer.weightDecay,
      momentumBuffers,
      r,
    });
    net.arch.grad = u.grad;
    aOptimizer.step();
    return { loss: u.loss, logits: u.logits };
  });
}

/** Adam on α with the arch settings (`--arch_learning_rate`, `--arch_weight_decay`, betas (0.5, 0.999)). */
export function createArchOptimizer(net: Supernet, a: ArchSettings): Adam {
  return new Adam([net.arch], { lr: a.lr, betas: a.betas, weightDecay: a.weightDecay });
}

export function createDarts(ctx: SearchContext, secondOrder: boolean): AlgorithmRun {
  const { net, wOptimizer, settings } = ctx;
  const aOptimizer = createArchOptimizer(net, settings.arch);
  const mode = (): NetworkMode => dartsWeights(net);

  return {
    parts: () => ({ modules: {}, optimizers: { aopt: aOptimizer } }),
    state: () => ({}),
    restore: () => {},
    runEpoch(epoch: number): EpochReport {
      net.train();
      const r = runPairedEpoch(ctx, epoch, (baseBatch, archBatch) => {
        const base = deviceBatch(ctx, baseBatch);
        const arch = deviceBatch(ctx, archBatch);
        if (secondOrder) {
          const a = unrolledArchStep(net, aOptimizer, wOptimizer, base, arch, settings.unrolledR);
          const w = weightStep(net, wOptimizer, base, mode, settings.weight.gradientClip);
          return { w, a };
        }
        const w = weightStep(net, wOptimizer, base, mode, settings.weight.gradientClip);
        const a = archStep(net, aOptimizer, arch, mode);
        return { w, a };
      });
      const valid = validPass(ctx, epoch, () => mode());
      return pairedEpochReport(r, valid, { ops: net.argmaxOps(), extra: { searchSeconds: r.searchSeconds, lr: wOptimizer.lr } });
    },
    finish: () => ({ ops: net.argmaxOps() }),
    dispose: () => aOptimizer.dispose(),
  };
}
