/**
 * REINFORCE's policy (A@bb2f405:exps/algos/reinforce.py `Policy`): one independent categorical distribution per edge,
 * softmax over a learnable 6×5 logit table initialised to 1e-3·N(0, 1). Gradients are written out by hand: for the loss
 * −advantage·Σ_e log π_e(a_e), ∂/∂θ[e][k] = −advantage·(1[k = a_e] − π_e(k)).
 */
import { NUM_EDGES, OPS, type PyRandom, type RandomSource } from "../space/index.js";

export class SoftmaxPolicy {
  /** row-major logits, edges × ops */
  readonly logits: Float64Array;

  constructor(
    readonly rows: number = NUM_EDGES,
    readonly cols: number = OPS.length,
    logits?: ArrayLike<number>,
  ) {
    this.logits = new Float64Array(rows * cols);
    if (logits !== undefined) {
      if (logits.length !== rows * cols) throw new RangeError(`expected ${rows * cols} logits, got ${logits.length}`);
      this.logits.set(logits);
    }
  }

  /**
   * `1e-3 * torch.randn(rows, cols)` (tss 6×5, sss PolicySize 5×8), the normals drawn row-major by CPython's
   * `random.gauss` (Box–Muller) from `rng`.
   */
  static initialised(rng: PyRandom, scale = 1e-3, rows: number = NUM_EDGES, cols: number = OPS.length): SoftmaxPolicy {
    const p = new SoftmaxPolicy(rows, cols);
    for (let i = 0; i < p.logits.length; i++) p.logits[i] = scale * rng.gauss(0, 1);
    return p;
  }

  /** Softmax of each row (max-subtracted for stability). */
  probabilities(): Float64Array {
    const probs = new Float64Array(this.logits.length);
    for (let r = 0; r < this.rows; r++) {
      const o = r * this.cols;
      let max = -Infinity;
      for (let c = 0; c < this.cols; c++) max = Math.max(max, this.logits[o + c]!);
      let sum = 0;
      for (let c = 0; c < this.cols; c++) {
        const e = Math.exp(this.logits[o + c]! - max);
        probs[o + c] = e;
        sum += e;
      }
      for (let c = 0; c < this.cols; c++) probs[o + c]! /= sum;
    }
    return probs;
  }

  /** One action per edge by inverse CDF on `rng.random()` (torch's `Categorical.sample` uses its own generator). */
  sample(rng: RandomSource): number[] {
    const probs = this.probabilities();
    const actions: number[] = [];
    for (let r = 0; r < this.rows; r++) {
      const u = rng.random();
      let acc = 0;
      let chosen = this.cols - 1;
      for (let c = 0; c < this.cols; c++) {
        acc += probs[r * this.cols + c]!;
        if (u < acc) {
          chosen = c;
          break;
        }
      }
      actions.push(chosen);
    }
    return actions;
  }

  /** Σ_e log π_e(a_e) */
  logProb(actions: readonly number[]): number {
    let total = 0;
    for (let r = 0; r < this.rows; r++) {
      const o = r * this.cols;
      let max = -Infinity;
      for (let c = 0; c < this.cols; c++) max = Math.max(max, this.logits[o + c]!);
      let sum = 0;
      for (let c = 0; c < this.cols; c++) sum += Math.exp(this.logits[o + c]! - max);
      total += this.logits[o + actions[r]!]! - max - Math.log(sum);
    }
    return total;
  }

  /** Gradient of the REINFORCE loss −advantage·Σ_e log π_e(a_e) with respect to the logits. */
  lossGradient(actions: readonly number[], advantage: number): Float64Array {
    const grad = this.probabilities();
    for (let r = 0; r < this.rows; r++) {
      for (let c = 0; c < this.cols; c++) {
        const i = r * this.cols + c;
        grad[i] = -advantage * ((c === actions[r] ? 1 : 0) - grad[i]!);
      }
    }
    return grad;
  }

  /** Per-edge argmax (the original's `genotype()`; the first maximum wins, like `argmax`). */
  argmax(): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.rows; r++) {
      let best = 0;
      for (let c = 1; c < this.cols; c++) if (this.logits[r * this.cols + c]! > this.logits[r * this.cols + best]!) best = c;
      out.push(best);
    }
    return out;
  }
}
