/**
 * RSPS — random search with parameter sharing (spec §7.2; the original's RANDOM-NAS.py). Each step trains one
 * uniformly random cell on the base batch (clip 5); the arch half of the paired batches is unused. After every
 * epoch: a valid pass with a random cell per batch, and `select_num` random cells scored on one valid batch each;
 * the answer is the best of a final round of `select_num` random cells.
 */
import { performance } from "node:perf_hooks";
import type { AlgorithmRun, EpochReport, FinalSelection } from "./algorithm.js";
import { LossAccMeter, deviceBatch, pickBest, stepsOf, validPass, type SearchContext } from "./context.js";
import { randomOps } from "./candidates.js";
import { weightStep, type StepResult } from "./darts.js";
import type { SGD } from "../tensor/optim/sgd.js";
import type { DeviceBatch } from "../train/device-batch.js";
import type { NetworkMode, Supernet } from "./supernet.js";
import { SetAssembler, planSearchEpoch, streamRandom } from "./search-data.js";

/** One RSPS step: the weights of one uniformly random cell trained on the batch (clip over all parameters). */
export function rspsStep(net: Supernet, wOptimizer: SGD, batch: DeviceBatch, ops: readonly number[], clip: number): StepResult {
  return weightStep(net, wOptimizer, batch, () => ({ kind: "fixed", ops }), clip);
}

export function createRsps(ctx: SearchContext): AlgorithmRun {
  const { net, wOptimizer, schedule, data, settings } = ctx;

  const select = (epoch: number): FinalSelection => {
    const rng = streamRandom(ctx.seed, "archs", 1_000_000 + epoch);
    const k = settings.selectNum;
    const candidates = Array.from({ length: k }, () => randomOps(rng));
    const best = pickBest(ctx, epoch, candidates, k, { augment: false, batchSize: settings.weight.testBatchSize });
    return { ops: best.ops, selectionAcc: best.accuracy };
  };

  return {
    parts: () => ({ modules: {}, optimizers: {} }),
    state: () => ({}),
    restore: () => {},
    runEpoch(epoch: number): EpochReport {
      net.train();
      const plan = planSearchEpoch(data, ctx.seed, epoch, settings.weight.batchSize);
      const rng = streamRandom(ctx.seed, "archs", epoch);
      const baseSet = new SetAssembler(data, data.train, settings.weight.batchSize);
      const steps = stepsOf(ctx, plan.bounds.length);
      const meter = new LossAccMeter(data.classNum);
      const started = performance.now();
      for (let step = 0; step < steps; step++) {
        wOptimizer.lr = schedule.lrAt(epoch, step / plan.bounds.length);
        const [s, e] = plan.bounds[step]!;
        const batch = baseSet.augmented(plan.base, s, e);
        const ops = randomOps(rng);
        const w = rspsStep(net, wOptimizer, deviceBatch(ctx, batch), ops, settings.weight.gradientClip);
        meter.update(w.loss, w.logits, batch.targets, e - s);
        ctx.progress({ phase: "search", epoch, epochs: settings.weight.epochs, step: step + 1, steps, loss: meter.loss.avg });
      }
      const searchSeconds = (performance.now() - started) / 1000;
      const validRng = streamRandom(ctx.seed, "archs", 2_000_000 + epoch);
      const valid = validPass<NetworkMode>(ctx, epoch, () => ({ kind: "fixed", ops: randomOps(validRng) }));
      const chosen = select(epoch);
      const m = meter.summary();
      return {
        searchLoss: m.loss,
        searchAcc: m.acc1,
        validLoss: valid.loss,
        validAcc: valid.acc1,
        ops: chosen.ops,
        selectionAcc: chosen.selectionAcc!,
        extra: { searchSeconds, lr: wOptimizer.lr },
      };
    },
    finish: () => select(settings.weight.epochs),
    dispose: () => {},
  };
}
