import { UserError } from "@aa-nas/core/errors.js";
import { N, NONE } from "../native.js";
import { Tensor } from "../tensor.js";
import type { Optimizer, OptimizerState } from "./optimizer.js";

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  /** Coupled L2 (added to the gradient), as torch.optim.Adam. */
  weightDecay?: number;
  maximize?: boolean;
}

const SLOTS = ["exp_avg", "exp_avg_sq", "step"] as const;

/** torch.optim.Adam (1.13 single-tensor semantics, amsgrad off), fused over all parameters in one call. */
export class Adam implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly maximize: boolean;
  readonly params: readonly Tensor[];
  readonly #handles: number[];
  #state: (Tensor | null)[];

  constructor(params: Iterable<Tensor>, o: AdamOptions = {}) {
    this.params = [...params];
    this.lr = o.lr ?? 1e-3;
    [this.beta1, this.beta2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0;
    this.maximize = o.maximize ?? false;
    this.#handles = this.params.map((p) => p.handle);
    this.#state = new Array<Tensor | null>(3 * this.params.length).fill(null);
  }

  step(): void {
    const handles = this.#state.map((t) => (t ? t.handle : NONE));
    const out = N().adamStep(this.#handles, handles, this.lr, this.beta1, this.beta2, this.eps, this.weightDecay, this.maximize);
    out.forEach((h, i) => {
      if (h !== NONE && h !== handles[i]) this.#state[i] = Tensor.fromHandle(h).keep();
    });
  }

  zeroGrad(setToNone = false): void {
    N().zeroGrad(this.#handles, setToNone);
  }

  /** `<index>.exp_avg`, `<index>.exp_avg_sq`, `<index>.step` (float32 scalar), as in PyTorch's state. */
  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    this.#state.forEach((t, k) => {
      if (t) tensors.set(`${Math.floor(k / 3)}.${SLOTS[k % 3]}`, t);
    });
    return { tensors, hyper: { lr: this.lr, betas: [this.beta1, this.beta2], eps: this.eps, weightDecay: this.weightDecay } };
  }

  loadStateDict(state: OptimizerState): void {
    const known = new Set<string>();
    const next = this.#state.map((_, k) => {
      const i = Math.floor(k / 3);
      const key = `${i}.${SLOTS[k % 3]}`;
      known.add(key);
      const src = state.tensors.get(key);
      if (!src) return null;
      const p = this.params[i] as Tensor;
      const expected = SLOTS[k % 3] === "step" ? [] : p.shape;
      if (src.shape.join() !== expected.join()) {
        throw new UserError(`Adam state '${key}' has shape [${src.shape.join(", ")}], expected [${expected.join(", ")}]`);
      }
      return src.to(SLOTS[k % 3] === "step" ? "cpu" : p.device).clone().keep();
    });
    const extra = [...state.tensors.keys()].filter((k) => !known.has(k));
    if (extra.length > 0) throw new UserError(`Adam state has unexpected entries: ${extra.join(", ")}`);
    for (let i = 0; i < this.params.length; i++) {
      const present = [0, 1, 2].filter((s) => next[3 * i + s] !== null).length;
      if (present !== 0 && present !== 3) throw new UserError(`Adam state for parameter ${i} is incomplete (needs exp_avg, exp_avg_sq and step)`);
    }
    for (const t of this.#state) t?.dispose();
    this.#state = next;
    if (typeof state.hyper.lr === "number") this.lr = state.hyper.lr;
  }

  dispose(): void {
    for (const t of this.#state) t?.dispose();
    this.#state.fill(null);
  }
}
