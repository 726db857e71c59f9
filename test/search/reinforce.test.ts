import { describe, expect, it } from "vitest";
import { Adam, BiasCorrectedEma, SearchSession, SoftmaxPolicy, reinforce, type ReinforceStep } from "../../packages/core/src/search/index.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { syntheticBenchmark } from "./synthetic.js";

describe("softmax policy gradient", () => {
  it("matches central finite differences of −advantage·Σ log π(a)", () => {
    const rng = new PyRandom(7);
    const logits = Array.from({ length: 30 }, () => rng.gauss(0, 1.5));
    const policy = new SoftmaxPolicy(6, 5, logits);
    const actions = [0, 3, 4, 1, 2, 3];
    const advantage = -2.75;
    const grad = policy.lossGradient(actions, advantage);
    const h = 1e-6;
    for (let i = 0; i < 30; i++) {
      const plus = new SoftmaxPolicy(6, 5, logits.map((v, j) => (j === i ? v + h : v)));
      const minus = new SoftmaxPolicy(6, 5, logits.map((v, j) => (j === i ? v - h : v)));
      const fd = (-advantage * plus.logProb(actions) - -advantage * minus.logProb(actions)) / (2 * h);
      expect(grad[i]).toBeCloseTo(fd, 7);
    }
  });

  it("initialises logits as 1e-3·N(0,1) from the run's generator", () => {
    const a = SoftmaxPolicy.initialised(new PyRandom(1));
    const b = SoftmaxPolicy.initialised(new PyRandom(1));
    expect(Array.from(a.logits)).toEqual(Array.from(b.logits));
    expect(Math.max(...Array.from(a.logits, Math.abs))).toBeLessThan(5e-3);
    expect(new Set(a.logits).size).toBe(30);
  });

  it("samples each edge's op with the softmax probabilities", () => {
    const policy = new SoftmaxPolicy(1, 5, [0, Math.log(2), Math.log(3), Math.log(4), -Infinity]);
    const rng = new PyRandom(9);
    const counts = [0, 0, 0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[policy.sample(rng)[0]!]!++;
    [1, 2, 3, 4, 0].forEach((w, k) => expect(counts[k]! / n).toBeCloseTo(w / 10, 1));
    expect(counts[4]).toBe(0);
  });
});

describe("Adam and the EMA baseline", () => {
  it("Adam's first step moves every parameter by lr against the sign of its gradient", () => {
    const params = new Float64Array([1, -2, 0.5]);
    new Adam(3, { lr: 0.1 }).step(params, [3, -0.01, 40]);
    expect(params[0]).toBeCloseTo(0.9, 6);
    expect(params[1]).toBeCloseTo(-1.9, 6);
    expect(params[2]).toBeCloseTo(0.4, 6);
  });

  it("Adam follows m̂/(√v̂+eps) on the second step", () => {
    const params = new Float64Array([0]);
    const adam = new Adam(1, { lr: 1 });
    adam.step(params, [1]);
    adam.step(params, [3]);
    const m = 0.9 * 0.1 * 1 + 0.1 * 3;
    const v = 0.999 * 0.001 * 1 + 0.001 * 9;
    const first = (0.1 / 0.1) / (Math.sqrt(0.001) / Math.sqrt(0.001) + 1e-8);
    const second = (m / (1 - 0.81)) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8);
    expect(params[0]).toBeCloseTo(-first - second, 12);
  });

  it("the bias-corrected EMA starts at the first value and weights later values by 1 − momentum", () => {
    const ema = new BiasCorrectedEma(0.9);
    ema.update(80);
    expect(ema.value()).toBeCloseTo(80, 12);
    ema.update(90);
    expect(ema.value()).toBeCloseTo((0.9 * 0.1 * 80 + 0.1 * 90) / (0.9 * 0.1 + 0.1), 12);
  });
});

describe("REINFORCE search", () => {
  it("updates the baseline with the current reward before forming the advantage, so the first step does not move the policy", () => {
    const steps: { reward: number; baseline: number; logits: number[] }[] = [];
    const session = new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 3000, seed: 8 });
    reinforce(session, { learningRate: 0.5, emaMomentum: 0.9 }, (s: ReinforceStep) => {
      steps.push({ reward: s.reward, baseline: s.baseline, logits: Array.from(s.policy.logits) });
    });
    expect(steps[0]!.baseline).toBe(steps[0]!.reward);
    const fresh = SoftmaxPolicy.initialised(new PyRandom(8));
    expect(steps[0]!.logits).toEqual(Array.from(fresh.logits));
    expect(steps[1]!.logits).not.toEqual(steps[0]!.logits);
  });

  it("learns to prefer the op that earns more reward", () => {
    let before = 0;
    let after = 0;
    for (let seed = 0; seed < 8; seed++) {
      const session = new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 30000, seed });
      let first: Float64Array | null = null;
      let last: Float64Array | null = null;
      reinforce(session, { learningRate: 0.05, emaMomentum: 0.9 }, (s) => {
        first ??= s.policy.probabilities();
        last = s.policy.probabilities();
      });
      // op 3 (nor_conv_3x3) is worth most on the synthetic benchmark
      for (let e = 0; e < 6; e++) {
        before += first![e * 5 + 3]!;
        after += last![e * 5 + 3]!;
      }
    }
    expect(after).toBeGreaterThan(before * 1.5);
  });
});
