import { UserError } from "@aa-nas/core/errors.js";
import { N, NONE } from "../native.js";
import { Tensor } from "../tensor.js";
import type { Optimizer, OptimizerState } from "./optimizer.js";

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  /** Coupled L2: g ← g + wd·p (applied to every parameter given, as torch.optim.SGD does). */
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

/**
 * torch.optim.SGD (1.13 semantics: first step buf = g; nesterov g ← g + μ·buf; p ← p − lr·g), fused: one
 * addon call updates all parameters. Parameters without a gradient are skipped.
 */
export class SGD implements Optimizer {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  readonly params: readonly Tensor[];
  readonly #handles: number[];
  #buffers: (Tensor | null)[];

  constructor(params: Iterable<Tensor>, o: SgdOptions) {
    this.params = [...params];
    this.lr = o.lr;
    this.momentum = o.momentum ?? 0;
    this.dampening = o.dampening ?? 0;
    this.weightDecay = o.weightDecay ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.maximize = o.maximize ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new UserError("SGD: nesterov momentum requires momentum > 0 and dampening = 0");
    }
    this.#handles = this.params.map((p) => p.handle);
    this.#buffers = this.params.map(() => null);
  }

  step(): void {
    const bufHandles = this.#buffers.map((b) => (b ? b.handle : NONE));
    const out = N().sgdStep(this.#handles, bufHandles, this.lr, this.momentum, this.dampening, this.weightDecay, this.nesterov, this.maximize);
    out.forEach((h, i) => {
      if (h !== NONE && h !== bufHandles[i]) this.#buffers[i] = Tensor.fromHandle(h).keep();
    });
  }

  zeroGrad(setToNone = false): void {
    N().zeroGrad(this.#handles, setToNone);
  }

  /** Momentum buffers as `<index>.momentum_buffer` (PyTorch's optimizer state keys), live tensors. */
  stateDict(): OptimizerState {
    const tensors = new Map<string, Tensor>();
    this.#buffers.forEach((b, i) => {
      if (b) tensors.set(`${i}.momentum_buffer`, b);
    });
    return { tensors, hyper: { lr: this.lr, momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov } };
  }

  loadStateDict(state: OptimizerState): void {
    const next = this.params.map((p, i) => {
      const src = state.tensors.get(`${i}.momentum_buffer`);
      if (!src) return null;
      if (src.shape.join() !== p.shape.join()) {
        throw new UserError(`SGD state for parameter ${i} has shape [${src.shape.join(", ")}], the parameter has [${p.shape.join(", ")}]`);
      }
      return src.to(p.device).clone().keep();
    });
    const extra = [...state.tensors.keys()].filter((k) => !/^(\d+)\.momentum_buffer$/.test(k) || Number(k.split(".")[0]) >= this.params.length);
    if (extra.length > 0) throw new UserError(`SGD state has unexpected entries: ${extra.join(", ")}`);
    for (const b of this.#buffers) b?.dispose();
    this.#buffers = next;
    if (typeof state.hyper.lr === "number") this.lr = state.hyper.lr;
  }

  dispose(): void {
    for (const b of this.#buffers) b?.dispose();
    this.#buffers = this.params.map(() => null);
  }
}
