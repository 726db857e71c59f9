/**
 * TAS, FBNet-V2 and TuNAS on the size space's channel-masked supernet (nats-sss spec §4.2; the original's
 * search-size.py with `tas`, `mask_gumbel`, `mask_rl`). Per step of the paired search loader (as the topology
 * searches): a weight step on the base batch (SGD, no clipping), then an architecture step on the arch batch — the
 * cross-entropy for TAS and FBNet-V2, for TuNAS the REINFORCE loss −(top-1 − baseline)·Σ log π with the baseline an
 * exponential moving average with bias correction (core's BiasCorrectedEma, as the original's) updated with this
 * batch's top-1 first. During the warm-up epochs (e/E < ratio) the controller is off: both steps, and the valid pass,
 * run the warm-up masks, and α is not stepped (TuNAS still feeds its baseline). The temperature of TAS and FBNet-V2
 * falls linearly from τ_max to τ_min over the epochs. The answer is the per-position argmax of α.
 */
import { BiasCorrectedEma } from "@aa-nas/core/search/ema.js";
import { noGrad } from "../tensor/autograd.js";
import { tensor } from "../tensor/creation.js";
import { crossEntropy } from "../tensor/functional.js";
import { Adam } from "../tensor/optim/adam.js";
import type { SGD } from "../tensor/optim/sgd.js";
import { tidy } from "../tensor/scope.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DeviceBatch } from "../train/device-batch.js";
import { batchPercent, topkHits } from "../train/meters.js";
import type { AlgorithmRun, EpochReport } from "./algorithm.js";
import { clipIfSet, deviceBatch, validPass, type SearchContextOf } from "./context.js";
import { gdasTau } from "./gumbel.js";
import { pairedEpochReport, runPairedEpoch, type StepResult } from "./paired-epoch.js";
import { streamRandom } from "./search-data.js";
import type { ArchSettings, SizeWsAlgorithm } from "./settings.js";
import type { SizeMode, SizeSupernet } from "./size-supernet.js";

export type SizeSearchContext = SearchContextOf<SizeSupernet>;

/** The mode each algorithm runs once its controller is on. */
export function controllerMode(algorithm: SizeWsAlgorithm): SizeMode {
  switch (algorithm) {
    case "tas":
      return { kind: "tas" };
    case "fbnet-v2":
      return { kind: "gumbel" };
    case "tunas":
      return { kind: "sample" };
  }
}

/**
 * The warm-up of epoch e: null once the controller is on (`ratio <= e/E`), else the probability of the full width,
 * `1 − e/E/ratio`.
 */
export function warmupProbability(epoch: number, epochs: number, ratio: number | null): number | null {
  if (ratio === null || ratio <= epoch / epochs) return null;
  return 1 - epoch / epochs / ratio;
}

/** One weight step: forward on the base batch in `mode`, cross-entropy, backward, SGD on the weights. */
/** A step's outcome, with the widths its forward chose at each masking point. */
export interface SizeStepResult extends StepResult {
  chosen: number[][];
}

export function sizeWeightStep(net: SizeSupernet, wOptimizer: SGD, b: DeviceBatch, mode: SizeMode, clip = 0): SizeStepResult {
  return tidy(() => {
    // every gradient, α's included, as the original's `network.zero_grad()`
    net.zeroGrad();
    const { logits, chosen } = net.forward(b.inputs, mode);
    const loss = crossEntropy(logits, b.targets);
    loss.backward();
    clipIfSet(net.weights(), clip);
    wOptimizer.step();
    return { loss: loss.item(), logits: logits.toFloat32Array(), chosen };
  });
}

export interface ArchStepOptions {
  algorithm: SizeWsAlgorithm;
  /** whether α is stepped (false during the warm-up; the loss is still computed, and TuNAS's baseline still fed) */
  enabled: boolean;
  baseline: BiasCorrectedEma;
  classNum: number;
}

/**
 * One architecture step on the arch batch `b` (whose labels the caller also holds on the host, `targets`: TuNAS's
 * reward is their top-1); returns the arch loss and logits (and TuNAS's reward).
 */
export function sizeArchStep(
  net: SizeSupernet,
  aOptimizer: Adam,
  b: DeviceBatch,
  targets: Int32Array,
  mode: SizeMode,
  o: ArchStepOptions,
): SizeStepResult & { reward?: number } {
  return tidy(() => {
    net.zeroGrad();
    aOptimizer.zeroGrad();
    const out = net.forward(b.inputs, mode);
    const logits = out.logits.toFloat32Array();
    let loss: Tensor;
    let reward: number | undefined;
    if (o.algorithm === "tunas") {
      const hits = topkHits(logits, targets, o.classNum);
      reward = batchPercent(hits.top1, targets.length);
      o.baseline.update(reward);
      const advantage = noGrad(() => tensor(new Float32Array([reward!]), [1], { device: b.inputs.device }).sub(o.baseline.value()));
      // Python's sum(): 0 + log π_0 + … + log π_5; with no draws (warm-up) the loss is −advantage·0
      const logProb = out.logProbs.length === 0 ? null : out.logProbs.slice(1).reduce((acc, lp) => acc.add(lp), out.logProbs[0]!.add(0));
      loss = logProb === null ? advantage.neg().mul(0) : advantage.neg().mul(logProb);
    } else {
      loss = crossEntropy(out.logits, b.targets);
    }
    if (o.enabled) {
      loss.backward();
      aOptimizer.step();
    }
    const result: SizeStepResult & { reward?: number } = { loss: loss.item(), logits, chosen: out.chosen };
    if (reward !== undefined) result.reward = reward;
    return result;
  });
}

/** Adam on α: `--arch_learning_rate`, `--arch_weight_decay`, betas (0.5, 0.999), eps 1e-8. */
export function createSizeArchOptimizer(net: SizeSupernet, a: ArchSettings): Adam {
  return new Adam([net.alpha], { lr: a.lr, betas: a.betas, weightDecay: a.weightDecay });
}

export function createSizeSearch(ctx: SizeSearchContext, algorithm: SizeWsAlgorithm): AlgorithmRun {
  const { net, wOptimizer, settings } = ctx;
  const aOptimizer = createSizeArchOptimizer(net, settings.arch);
  const baseline = new BiasCorrectedEma(settings.rlBaselineMomentum);
  const epochs = settings.weight.epochs;
  const usesTau = algorithm !== "tunas";

  return {
    parts: () => ({ modules: {}, optimizers: { aopt: aOptimizer } }),
    state: (): Record<string, number | null> =>
      algorithm === "tunas" ? { baselineNumerator: baseline.state().numerator, baselineDenominator: baseline.state().denominator } : {},
    restore: (state) => {
      if (algorithm !== "tunas") return;
      baseline.restore({ numerator: state.baselineNumerator ?? 0, denominator: state.baselineDenominator ?? 0 });
    },
    runEpoch(epoch: number): EpochReport {
      net.train();
      const warmup = warmupProbability(epoch, epochs, settings.warmupRatio);
      const enabled = warmup === null;
      if (usesTau) net.setTau(gdasTau(epoch, epochs, settings.tauMax, settings.tauMin));
      // the warm-up's CPython draws: one stream for the search steps, one for the valid pass, both from (seed, epoch)
      const modeOf = (rngEpoch: number): SizeMode =>
        warmup === null ? controllerMode(algorithm) : { kind: "warmup", ratio: warmup, rng: streamRandom(ctx.seed, "archs", rngEpoch) };
      const searchMode = modeOf(epoch);
      let rewardSum = 0;
      let rewardCount = 0;
      const r = runPairedEpoch(ctx, epoch, (baseBatch, archBatch) => {
        const w = sizeWeightStep(net, wOptimizer, deviceBatch(ctx, baseBatch), searchMode, settings.weight.gradientClip);
        const a = sizeArchStep(net, aOptimizer, deviceBatch(ctx, archBatch), archBatch.targets.subarray(0, archBatch.size), searchMode, { algorithm, enabled, baseline, classNum: ctx.data.classNum });
        if (a.reward !== undefined) {
          rewardSum += a.reward;
          rewardCount++;
        }
        return { w, a };
      });
      const validMode = modeOf(1_000_000 + epoch);
      const valid = validPass(ctx, epoch, () => validMode);
      const extra: Record<string, number> = { searchSeconds: r.searchSeconds, lr: wOptimizer.lr, controller: enabled ? 1 : 0, warmup: warmup ?? 0 };
      if (usesTau) extra.tau = net.tau;
      if (algorithm === "tunas" && rewardCount > 0) {
        extra.reward = rewardSum / rewardCount;
        extra.baseline = baseline.value();
      }
      return pairedEpochReport(r, valid, { ops: net.argmaxWidths(), extra });
    },
    finish: () => ({ ops: net.argmaxWidths() }),
    dispose: () => aOptimizer.dispose(),
  };
}
