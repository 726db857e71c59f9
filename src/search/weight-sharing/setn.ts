/**
 * SETN (spec §7.2; the original's SETN.py). Per step: a weight step on the base batch with a uniformly random cell
 * (no gradient clipping; `network.zero_grad()` zeroes α too), then an α step on the arch batch in "joint" mode
 * (softmax(α)-weighted sum of all ops, as DARTS). After every epoch and at the end: the top-K cells by log-probability
 * under α (K = select_num, over all 15,625), each scored on one valid batch, the best one kept.
 */
import { performance } from "node:perf_hooks";
import { tidy } from "../../engine/scope.js";
import type { AlgorithmRun, EpochReport, FinalSelection } from "./algorithm.js";
import { LossAccMeter, clipIfSet, deviceBatch, forwardLoss, pickBest, stepsOf, validPass, type SearchContext } from "./context.js";
import { topKByLogProb, randomOps } from "./candidates.js";
import { archStep, createArchOptimizer, dartsWeights } from "./darts.js";
import { SetAssembler, planSearchEpoch, streamRandom } from "./search-data.js";

export function createSetn(ctx: SearchContext): AlgorithmRun {
  const { net, wOptimizer, schedule, data, settings } = ctx;
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
      const plan = planSearchEpoch(data, ctx.seed, epoch, settings.weight.batchSize);
      const rng = streamRandom(ctx.seed, "archs", epoch);
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
        const sampled = randomOps(rng);
        const { w, a } = tidy(() => {
          net.zeroGrad();
          const out = forwardLoss(net, deviceBatch(ctx, baseBatch), { kind: "fixed", ops: sampled });
          out.loss.backward();
          clipIfSet(net.parameters(), settings.weight.gradientClip);
          wOptimizer.step();
          const w = { loss: out.loss.item(), logits: out.logits.toFloat32Array() };
          net.zeroGrad();
          const a = archStep(net, aOptimizer, deviceBatch(ctx, archBatch), () => dartsWeights(net));
          return { w, a };
        });
        baseMeter.update(w.loss, w.logits, baseBatch.targets, e - s);
        archMeter.update(a.loss, a.logits, archBatch.targets, e - s);
        ctx.progress({ phase: "search", epoch, epochs: settings.weight.epochs, step: step + 1, steps, loss: baseMeter.loss.avg });
      }
      const searchSeconds = (performance.now() - started) / 1000;
      const chosen = select(epoch);
      const valid = validPass(ctx, epoch, () => ({ kind: "fixed", ops: chosen.ops }));
      const b = baseMeter.summary();
      const a = archMeter.summary();
      return {
        searchLoss: b.loss,
        searchAcc: b.acc1,
        archLoss: a.loss,
        archAcc: a.acc1,
        validLoss: valid.loss,
        validAcc: valid.acc1,
        ops: chosen.ops,
        selectionAcc: chosen.selectionAcc!,
        extra: { searchSeconds, lr: wOptimizer.lr },
      };
    },
    finish: () => select(settings.weight.epochs),
    dispose: () => aOptimizer.dispose(),
  };
}
