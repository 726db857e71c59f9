// Gradient checks of the three non-trivial estimators: DARTS-V2's unrolled α gradient against a finite-difference
// estimate of the unrolled objective, GDAS's straight-through hard sample, and ENAS's controller log-probabilities and
// entropy against a direct computation from its own parameters.
import "./support/single-thread.js";
import { describe, expect, it } from "vitest";
import { F, SGD, grad, manualSeed, noGrad, tensor, tidy, zerosLike, type Tensor } from "../../packages/engine/src/tensor/index.js";
import { Controller } from "../../packages/engine/src/search-ws/controller.js";
import { forwardLoss } from "../../packages/engine/src/search-ws/context.js";
import { gdasTau, gumbelHardSample } from "../../packages/engine/src/search-ws/gumbel.js";
import { Supernet, type NetworkMode } from "../../packages/engine/src/search-ws/supernet.js";
import { unrolledArchGradient } from "../../packages/engine/src/search-ws/unrolled.js";
import { seededFloats, seededLabels } from "./support/reference.js";

const BATCH = 8;
const HW = 8;
const CLASSES = 4;

function batch(seed: number, n = BATCH, hw = HW): { inputs: Tensor; targets: Tensor } {
  return { inputs: tensor(seededFloats(n * hw * hw, seed), [n, 1, hw, hw]).keep(), targets: tensor(seededLabels(n, CLASSES, seed + 1), [n]).keep() };
}

function tinyNet(seed: number, archParameters = true, C = 3): Supernet {
  manualSeed(seed);
  return new Supernet({ C, N: 1, numClasses: CLASSES, inputChannels: 1, trackRunningStats: false, archParameters });
}

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (v: readonly number[]): number => Math.sqrt(dot(v, v));

describe("DARTS-V2 unrolled architecture gradient", () => {
  // ∇_w L_train jumps wherever a ReLU input crosses zero, so w′(α) — hence f(α) — has small jumps; on a supernet this
  // small (C=2, 4×4 images, batch 4) there are few enough units that f is smooth within the differences used here.
  const net = tinyNet(3, true, 2);
  const base = batch(10, 4, 4);
  const arch = batch(20, 4, 4);
  const lr = 0.1;
  const wd = 5e-4;
  const momentum = 0.9;
  const mode = (): NetworkMode => ({ kind: "weighted", weights: net.arch.softmax(-1) });
  // one real SGD step first, so the virtual step has momentum buffers to use
  const opt = new SGD(net.weights(), { lr, momentum, weightDecay: wd, nesterov: true });
  tidy(() => {
    const { loss } = forwardLoss(net, base, mode());
    loss.backward();
    opt.step();
    opt.zeroGrad();
  });
  const buffers = opt.stateDict().tensors;
  const momentumBuffers = opt.params.map((_, i) => buffers.get(`${i}.momentum_buffer`) ?? null);
  const alpha0 = net.arch.toNumbers();
  const setAlpha = (a: readonly number[]): void => noGrad(() => void net.arch.copy_(tensor(Float32Array.from(a), [6, 5])));

  /** Runs fn at the unrolled weights w′ = w − lr(μ·buf + ∇_w L_train(w, α) + wd·w), then restores w. */
  function atUnrolled<T>(fn: () => T): T {
    const weights = net.weights();
    const saved = noGrad(() => weights.map((w) => w.clone()));
    const g = grad(forwardLoss(net, base, mode()).loss, weights, { allowUnused: true });
    noGrad(() => weights.forEach((w, i) => w.copy_(w.sub((g[i] ?? zerosLike(w)).add(w.mul(wd)).add(momentumBuffers[i]!.mul(momentum)).mul(lr)))));
    try {
      return fn();
    } finally {
      noGrad(() => weights.forEach((w, i) => w.copy_(saved[i]!)));
    }
  }

  /** The unrolled objective f(α) = L_val(w′(α), α), computed directly. */
  const objective = (alpha: readonly number[]): number =>
    tidy(() => {
      setAlpha(alpha);
      return atUnrolled(() => forwardLoss(net, arch, mode()).loss.item());
    });

  // The paper's radius r = 1e-2 moves w by 0.01 in norm, which on a 2-channel net straddles ReLU kinks; the
  // finite-difference Hessian-vector product is checked with r = 1e-4 (a setting: WsSettings.unrolledR).
  const r = 1e-4;
  setAlpha(alpha0);
  const darts = tidy(() => unrolledArchGradient(net, base, arch, { lr, momentum, weightDecay: wd, momentumBuffers, r }).grad.toNumbers());
  /** ∂/∂α of L_val with w′ held fixed: what ignoring the Hessian term gives. */
  const firstOrder = tidy(() => {
    setAlpha(alpha0);
    return atUnrolled(() => grad(forwardLoss(net, arch, mode()).loss, [net.arch])[0]!.toNumbers());
  });
  /** The exact mixed second derivative ∇²_{α,w} L_train · v by double back-propagation. */
  const exactHvpTerm = tidy(() => {
    setAlpha(alpha0);
    const weights = net.weights();
    const v = atUnrolled(() => grad(forwardLoss(net, arch, mode()).loss, weights, { allowUnused: true }).map((t, i) => t ?? zerosLike(weights[i]!)));
    const g = grad(forwardLoss(net, base, mode()).loss, weights, { createGraph: true, allowUnused: true });
    let inner: Tensor | null = null;
    g.forEach((gi, i) => {
      if (gi === null) return;
      const term = gi.mul(v[i]!.detach()).sum();
      inner = inner === null ? term : inner.add(term);
    });
    return grad(inner!, [net.arch])[0]!.toNumbers();
  });

  const eps = 1e-3;
  const directions = [1, 2, 3, 4].map((k) => {
    const d = Array.from(seededFloats(30, 500 + k));
    const n = norm(d);
    return d.map((x) => x / n);
  });
  const finiteDiff = directions.map((d) => (objective(alpha0.map((a, i) => a + eps * d[i]!)) - objective(alpha0.map((a, i) => a - eps * d[i]!))) / (2 * eps));
  setAlpha(alpha0);

  it("uses a finite-difference Hessian-vector product close to the exact one (double back-propagation)", () => {
    const exactGrad = firstOrder.map((x, i) => x - lr * exactHvpTerm[i]!);
    const err = norm(darts.map((x, i) => x - exactGrad[i]!));
    expect(err).toBeLessThan(0.01 * norm(exactGrad));
  });

  it("matches directional finite differences of the unrolled objective", () => {
    const scale = norm(darts);
    directions.forEach((d, j) => expect(Math.abs(dot(darts, d) - finiteDiff[j]!), `direction ${j}`).toBeLessThan(0.01 * scale));
  });

  it("is closer to those finite differences than the first-order gradient (the Hessian term matters)", () => {
    const errV2 = directions.reduce((s, d, j) => s + Math.abs(dot(darts, d) - finiteDiff[j]!), 0);
    const errV1 = directions.reduce((s, d, j) => s + Math.abs(dot(firstOrder, d) - finiteDiff[j]!), 0);
    expect(errV1).toBeGreaterThan(3 * errV2);
  });

  it("leaves the weights as they were (BN statistics move, as the original's forwards on the network do)", () => {
    const weightsOf = (): number[][] => net.weights().map((w) => w.toNumbers());
    const before = weightsOf();
    tidy(() => unrolledArchGradient(net, base, arch, { lr, momentum, weightDecay: wd, momentumBuffers, r: 1e-2 }));
    const after = weightsOf();
    // the ±εv moves are undone in place like the original; they may leave float rounding behind
    after.forEach((values, j) => values.forEach((v, i) => expect(Math.abs(v - before[j]![i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(before[j]![i]!)))));
  });
});

describe("GDAS hard sample", () => {
  const net = tinyNet(5);
  const x = batch(30);

  it("is one-hot in value with the argmax of the Gumbel-perturbed probabilities selected", () => {
    tidy(() => {
      const s = gumbelHardSample(net.arch, 2.0);
      const w = s.weights.toNumbers();
      const p = s.probs.toNumbers();
      for (let e = 0; e < 6; e++) {
        const row = w.slice(e * 5, e * 5 + 5);
        const probs = p.slice(e * 5, e * 5 + 5);
        expect(s.selected[e]).toBe(probs.indexOf(Math.max(...probs)));
        row.forEach((v, k) => (k === s.selected[e] ? expect(Math.abs(v - 1)).toBeLessThanOrEqual(2 ** -23) : expect(v).toBe(0)));
      }
    });
  });

  it("computes only the sampled ops: the network output equals the fixed-architecture output", () => {
    tidy(() => {
      const s = gumbelHardSample(net.arch, 1.0);
      const hard = net.forward(x.inputs, { kind: "hard", weights: s.weights, selected: s.selected }).logits.toNumbers();
      const fixed = net.forward(x.inputs, { kind: "fixed", ops: s.selected }).logits.toNumbers();
      hard.forEach((v, i) => expect(Math.abs(v - fixed[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(fixed[i]!))));
    });
  });

  it("sends the gradient of the one-hot weights to α through the probabilities (straight-through), unselected ops included", () => {
    tidy(() => {
      const s = gumbelHardSample(net.arch, 1.0);
      const loss = F.crossEntropy(net.forward(x.inputs, { kind: "hard", weights: s.weights, selected: s.selected }).logits, x.targets);
      const [dWeights, dAlpha] = grad(loss, [s.weights, net.arch], { retainGraph: true });
      const [expected] = grad(s.probs, [net.arch], { gradOutputs: [dWeights!] });
      const got = dAlpha!.toNumbers();
      const want = expected!.toNumbers();
      got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(want[i]!))));
      const unselectedNonZero = got.filter((v, i) => i % 5 !== s.selected[Math.floor(i / 5)] && v !== 0).length;
      expect(unselectedNonZero).toBeGreaterThan(0);
      expect(got.every((v) => Number.isFinite(v))).toBe(true);
    });
  });

  it("anneals tau linearly from 10 to 0.1 over the epochs", () => {
    expect(gdasTau(0, 250, 10, 0.1)).toBe(10);
    expect(gdasTau(249, 250, 10, 0.1)).toBeCloseTo(0.1, 12);
    expect(gdasTau(1, 3, 10, 0.1)).toBeCloseTo(5.05, 12);
  });
});

describe("ENAS controller", () => {
  manualSeed(9);
  const controller = new Controller({ numEdges: 6, numOps: 5 });
  const params = new Map(controller.namedParameters());

  /** The same LSTM / head recomputed from the parameters with plain ops, in float64 in JS for the distribution. */
  function directLogits(ops: readonly number[]): number[][] {
    return tidy(() => {
      const p = (name: string): Tensor => params.get(name)!;
      let h: Tensor[] = [];
      let c: Tensor[] = [];
      let input = p("input_vars").view(1, 32);
      const out: number[][] = [];
      for (let e = 0; e < 6; e++) {
        const nh: Tensor[] = [];
        const nc: Tensor[] = [];
        let x = input;
        for (let layer = 0; layer < 2; layer++) {
          const h0 = h[layer] ?? tensor(new Float32Array(32), [1, 32]);
          const c0 = c[layer] ?? tensor(new Float32Array(32), [1, 32]);
          const gates = x.matmul(p(`w_lstm.weight_ih_l${layer}`).transpose(0, 1)).add(p(`w_lstm.bias_ih_l${layer}`)).add(h0.matmul(p(`w_lstm.weight_hh_l${layer}`).transpose(0, 1))).add(p(`w_lstm.bias_hh_l${layer}`));
          const [i, f, g, o] = gates.chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
          const c1 = f.sigmoid().mul(c0).add(i.sigmoid().mul(g.tanh()));
          const h1 = o.sigmoid().mul(c1.tanh());
          nh.push(h1);
          nc.push(c1);
          x = h1;
        }
        h = nh;
        c = nc;
        const logits = x.matmul(p("w_pred.weight").transpose(0, 1)).add(p("w_pred.bias")).div(5).tanh().mul(2.5);
        out.push(logits.toNumbers());
        input = p("w_embd.weight").select(0, ops[e]!).view(1, 32);
      }
      return out;
    });
  }

  it("initialises input_vars, the first LSTM layer, the embedding and the head weight in ±0.1", () => {
    for (const name of ["input_vars", "w_lstm.weight_ih_l0", "w_lstm.weight_hh_l0", "w_embd.weight", "w_pred.weight"]) {
      const v = params.get(name)!.toNumbers();
      expect(Math.max(...v.map(Math.abs)), name).toBeLessThanOrEqual(0.1);
    }
    // the second layer keeps nn.LSTM's U(±1/√32) and so reaches beyond 0.1
    expect(Math.max(...params.get("w_lstm.weight_hh_l1")!.toNumbers().map(Math.abs))).toBeGreaterThan(0.1);
  });

  it("returns Σ log p(op) and Σ entropy equal to a direct computation from its parameters", () => {
    for (let trial = 0; trial < 5; trial++) {
      const s = tidy(() => {
        const r = controller.sample();
        return { logProb: r.logProb.item(), entropy: r.entropy.item(), ops: r.ops, logits: r.logits.map((l) => Array.from(l)) };
      });
      const direct = directLogits(s.ops);
      let logProb = 0;
      let entropy = 0;
      direct.forEach((l, e) => {
        l.forEach((v, k) => expect(Math.abs(v - s.logits[e]![k]!)).toBeLessThanOrEqual(1e-5));
        const m = Math.max(...l);
        const lse = m + Math.log(l.reduce((a, v) => a + Math.exp(v - m), 0));
        logProb += l[s.ops[e]!]! - lse;
        entropy -= l.reduce((a, v) => a + Math.exp(v - lse) * (v - lse), 0);
      });
      expect(Math.abs(s.logProb - logProb)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(s.entropy - entropy)).toBeLessThanOrEqual(1e-5);
      expect(s.ops.every((o) => Number.isInteger(o) && o >= 0 && o < 5)).toBe(true);
    }
  });

  it("back-propagates the REINFORCE loss into every controller parameter", () => {
    tidy(() => {
      controller.zeroGrad(true);
      const s = controller.sample();
      s.logProb.mul(-1).add(s.entropy.mul(1e-4)).backward();
      for (const [name, p] of params) expect(p.grad, name).not.toBeNull();
    });
  });
});

describe("α-free supernets (ENAS, RSPS)", () => {
  it("have no arch_parameters and their weights are all parameters", () => {
    const net = tinyNet(1, false);
    expect([...net.stateDict().keys()]).not.toContain("arch_parameters");
    expect(net.weights()).toEqual(net.parameters());
    net.dispose();
  });
});
