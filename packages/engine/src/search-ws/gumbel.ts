/**
 * GDAS's differentiable hard sample (spec §7.2, the original's TinyNetworkGDAS.forward): Gumbel noise on
 * log_softmax(α), temperature τ, softmax, then per edge a one-hot of the argmax with straight-through weights
 * `one_hot − p.detach() + p` — equal to the one-hot in value, with the gradient of p. Redrawn while the noise or the
 * probabilities hold inf/NaN, as the original does.
 */
import { noGrad } from "../tensor/autograd.js";
import { tensor } from "../tensor/creation.js";
import { gumbelLike } from "../tensor/functional.js";
import type { Tensor } from "../tensor/tensor.js";
import { argmaxRows } from "./supernet.js";

export interface HardSample {
  /** straight-through weights [edges, ops]: the one-hot in value, ∂/∂α through p */
  weights: Tensor;
  /** the sampled op per edge */
  selected: number[];
  /** softmax((log_softmax(α) + g) / τ) */
  probs: Tensor;
}

const MAX_REDRAWS = 1000;

/** `tau(e) = τ_max − (τ_max − τ_min)·e/(E − 1)` (GDAS.py; E = total epochs). */
export function gdasTau(epoch: number, totalEpochs: number, tauMax: number, tauMin: number): number {
  if (totalEpochs <= 1) return tauMax;
  return tauMax - ((tauMax - tauMin) * epoch) / (totalEpochs - 1);
}

export function gumbelHardSample(alpha: Tensor, tau: number): HardSample {
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const gumbels = noGrad(() => gumbelLike(alpha));
    const probs = alpha.logSoftmax(1).add(gumbels).div(tau).softmax(1);
    const g = gumbels.toFloat32Array();
    const p = probs.toFloat32Array();
    gumbels.dispose();
    if (g.some((v) => !Number.isFinite(v)) || p.some((v) => !Number.isFinite(v))) {
      probs.dispose();
      continue;
    }
    const width = alpha.size(1);
    const selected = argmaxRows(p, width);
    const oneHotValues = new Float32Array(p.length);
    selected.forEach((k, e) => (oneHotValues[e * width + k] = 1));
    const oneHot = tensor(oneHotValues, [...alpha.shape], { device: alpha.device });
    const detached = probs.detach();
    const weights = oneHot.sub(detached).add(probs);
    oneHot.dispose();
    detached.dispose();
    return { weights, selected, probs };
  }
  throw new Error(`GDAS: ${MAX_REDRAWS} Gumbel draws in a row gave inf/NaN probabilities (α = ${alpha.toFloat32Array().join(", ")})`);
}
