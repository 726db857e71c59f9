// Same seed + same batches ⇒ same numbers as PyTorch 1.13 (Debian python3-torch), checked bit for bit where
// PyTorch itself is deterministic.
import { describe, expect, it } from "vitest";
import { F, SGD, getNumThreads, manualSeed, noGrad, tensor, tidy } from "../../packages/engine/src/tensor/index.js";
import { ConvNet } from "./support/nets.js";
import { maxRelativeError, runTorchReference, seededFloats, seededLabels } from "./support/torch-reference.js";

interface ConvReference {
  init: Record<string, number[]>;
  losses: number[];
  final: Record<string, number[]>;
  evalLogits: number[];
}

const STEPS = 5;
const CLASSES = 10;
const XSHAPE = [8, 3, 12, 12];

describe("parity with PyTorch 1.13: conv-BN-ReLU-pool-linear, SGD nesterov", () => {
  const xs = Array.from({ length: STEPS }, (_, i) => seededFloats(XSHAPE.reduce((a, b) => a * b), 1000 + i));
  const ys = Array.from({ length: STEPS }, (_, i) => seededLabels(XSHAPE[0] as number, CLASSES, 2000 + i));
  const files: Record<string, Float32Array | BigInt64Array> = {};
  xs.forEach((x, i) => (files[`x${i}.f32`] = x));
  ys.forEach((y, i) => (files[`y${i}.i64`] = y));
  const ref = runTorchReference<ConvReference>("sgd-convnet", { seed: 7, classes: CLASSES, steps: STEPS, xshape: XSHAPE, threads: getNumThreads() }, files);

  manualSeed(7);
  const net = new ConvNet(CLASSES);
  const init = new Map([...net.stateDict()].map(([k, t]) => [k, t.toNumbers()]));
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    losses.push(
      tidy(() => {
        const x = tensor(xs[i] as Float32Array, XSHAPE);
        const y = tensor(ys[i] as BigInt64Array, [XSHAPE[0] as number]);
        const loss = F.crossEntropy(net.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  }
  net.eval();
  const evalLogits = tidy(() => noGrad(() => net.forward(tensor(xs[0] as Float32Array, XSHAPE)).toNumbers()));

  it("uses the same state-dict names as PyTorch", () => {
    expect([...init.keys()]).toEqual(Object.keys(ref.init));
  });

  it("initialises every parameter and buffer bit-identically after manualSeed", () => {
    for (const [name, values] of init) expect(values, name).toEqual(ref.init[name]);
  });

  it("gives the same 5 training losses (≤ 1e-6 relative)", () => {
    expect(losses).toHaveLength(STEPS);
    expect(maxRelativeError(losses, ref.losses)).toBeLessThanOrEqual(1e-6);
  });

  it("ends with the same weights, running statistics and eval-mode logits", () => {
    for (const [name, t] of net.stateDict()) expect(maxRelativeError(t.toNumbers(), ref.final[name] as number[]), name).toBeLessThanOrEqual(1e-5);
    expect(maxRelativeError(evalLogits, ref.evalLogits)).toBeLessThanOrEqual(1e-5);
  });
});
