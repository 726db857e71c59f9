// The size space's channel searches (TAS, FBNet-V2, TuNAS), here and in the PyTorch reference written from the spec
// (reference/size_supernet_reference.py): the same seed builds the same supernet, and from the same weights, α,
// batches, libtorch seed (Gumbel noise, multinomial draws) and CPython `random` seed (warm-up masks), three search
// steps — controller on, warm-up, controller on — leave weights, α, BatchNorm statistics, every gradient, both
// optimizers' state, the losses, the chosen widths and TuNAS's reward baseline equal bit for bit.
import "./support/single-thread.js";
import { describe, expect, it } from "vitest";
import { SGD, manualSeed } from "../../packages/engine/src/tensor/index.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { SSS_WS_ALGORITHMS, defaultSettings, type SizeWsAlgorithm } from "../../packages/engine/src/search-ws/settings.js";
import { SizeSupernet, type SizeMode } from "../../packages/engine/src/search-ws/size-supernet.js";
import { controllerMode, createSizeArchOptimizer, sizeArchStep, sizeWeightStep } from "../../packages/engine/src/search-ws/size-search.js";
import { runSizeSupernetReference, type RawArray } from "./support/reference.js";
import { dumpState, gradients, optimizerValues, seededStepBatches, values } from "./support/parity.js";
import { BiasCorrectedEma } from "../../packages/core/src/search/ema.js";

const SPEC = { seed: 11, classes: 10, in_ch: 1, hw: 8, batch: 6, affine: 0, track: 0, threads: 1 };
/** Per step: libtorch seed, CPython seed, the cosine schedule's lr, τ of the epoch, warm-up probability (null = controller on). */
const STEPS = [
  { torchSeed: 1001, pySeed: 5001, lr: 0.025, tau: 10, warmup: null },
  { torchSeed: 1002, pySeed: 5002, lr: 0.02, tau: 7.3, warmup: 0.6 },
  { torchSeed: 1003, pySeed: 5003, lr: 0.0125, tau: 0.1, warmup: null },
] as const;

interface Reference {
  init: Record<string, number[]>;
  state: Record<string, number[]>;
  grads: Record<string, number[] | null>;
  wopt: Record<string, number[]>;
  aopt: Record<string, number[]>;
  losses: number[];
  chosen: number[][][];
  rewards: number[];
  baseline: [number, number];
}

const { batches, files: batchFiles } = seededStepBatches(SPEC, STEPS.length);

function build(): SizeSupernet {
  manualSeed(SPEC.seed);
  return new SizeSupernet({ numClasses: SPEC.classes, inputChannels: SPEC.in_ch, affine: false, trackRunningStats: false });
}

/** Entries whose values differ as bit patterns (so −0 ≠ +0), with the first one named. */
function differences(ours: Record<string, number[] | null>, theirs: Record<string, number[] | null>): string[] {
  expect(Object.keys(ours).sort(), "entries").toEqual(Object.keys(theirs).sort());
  const out: string[] = [];
  for (const [k, a] of Object.entries(ours)) {
    const b = theirs[k] ?? null;
    if (a === null || b === null) {
      if ((a === null) !== (b === null)) out.push(`${k}: ${a === null ? "no" : "a"} gradient here`);
      continue;
    }
    const i = a.findIndex((x, j) => !Object.is(x, b[j]));
    if (a.length !== b.length || i >= 0) out.push(`${k}[${i}]: ${a[i]} vs ${b[i]}`);
  }
  return out;
}

function runSteps(algorithm: SizeWsAlgorithm, net: SizeSupernet) {
  const s = defaultSettings(algorithm);
  const wOpt = new SGD(net.weights(), { lr: s.weight.lr, momentum: s.weight.momentum, weightDecay: s.weight.weightDecay, nesterov: s.weight.nesterov });
  const aOpt = createSizeArchOptimizer(net, s.arch);
  const baseline = new BiasCorrectedEma(s.rlBaselineMomentum);
  const losses: number[] = [];
  const chosen: number[][][] = [];
  const rewards: number[] = [];
  net.train();
  STEPS.forEach((step, k) => {
    manualSeed(step.torchSeed);
    wOpt.lr = step.lr;
    net.setTau(step.tau);
    const mode: SizeMode = step.warmup === null ? controllerMode(algorithm) : { kind: "warmup", ratio: step.warmup, rng: new PyRandom(step.pySeed) };
    const b = batches[k]!;
    const w = sizeWeightStep(net, wOpt, b.base, mode);
    const a = sizeArchStep(net, aOpt, b.arch, b.archTargets, mode, { algorithm, enabled: step.warmup === null, baseline, classNum: SPEC.classes });
    losses.push(w.loss, a.loss);
    chosen.push(w.chosen, a.chosen);
    if (a.reward !== undefined) rewards.push(a.reward);
  });
  return { wOpt, aOpt, losses, chosen, rewards, baseline: [baseline.state().numerator, baseline.state().denominator] };
}

describe("three steps of TAS, FBNet-V2 and TuNAS, bit for bit against PyTorch (64-wide supernet, 8x8, batch 6)", () => {
  const files: Record<string, RawArray> = { ...batchFiles };
  const nets = new Map<SizeWsAlgorithm, SizeSupernet>();
  let shapes: Record<string, number[]> = {};
  for (const algorithm of SSS_WS_ALGORITHMS) {
    const net = build();
    nets.set(algorithm, net);
    shapes = dumpState(net, `${algorithm}/state`, files);
  }
  const settings = Object.fromEntries(SSS_WS_ALGORITHMS.map((a) => [a, defaultSettings(a)]));
  const ref = runSizeSupernetReference<Record<SizeWsAlgorithm, Reference>>("size-steps", { ...SPEC, algorithms: SSS_WS_ALGORITHMS, steps: STEPS, settings, shapes }, files);

  it("the same seed builds the same supernet: state-dict names, shapes and initial values", () => {
    const net = build();
    try {
      expect(Object.keys(shapes).sort()).toEqual(Object.keys(ref.tas.init).sort());
      expect(differences(values(net.stateDict()), ref.tas.init)).toEqual([]);
      // 5 × 8 α, the [8, 64] masks and the [1] temperature, beside the weights (stem and cell convolutions with bias)
      expect(shapes._arch_parameters).toEqual([5, 8]);
      expect(shapes._masks).toEqual([8, 64]);
      expect(shapes["_cells.0.0.bias"]).toEqual([64]);
      expect(shapes["_cells.2.conv_a.op.1.bias"]).toBeUndefined();
    } finally {
      net.dispose();
    }
  });

  it.each(SSS_WS_ALGORITHMS)("%s", (algorithm) => {
    const net = nets.get(algorithm)!;
    const run = runSteps(algorithm, net);
    const theirs = ref[algorithm];
    expect(run.chosen, "widths chosen at each masking point").toEqual(theirs.chosen);
    expect(run.rewards, "TuNAS rewards").toEqual(theirs.rewards);
    expect(run.baseline, "TuNAS baseline numerator / denominator").toEqual(theirs.baseline);
    const report = [
      ...differences({ losses: run.losses }, { losses: theirs.losses }),
      ...differences(values(net.stateDict()), theirs.state),
      ...differences(gradients(net), theirs.grads),
      ...differences(optimizerValues(run.wOpt), theirs.wopt).map((d) => `SGD ${d}`),
      ...differences(optimizerValues(run.aOpt), theirs.aopt).map((d) => `Adam(α) ${d}`),
    ];
    expect(report).toEqual([]);
    // the steps moved α (two controller steps), and the warm-up step drew the full or a random width per point
    expect(theirs.aopt["0.step"]).toEqual([2]);
    expect(run.chosen[2]!.every((c) => c.length === 1)).toBe(true);
  });
});
