// torch.nn.functional equivalents. Each calls the same ATen op PyTorch's functional form calls.
import { N, NONE } from "./native.js";
import { REDUCTION, type Reduction } from "./opcodes.js";
import { wrap, type Tensor } from "./tensor.js";
import { emptyLike } from "./creation.js";
import { currentReplica } from "./replicas.js";

type Pair = number | readonly [number, number];
function pair(v: Pair): [number, number] {
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}
function opt(t: Tensor | null | undefined): number {
  return t ? t.handle : NONE;
}

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
}
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, o: Conv2dOptions = {}): Tensor {
  return wrap(N().conv2d(x.handle, weight.handle, opt(bias), pair(o.stride ?? 1), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.groups ?? 1));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Updated in place when training (pass null to always use batch statistics). */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  training: boolean;
  momentum?: number;
  eps?: number;
}
/**
 * F.batch_norm: batch statistics when training (or when no running stats are given), else running stats. Inside a
 * replica group (replicas.ts) the batch statistics are those of the whole batch, gathered from every replica.
 */
export function batchNorm(x: Tensor, o: BatchNormOptions): Tensor {
  const replica = currentReplica();
  if (replica !== null && o.training) {
    return wrap(
      N().syncBatchNorm(replica.group, replica.rank, x.handle, opt(o.weight), opt(o.bias), opt(o.runningMean), opt(o.runningVar), o.momentum ?? 0.1, o.eps ?? 1e-5),
    );
  }
  return wrap(
    N().batchNorm(x.handle, opt(o.weight), opt(o.bias), opt(o.runningMean), opt(o.runningVar), o.training, o.momentum ?? 0.1, o.eps ?? 1e-5),
  );
}

export interface Pool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
}
export function avgPool2d(x: Tensor, kernelSize: Pair, o: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  return wrap(
    N().avgPool2d(x.handle, pair(kernelSize), pair(o.stride ?? kernelSize), pair(o.padding ?? 0), o.ceilMode ?? false, o.countIncludePad ?? true),
  );
}
export function maxPool2d(x: Tensor, kernelSize: Pair, o: Pool2dOptions & { dilation?: Pair } = {}): Tensor {
  return wrap(
    N().maxPool2d(x.handle, pair(kernelSize), pair(o.stride ?? kernelSize), pair(o.padding ?? 0), pair(o.dilation ?? 1), o.ceilMode ?? false),
  );
}
export function adaptiveAvgPool2d(x: Tensor, outputSize: Pair): Tensor {
  return wrap(N().adaptiveAvgPool2d(x.handle, pair(outputSize)));
}
/** F.adaptive_avg_pool3d; a 4-D input is one unbatched (C, D, H, W) volume, so [N, c, H, W] → [N, D, H, W] pools dim 1. */
export function adaptiveAvgPool3d(x: Tensor, outputSize: readonly [number, number, number]): Tensor {
  return wrap(N().adaptiveAvgPool3d(x.handle, [...outputSize]));
}
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return wrap(N().linear(x.handle, weight.handle, opt(bias)));
}
export function relu(x: Tensor): Tensor {
  return x.relu();
}

export interface CrossEntropyOptions {
  labelSmoothing?: number;
  reduction?: Reduction;
}
/** F.cross_entropy over class logits [N, C] with int64 targets [N]. */
export function crossEntropy(logits: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  return wrap(N().crossEntropy(logits.handle, target.handle, o.labelSmoothing ?? 0, REDUCTION[o.reduction ?? "mean"]));
}
export function nllLoss(logProbs: Tensor, target: Tensor, reduction: Reduction = "mean"): Tensor {
  return wrap(N().nllLoss(logProbs.handle, target.handle, REDUCTION[reduction]));
}
export function dropout(x: Tensor, p: number, training: boolean): Tensor {
  return wrap(N().dropout(x.handle, p, training));
}
export function embedding(weight: Tensor, indices: Tensor): Tensor {
  return wrap(N().embedding(weight.handle, indices.handle));
}
/** One LSTM step (the kernel of nn.LSTMCell and CPU nn.LSTM): returns [h', c']. */
export function lstmCell(
  x: Tensor,
  state: readonly [Tensor, Tensor],
  weightIh: Tensor,
  weightHh: Tensor,
  biasIh: Tensor | null = null,
  biasHh: Tensor | null = null,
): [Tensor, Tensor] {
  const [h, c] = N().lstmCell(x.handle, state[0].handle, state[1].handle, weightIh.handle, weightHh.handle, opt(biasIh), opt(biasHh));
  return [wrap(h), wrap(c)];
}
/** F.pad(x, pad, value=…) with constant mode; pad lists (before, after) pairs from the last dimension. */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  return wrap(N().constantPad(x.handle, padding, value));
}
/** torch.multinomial over the last dim of (unnormalised) probabilities; int64 indices. */
export function multinomial(probs: Tensor, numSamples: number, replacement = false): Tensor {
  return wrap(N().multinomial(probs.handle, numSamples, replacement));
}
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  return wrap(N().oneHot(indices.handle, numClasses));
}
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(N().cat(tensors.map((t) => t.handle), dim));
}
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return wrap(N().stack(tensors.map((t) => t.handle), dim));
}
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  return wrap(N().where(condition.handle, a.handle, b.handle));
}
export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}
/**
 * Gumbel(0, 1) noise shaped like x, drawn as GDAS does: `-torch.empty_like(x).exponential_().log()`
 * (same RNG calls, so the same samples after the same seed).
 */
export function gumbelLike(x: Tensor): Tensor {
  const e = emptyLike(x).exponential_();
  const g = e.log().neg();
  e.dispose();
  return g;
}
