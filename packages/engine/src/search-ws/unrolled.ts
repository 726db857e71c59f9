/**
 * DARTS-V2's architecture gradient (spec §7.2, the original's `backward_step_unrolled`): the gradient of the
 * unrolled objective L_val(w′(α), α) with w′ = w − ξ·(μ·buf + ∇_w L_train(w, α) + λ·w) — one virtual SGD step with
 * the current learning rate ξ, momentum μ (buffers of the real optimizer, zeros before its first step) and weight
 * decay λ —, where the second-order term uses the finite-difference Hessian-vector product
 *   ∇²_{α,w} L_train · v ≈ (∇_α L_train(w + εv) − ∇_α L_train(w − εv)) / 2ε,  ε = r / ‖v‖,  v = ∇_{w′} L_val(w′).
 * The original evaluates w′ on a deep copy; here w′ is written into the network and w restored afterwards, with the
 * BatchNorm running statistics of that forward discarded as the copy's were. The ±ε moves are done in place on w
 * exactly as the original (add εv, subtract 2εv, add εv).
 */
import { grad, noGrad } from "../tensor/autograd.js";
import { zerosLike } from "../tensor/creation.js";
import { cat } from "../tensor/functional.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DeviceBatch } from "../train/device-batch.js";
import { forwardLoss } from "./context.js";
import type { NetworkMode, Supernet } from "./supernet.js";

export interface VirtualStep {
  lr: number;
  momentum: number;
  weightDecay: number;
  /** the weight optimizer's momentum buffers per weight (null before its first step) */
  momentumBuffers: readonly (Tensor | null)[];
  /** finite-difference radius r */
  r: number;
}

export interface UnrolledGradient {
  /** ∂/∂α of the unrolled objective (DARTS' finite-difference approximation) */
  grad: Tensor;
  /** L_val(w′) and its logits (what the original records as the arch loss) */
  loss: number;
  logits: Float32Array;
}

const dartsMode = (net: Supernet): NetworkMode => ({ kind: "weighted", weights: net.arch.softmax(-1) });

/** Call inside a tidy scope; the returned gradient belongs to it. */
export function unrolledArchGradient(net: Supernet, base: DeviceBatch, arch: DeviceBatch, step: VirtualStep): UnrolledGradient {
  const alpha = net.arch;
  const weights = net.weights();

  // the virtual step w′ = w − ξ(μ·buf + g + λw)
  const trainLoss = forwardLoss(net, base, dartsMode(net)).loss;
  const g = grad(trainLoss, weights, { allowUnused: true });
  const haveMomentum = step.momentumBuffers.length === weights.length && step.momentumBuffers.every((b) => b !== null);
  const unrolled = noGrad(() =>
    weights.map((w, i) => {
      const gi = g[i] ?? zerosLike(w);
      const dtheta = gi.add(w.mul(step.weightDecay));
      const moment = haveMomentum ? step.momentumBuffers[i]!.mul(step.momentum) : zerosLike(w);
      return w.addScaled(moment.add(dtheta), -step.lr);
    }),
  );

  const savedWeights = noGrad(() => weights.map((w) => w.detach().clone()));
  const buffers = net.buffers();
  const savedBuffers = noGrad(() => buffers.map((b) => b.clone()));
  let valLoss: number;
  let valLogits: Float32Array;
  let dalpha: Tensor;
  let vector: Tensor[];
  noGrad(() => weights.forEach((w, i) => w.copy_(unrolled[i]!)));
  try {
    const out = forwardLoss(net, arch, dartsMode(net));
    valLoss = out.loss.item();
    valLogits = out.logits.toFloat32Array();
    const grads = grad(out.loss, [alpha, ...weights], { allowUnused: true });
    dalpha = grads[0] ?? zerosLike(alpha);
    vector = weights.map((w, i) => grads[i + 1] ?? zerosLike(w));
  } finally {
    noGrad(() => {
      weights.forEach((w, i) => w.copy_(savedWeights[i]!));
      buffers.forEach((b, i) => b.copy_(savedBuffers[i]!));
    });
  }

  const implicit = hessianVectorProduct(net, base, vector, step.r);
  const result = noGrad(() => dalpha.addScaled(implicit, -step.lr));
  return { grad: result, loss: valLoss, logits: valLogits };
}

/**
 * (∇_α L_train(w + εv) − ∇_α L_train(w − εv)) / 2ε with ε = r/‖v‖, computed as the original does: ‖v‖ is libtorch's
 * norm of all of v concatenated (summing per-tensor squares instead rounds differently, and ε with it), ε = r · 1/‖v‖
 * in float32 (Python's `r / tensor`), the moves take ε and 2ε as scalars and the difference is divided by the 2ε tensor.
 */
export function hessianVectorProduct(net: Supernet, base: DeviceBatch, vector: readonly Tensor[], r: number): Tensor {
  const weights = net.weights();
  const { R, twoR } = noGrad(() => {
    const R = cat(vector.map((v) => v.view(-1))).norm().reciprocal().mul(r);
    return { R, twoR: R.mul(2) };
  });
  const move = (scale: number): void => noGrad(() => weights.forEach((w, i) => w.add_(vector[i]!, scale)));
  const alphaGrad = (): Tensor => {
    const loss = forwardLoss(net, base, dartsMode(net)).loss;
    return grad(loss, [net.arch])[0]!;
  };
  move(R.item());
  const gradPlus = alphaGrad();
  move(-twoR.item());
  const gradMinus = alphaGrad();
  move(R.item());
  return noGrad(() => gradPlus.sub(gradMinus).div(twoR));
}
