/**
 * SETN (spec §7.2; the original's SETN.py). Per step: a weight step on the base batch with a uniformly random cell
 * (no gradient clipping; `network.zero_grad()` zeroes α too), then an α step on the arch batch in "joint" mode
 * (softmax(α)-weighted sum of all ops, as DARTS). After every epoch and at the end: the top-K cells by log-probability
 * under α (K = select_num, over all 15,625), each scored on one valid batch, the best one kept.
 */
import type { AlgorithmRun, EpochReport, FinalSelection } from "./algorithm.js";
import { clipIfSet, deviceBatch, forwardLoss, pickBest, validPass, type SearchContext } from "./context.js";
import { topKByLogProb, randomOps } from "./candidates.js";
import { archStep, createArchOptimizer, dartsWeights } from "./darts.js";
import { pairedEpochReport, runPairedEpoch } from "./paired-epoch.js";
import { streamRandom } from "./search-data.js";
import type { Adam } from "../tensor/optim/adam.js";
import type { SGD } from "../tensor/optim/sgd.js";
import { tidy } from "../tensor/scope.js";
import type { DeviceBatch } from "../train/device-batch.js";
import type { StepResult } from "./paired-epoch.js";
import type { NetworkMode, Supernet } from "./supernet.js";

/**
 * SETN's weight step: one sampled cell on the base batch. `network.zero_grad()` first zeroes every gradient, α's
 * included, so every weight that ever had a gradient takes part in the SGD step (weight decay, momentum).
 */
export function setnWeightStep(net: Supernet, wOptimizer: SGD, base: DeviceBatch, ops: readonly number[], clip: number): StepResult {
  return tidy(() => {
    net.zeroGrad();
    const out = forwardLoss(net, base, { kind: "fixed", ops });
    out.loss.backward();
    clipIfSet(net.parameters(), clip);
    wOptimizer.step();
    return { loss: out.loss.item(), logits: out.logits.toFloat32Array() };
  });
}

/** SETN's α step in "joint" mode (the softmax(α)-weighted sum of all ops), after zeroing every gradient. */
export function setnArchStep(net: Supernet, aOptimizer: Adam, arch: DeviceBatch): StepResult {
  net.zeroGrad();
  return archStep(net, aOptimizer, arch, () => dartsWeights(net));
}

export function createSetn(ctx: SearchContext): AlgorithmRun {
  const { net, wOptimizer, settings } = ctx;
  const aOptimizer = createArchOptimizer(net, settings.arch);

  const select = (epoch: number): FinalSelection => {
    const k = settings.selectNum;
    const best = pickBest(ctx, epoch, topKByLogProb(net.arch, k), k, { augment: false, batchSize: settings.weight.testBatchSize });
    return { ops: best.ops, selectionAcc: best.accuracy };
  };

  return {
    parts: () => ({ modules: {}, optimizers: { aopt: aOptimizer } }),
    state: () => ({}),
    restore: () => {},
    runEpoch(epoch: number): EpochReport {
      net.train();
      const rng = streamRandom(ctx.seed, "archs", epoch);
      const r = runPairedEpoch(ctx, epoch, (baseBatch, archBatch) => {
        const w = setnWeightStep(net, wOptimizer, deviceBatch(ctx, baseBatch), randomOps(rng), settings.weight.gradientClip);
        const a = setnArchStep(net, aOptimizer, deviceBatch(ctx, archBatch));
        return { w, a };
      });
      const chosen = select(epoch);
      const valid = validPass<NetworkMode>(ctx, epoch, () => ({ kind: "fixed", ops: chosen.ops }));
      return pairedEpochReport(r, valid, { ops: chosen.ops, selectionAcc: chosen.selectionAcc!, extra: { searchSeconds: r.searchSeconds, lr: wOptimizer.lr } });
    },
    finish: () => select(settings.weight.epochs),
    dispose: () => aOptimizer.dispose(),
  };
}
