/**
 * GDAS (spec §7.2; the original's GDAS.py): every forward draws a Gumbel hard sample (gumbel.ts) with the epoch's
 * temperature τ(e) = τ_max − (τ_max − τ_min)·e/(E − 1); only the sampled op of each edge runs. Per step: weight step
 * on the base batch (clip 5 over all parameters, as DARTS-V1), then α step on the arch batch. Answer: argmax of α.
 */
import type { AlgorithmRun, EpochReport } from "./algorithm.js";
import { deviceBatch, type SearchContext } from "./context.js";
import { archStep, createArchOptimizer, weightStep } from "./darts.js";
import { gdasTau, gumbelHardSample } from "./gumbel.js";
import { runPairedEpoch } from "./paired-epoch.js";
import type { NetworkMode, Supernet } from "./supernet.js";

/** A fresh hard sample of α at temperature τ, as the network mode of one forward (each forward draws its own). */
export function gdasMode(net: Supernet, tau: number): NetworkMode {
  const sample = gumbelHardSample(net.arch, tau);
  return { kind: "hard", weights: sample.weights, selected: sample.selected };
}

export function createGdas(ctx: SearchContext): AlgorithmRun {
  const { net, wOptimizer, settings } = ctx;
  const aOptimizer = createArchOptimizer(net, settings.arch);
  let tau = settings.tauMax;
  const mode = (): NetworkMode => gdasMode(net, tau);

  return {
    parts: () => ({ modules: {}, optimizers: { aopt: aOptimizer } }),
    state: () => ({}),
    restore: () => {},
    runEpoch(epoch: number): EpochReport {
      net.train();
      tau = gdasTau(epoch, settings.weight.epochs, settings.tauMax, settings.tauMin);
      const r = runPairedEpoch(ctx, epoch, (baseBatch, archBatch) => {
        const w = weightStep(net, wOptimizer, deviceBatch(ctx, baseBatch), mode, settings.weight.gradientClip);
        const a = archStep(net, aOptimizer, deviceBatch(ctx, archBatch), mode);
        return { w, a };
      });
      return {
        searchLoss: r.base.loss,
        searchAcc: r.base.acc1,
        archLoss: r.arch.loss,
        archAcc: r.arch.acc1,
        ops: net.argmaxOps(),
        extra: { tau, searchSeconds: r.searchSeconds, lr: wOptimizer.lr },
      };
    },
    finish: () => ({ ops: net.argmaxOps() }),
    dispose: () => aOptimizer.dispose(),
  };
}
