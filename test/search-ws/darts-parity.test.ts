// One DARTS-V1 step on a tiny supernet, here and in a PyTorch supernet written from the spec
// (reference/supernet_reference.py), from identical weights and batches: the weights, α and BN statistics after the
// step must agree.
import "./support/single-thread.js";
import { describe, expect, it } from "vitest";
import { SGD, manualSeed, tensor, tidy } from "../../packages/engine/src/tensor/index.js";
import { archStep, createArchOptimizer, dartsWeights, weightStep } from "../../packages/engine/src/search-ws/darts.js";
import { defaultSettings } from "../../packages/engine/src/search-ws/settings.js";
import { Supernet } from "../../packages/engine/src/search-ws/supernet.js";
import { maxRelativeError, runSupernetReference, seededFloats, seededLabels, type RawArray } from "./support/reference.js";

interface StepReference {
  init: Record<string, number[]>;
  baseLoss: number;
  archLoss: number;
  after: Record<string, number[]>;
}

const SPEC = { seed: 11, C: 4, N: 1, classes: 10, in_ch: 1, track: 0, batch: 6, hw: 8, lr: 0.025, threads: 1 };

describe("DARTS-V1 step parity with PyTorch (tiny supernet, C=4, N=1)", () => {
  manualSeed(SPEC.seed);
  const net = new Supernet({ C: SPEC.C, N: SPEC.N, numClasses: SPEC.classes, inputChannels: SPEC.in_ch, trackRunningStats: false });
  const before = new Map([...net.stateDict()].map(([k, t]) => [k, t.toNumbers()]));
  const files: Record<string, RawArray> = {};
  const shapes: Record<string, number[]> = {};
  for (const [k, t] of net.stateDict()) {
    shapes[k] = [...t.shape];
    const data = t.toArray();
    files[`state/${k}.${data instanceof BigInt64Array ? "i64" : "f32"}`] = data as RawArray;
  }
  const xsize = SPEC.batch * SPEC.in_ch * SPEC.hw * SPEC.hw;
  const bx = seededFloats(xsize, 101);
  const ax = seededFloats(xsize, 202);
  const by = seededLabels(SPEC.batch, SPEC.classes, 303);
  const ay = seededLabels(SPEC.batch, SPEC.classes, 404);
  Object.assign(files, { "bx.f32": bx, "ax.f32": ax, "by.i64": by, "ay.i64": ay });
  const ref = runSupernetReference<StepReference>("darts-v1-step", { ...SPEC, shapes }, files);

  const wOpt = new SGD(net.weights(), { lr: SPEC.lr, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const aOpt = createArchOptimizer(net, defaultSettings("darts-v1").arch);
  const xshape = [SPEC.batch, SPEC.in_ch, SPEC.hw, SPEC.hw];
  const losses = tidy(() => {
    const base = { inputs: tensor(bx, xshape), targets: tensor(by, [SPEC.batch]) };
    const arch = { inputs: tensor(ax, xshape), targets: tensor(ay, [SPEC.batch]) };
    const w = weightStep(net, wOpt, base, () => dartsWeights(net), 5);
    const a = archStep(net, aOpt, arch, () => dartsWeights(net));
    return { base: w.loss, arch: a.loss };
  });
  const after = new Map([...net.stateDict()].map(([k, t]) => [k, t.toNumbers()]));

  it("builds the same state dict names in the same order as the spec's supernet", () => {
    expect([...before.keys()]).toEqual(Object.keys(ref.init));
  });

  it("draws the same initial weights and α after the same manual seed", () => {
    for (const [k, v] of before) expect(maxRelativeError(v, ref.init[k]!), k).toBe(0);
  });

  it("computes the same base and arch losses", () => {
    expect(Math.abs(losses.base - ref.baseLoss)).toBeLessThanOrEqual(1e-6 * Math.abs(ref.baseLoss));
    expect(Math.abs(losses.arch - ref.archLoss)).toBeLessThanOrEqual(1e-6 * Math.abs(ref.archLoss));
  });

  it("applies the same weight and α updates (≤ 1e-5 of each tensor's update scale, plus 2 ulp of the value)", () => {
    let worst = 0;
    let worstKey = "";
    for (const [k, now] of after) {
      const start = before.get(k)!;
      const theirs = ref.after[k]!;
      const scale = Math.max(...theirs.map((v, i) => Math.abs(v - start[i]!)));
      now.forEach((v, i) => {
        const allowed = 1e-5 * scale + 2 * ulp32(theirs[i]!);
        const ratio = Math.abs(v - theirs[i]!) / Math.max(allowed, Number.MIN_VALUE);
        if (ratio > worst) [worst, worstKey] = [ratio, `${k}[${i}]`];
      });
    }
    expect(worst, worstKey).toBeLessThanOrEqual(1);
  });

  it("moves α (the α step is not a no-op)", () => {
    const a0 = before.get("arch_parameters")!;
    const a1 = after.get("arch_parameters")!;
    expect(Math.max(...a1.map((v, i) => Math.abs(v - a0[i]!)))).toBeGreaterThan(1e-5);
  });
});

/** Spacing of float32 values around x. */
function ulp32(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}
