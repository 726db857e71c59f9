import { N, NONE } from "./native.js";
import { Tensor } from "./tensor.js";

/** Runs fn with gradient recording off (torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with gradient recording on (torch.enable_grad()). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = N().setGradEnabled(on);
  try {
    const result = fn();
    if (result instanceof Promise) throw new Error("noGrad/enableGrad: fn must be synchronous");
    return result;
  } finally {
    N().setGradEnabled(previous);
  }
}

export function isGradEnabled(): boolean {
  return N().isGradEnabled();
}

export interface GradOptions {
  /** Gradients of non-scalar outputs (one per output). */
  gradOutputs?: readonly Tensor[];
  retainGraph?: boolean;
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on instead of throwing. */
  allowUnused?: boolean;
}

/** torch.autograd.grad: gradients of outputs w.r.t. the chosen inputs, without touching any `.grad`. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], o: GradOptions = {}): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const handles = N().autogradGrad(
    outs.map((t) => t.handle),
    inputs.map((t) => t.handle),
    o.gradOutputs ? o.gradOutputs.map((t) => t.handle) : null,
    o.retainGraph ?? o.createGraph ?? false,
    o.createGraph ?? false,
    o.allowUnused ?? false,
  );
  return handles.map((h) => (h === NONE ? null : Tensor.fromHandle(h)));
}

/** torch.autograd.backward on several outputs at once is rarely needed; call loss.backward() instead. */
export function backward(output: Tensor, gradient?: Tensor, retainGraph = false): void {
  output.backward({ ...(gradient ? { gradient } : {}), retainGraph });
}

/** Zeroes (or with setToNone drops) the gradients of all given tensors in one call. */
export function zeroGrad(params: readonly Tensor[], setToNone = false): void {
  N().zeroGrad(
    params.map((p) => p.handle),
    setToNone,
  );
}

/**
 * torch.nn.utils.clip_grad_norm_: scales all gradients in place so their joint norm is at most maxNorm;
 * returns the norm before clipping.
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2): number {
  return N().clipGradNorm(
    params.map((p) => p.handle),
    maxNorm,
    normType,
  );
}
