// Adam, LSTM and clip_grad_norm against PyTorch 1.13 on a small LSTM classifier (the ENAS controller's parts).
import { describe, expect, it } from "vitest";
import { Adam, F, clipGradNorm, getNumThreads, manualSeed, tensor, tidy } from "../../packages/engine/src/tensor/index.js";
import { LstmNet } from "./support/nets.js";
import { maxRelativeError, runTorchReference, seededFloats, seededLabels } from "./support/torch-reference.js";

interface AdamReference {
  init: Record<string, number[]>;
  losses: number[];
  gradNorms: number[];
  final: Record<string, number[]>;
}

const STEPS = 4;
const SPEC = { seed: 3, input: 6, hidden: 8, classes: 5, steps: STEPS, xshape: [3, 4, 6] };

describe("parity with PyTorch 1.13: LSTM + Adam + clip_grad_norm", () => {
  const xs = Array.from({ length: STEPS }, (_, i) => seededFloats(3 * 4 * 6, 300 + i));
  const ys = Array.from({ length: STEPS }, (_, i) => seededLabels(4, SPEC.classes, 400 + i));
  const files: Record<string, Float32Array | BigInt64Array> = {};
  xs.forEach((x, i) => (files[`x${i}.f32`] = x));
  ys.forEach((y, i) => (files[`y${i}.i64`] = y));
  const ref = runTorchReference<AdamReference>("adam-lstm", { ...SPEC, threads: getNumThreads() }, files);

  manualSeed(SPEC.seed);
  const net = new LstmNet(SPEC.input, SPEC.hidden, SPEC.classes);
  const init = new Map([...net.stateDict()].map(([k, t]) => [k, t.toNumbers()]));
  const opt = new Adam(net.parameters(), { lr: 3e-3, betas: [0.5, 0.999], weightDecay: 1e-3 });
  const losses: number[] = [];
  const norms: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    tidy(() => {
      const loss = F.crossEntropy(net.forward(tensor(xs[i] as Float32Array, SPEC.xshape)), tensor(ys[i] as BigInt64Array, [4]));
      opt.zeroGrad();
      loss.backward();
      norms.push(clipGradNorm(net.parameters(), 0.5));
      opt.step();
      losses.push(loss.item());
    });
  }

  it("names and initialises LSTM/Linear parameters like PyTorch", () => {
    expect([...init.keys()]).toEqual(Object.keys(ref.init));
    for (const [name, values] of init) expect(values, name).toEqual(ref.init[name]);
  });

  it("matches losses and pre-clip gradient norms step by step", () => {
    expect(maxRelativeError(losses, ref.losses)).toBeLessThanOrEqual(1e-6);
    expect(maxRelativeError(norms, ref.gradNorms)).toBeLessThanOrEqual(1e-6);
  });

  it("ends with the same parameters", () => {
    for (const [name, t] of net.stateDict()) expect(maxRelativeError(t.toNumbers(), ref.final[name] as number[]), name).toBeLessThanOrEqual(1e-5);
  });
});
