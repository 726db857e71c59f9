/**
 * GDAS (spec §7.2; the original's GDAS.py): every forward draws a Gumbel hard sample (gumbel.ts) with the epoch's
 * temperature τ(e) = τ_max − (τ_max − τ_min)·e/(E − 1); only the sampled op of each edge runs. Per step: weight step
 * on the base batch (clip 5 over all parameters, as DARTS-V1), then α step on the arch batch. Answer: argmax of α.
 */
import { performance } from "node:perf_hooks";
import { tidy } from "../../engine/scope.js";
import type { AlgorithmRun, EpochReport } from "./algorithm.js";
import { LossAccMeter, deviceBatch, stepsOf, type SearchContext } from "./context.js";
import { archStep, createArchOptimizer, weightStep } from "./darts.js";
import { gdasTau, gumbelHardSample } from "./gumbel.js";
import { SetAssembler, planSearchEpoch } from "./search-data.js";
import type { NetworkMode } from "./supernet.js";

export function createGdas(ctx: SearchContext): AlgorithmRun {
  const { net, wOptimizer, schedule, data, settings } = ctx;
  const aOptimizer = createArchOptimizer(net, settings.arch);
  let tau = settings.tauMax;
  const mode = (): NetworkMode => {
    const sample = gumbelHardSample(net.arch, tau);
    return { kind: "hard", weights: sample.weights, selected: sample.selected };
  };

  return {
    parts: () => ({ modules: {}, optimizers: { aopt: aOptimizer } }),
    state: () => ({}),
    restore: () => {},
    runEpoch(epoch: number): EpochReport {
      net.train();
      tau = gdasTau(epoch, settings.weight.epochs, settings.tauMax, settings.tauMin);
      const plan = planSearchEpoch(data, ctx.seed, epoch, settings.weight.batchSize);
      const baseSet = new SetAssembler(data, data.train, settings.weight.batchSize);
      const archSet = new SetAssembler(data, data.valid, settings.weight.batchSize);
      const steps = stepsOf(ctx, plan.bounds.length);
      const baseMeter = new LossAccMeter(data.classNum);
      const archMeter = new LossAccMeter(data.classNum);
      const started = performance.now();
      for (let step = 0; step < steps; step++) {
        wOptimizer.lr = schedule.lrAt(epoch, step / plan.bounds.length);
        const [s, e] = plan.bounds[step]!;
        const baseBatch = baseSet.augmented(plan.base, s, e);
        const archBatch = archSet.augmented(plan.arch, s, e);
        const { w, a } = tidy(() => {
          const w = weightStep(net, wOptimizer, deviceBatch(ctx, baseBatch), mode, settings.weight.gradientClip);
          const a = archStep(net, aOptimizer, deviceBatch(ctx, archBatch), mode);
          return { w, a };
        });
        baseMeter.update(w.loss, w.logits, baseBatch.targets, e - s);
        archMeter.update(a.loss, a.logits, archBatch.targets, e - s);
        ctx.progress({ phase: "search", epoch, epochs: settings.weight.epochs, step: step + 1, steps, loss: baseMeter.loss.avg });
      }
      const b = baseMeter.summary();
      const a = archMeter.summary();
      return {
        searchLoss: b.loss,
        searchAcc: b.acc1,
        archLoss: a.loss,
        archAcc: a.acc1,
        ops: net.argmaxOps(),
        extra: { tau, searchSeconds: (performance.now() - started) / 1000, lr: wOptimizer.lr },
      };
    },
    finish: () => ({ ops: net.argmaxOps() }),
    dispose: () => aOptimizer.dispose(),
  };
}
