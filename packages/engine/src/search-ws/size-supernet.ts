/**
 * The channel-search supernet of the size space (nats-sss spec §4.2; the original's `GenericNAS301Model`): the size
 * space's macro — stem, cell, reduction block, cell, reduction block, cell — with every width at the largest candidate
 * (64), and after each of its six modules the feature is narrowed to a sampled width. The α row of module i is
 * `max(0, i − 1)`: the stem and the first cell both read row 0 but sample it independently.
 *
 * BatchNorm flags as the original's `affine` / `track_running_stats` arguments (the scripts: 0 / 0): the stem and the
 * three cells build their convolutions with `bias = !affine` and their BatchNorms with those flags; the two reduction
 * blocks stay ResNet blocks with affine BatchNorms that track running statistics and bias-free convolutions, as the
 * original builds them whatever the flags; the final BatchNorm takes the flags.
 *
 * State-dict names are the original's: `_cells.{0..5}.…`, `lastact.0`, `classifier`, `_arch_parameters` [5, 8] and
 * the buffers `_tau` [1] and `_masks` [8, 64] (row k = ones on the first candidate_k channels).
 */
import { noGrad } from "../tensor/autograd.js";
import { randn, tensor, zeros } from "../tensor/creation.js";
import { adaptiveAvgPool3d, cat, gumbelLike, multinomial } from "../tensor/functional.js";
import { ModuleList, Sequential } from "../tensor/nn/containers.js";
import { Linear } from "../tensor/nn/linear.js";
import { Layer, Module } from "../tensor/nn/module.js";
import { AdaptiveAvgPool2d } from "../tensor/nn/simple.js";
import { tidy } from "../tensor/scope.js";
import type { Tensor } from "../tensor/tensor.js";
import { InferCell, ResNetBasicblock } from "../models/cells.js";
import { buildSequential } from "../models/operations.js";
import { shapeTinyNetwork } from "../models/structure.js";
import { SIZE_CANDIDATES, SIZE_MAX_WIDTH, SIZE_POSITIONS, formatSizeArch, sizeIndexOfChoices, type PyRandom } from "@aa-nas/core/space/index.js";
import { argmaxRows, type Genotype } from "./supernet.js";
import { withBatchNormFlags, type BatchNormFlags } from "./search-ops.js";

export const SIZE_WIDTHS = SIZE_CANDIDATES.length;
/** masking points per forward: after the stem and after each of the five cells */
export const SIZE_MASK_POINTS = SIZE_POSITIONS + 1;

export interface SizeSupernetOptions {
  numClasses: number;
  /** input planes (3 for CIFAR / ImageNet16, 1 for Fashion-MNIST) */
  inputChannels?: number;
  /** the original's `affine` (default false, as the published runs) */
  affine?: boolean;
  /** the original's `track_running_stats` (`--bn`, default false) */
  trackRunningStats?: boolean;
}

/**
 * How one forward narrows its features (one mode for all six masking points):
 * - `tas`: channel-wise interpolation of two Gumbel-sampled widths (TAS);
 * - `gumbel`: the soft Gumbel-softmax mixture of the eight masks (FBNet-V2, `mask_gumbel`);
 * - `sample`: one width drawn from softmax(α) per point, its log-probability kept (TuNAS, `mask_rl`);
 * - `warmup`: the full width with probability `ratio`, else a uniformly random one (CPython `random` draws), whatever
 *   the algorithm — the original's controller warm-up.
 */
export type SizeMode = { kind: "tas" } | { kind: "gumbel" } | { kind: "sample" } | { kind: "warmup"; ratio: number; rng: PyRandom };

export interface SizeForward {
  features: Tensor;
  logits: Tensor;
  /** `sample` mode: log π(width) at each of the six points (1-element tensors); empty otherwise */
  logProbs: Tensor[];
  /** the width indices each point used: two per point for `tas`, one for `sample` / `warmup`, none for `gumbel` */
  chosen: number[][];
}

export class SizeSupernet extends Module {
  readonly cells: ModuleList<Layer>;
  readonly lastact: Sequential;
  readonly globalPooling: AdaptiveAvgPool2d;
  readonly classifier: Linear;
  readonly alpha: Tensor;
  readonly masks: Tensor;
  readonly tauBuffer: Tensor;
  readonly options: Required<SizeSupernetOptions>;

  constructor(o: SizeSupernetOptions) {
    super();
    this.options = { inputChannels: 3, affine: false, trackRunningStats: false, ...o };
    const { numClasses, inputChannels, affine, trackRunningStats } = this.options;
    const flags: BatchNormFlags & { convBias: boolean } = { affine, trackRunningStats, convBias: !affine };
    const skeleton = shapeTinyNetwork(new Array<number>(SIZE_POSITIONS).fill(SIZE_MAX_WIDTH), numClasses, inputChannels);
    const cells = new ModuleList<Layer>();
    cells.append(buildSequential(withBatchNormFlags(skeleton.stem, flags)));
    for (const c of skeleton.cells) cells.append(c.kind === "resnet-block" ? new ResNetBasicblock(c) : new InferCell(withBatchNormFlags(c, flags)));
    this.cells = this.registerModule("_cells", cells);
    this.lastact = this.registerModule("lastact", buildSequential(withBatchNormFlags(skeleton.lastact, { affine, trackRunningStats })));
    this.globalPooling = this.registerModule("global_pooling", new AdaptiveAvgPool2d(1));
    this.classifier = this.registerModule("classifier", new Linear(skeleton.classifier.inFeatures, numClasses));
    this.tauBuffer = this.registerBuffer("_tau", zeros([1]))!;
    // drawn after every weight, as `set_algo` draws it after the model is built
    this.alpha = this.registerParameter(
      "_arch_parameters",
      noGrad(() => tidy(() => randn([SIZE_POSITIONS, SIZE_WIDTHS]).mul(1e-3))),
    );
    const maskValues = new Float32Array(SIZE_WIDTHS * SIZE_MAX_WIDTH);
    SIZE_CANDIDATES.forEach((c, k) => maskValues.fill(1, k * SIZE_MAX_WIDTH, k * SIZE_MAX_WIDTH + c));
    this.masks = this.registerBuffer("_masks", tensor(maskValues, [SIZE_WIDTHS, SIZE_MAX_WIDTH]))!;
  }

  /** The network weights: every parameter except α (the original's `weights`, same order). */
  weights(): Tensor[] {
    return this.parameters().filter((p) => p !== this.alpha);
  }

  /** The Gumbel temperature of TAS and FBNet-V2, held as the original's float32 buffer `_tau`. */
  get tau(): number {
    return this.tauBuffer.item();
  }

  setTau(tau: number): void {
    noGrad(() => this.tauBuffer.fill_(tau));
  }

  forward(x: Tensor, mode: SizeMode): SizeForward {
    const logProbs: Tensor[] = [];
    const chosen: number[][] = [];
    let feature = x;
    [...this.cells].forEach((cell, i) => {
      const input = feature;
      // each module, then its narrowing, in its own scope: intermediates go as soon as they are used (autograd keeps
      // what backward needs), which bounds the memory of a large evaluation batch
      const y = tidy(() => cell.forward(input));
      if (input !== x) input.dispose();
      const narrowed = tidy(() => this.narrow(y, Math.max(0, i - 1), mode));
      if (narrowed.feature !== y) y.dispose();
      chosen.push(narrowed.chosen);
      if (narrowed.logProb !== null) logProbs.push(narrowed.logProb);
      feature = narrowed.feature;
    });
    const pooled = this.globalPooling.forward(this.lastact.forward(feature));
    const features = pooled.view(pooled.size(0), -1);
    return { features, logits: this.classifier.forward(features), logProbs, chosen };
  }

  private narrow(y: Tensor, row: number, mode: SizeMode): { feature: Tensor; logProb: Tensor | null; chosen: number[] } {
    switch (mode.kind) {
      case "warmup": {
        const k = mode.rng.random() < mode.ratio ? SIZE_WIDTHS - 1 : mode.rng.randint(0, SIZE_WIDTHS - 1);
        return { feature: y.mul(this.masks.select(0, k).view(1, -1, 1, 1)), logProb: null, chosen: [k] };
      }
      case "gumbel": {
        const w = gumbelSoftmax(this.alpha.narrow(0, row, 1), this.tauBuffer);
        return { feature: y.mul(w.matmul(this.masks).view(1, -1, 1, 1)), logProb: null, chosen: [] };
      }
      case "tas": {
        const { selected, probs } = selectTwo(this.alpha.narrow(0, row, 1), this.tauBuffer);
        const [i1, i2] = selected as [number, number];
        const c1 = SIZE_CANDIDATES[i1]!;
        const c2 = SIZE_CANDIDATES[i2]!;
        const width = Math.max(c1, c2);
        // operands dropped as soon as they are consumed (a full-width activation each)
        const term = (c: number, k: number): Tensor => {
          const part = channelInterpolate(y.narrow(1, 0, c), width);
          const weighted = part.mul(probs.select(0, 0).select(0, k));
          part.dispose();
          return weighted;
        };
        const first = term(c1, 0);
        const second = term(c2, 1);
        const mixed = first.add(second);
        first.dispose();
        second.dispose();
        const channels = y.size(1);
        if (width === channels) return { feature: mixed, logProb: null, chosen: [i1, i2] };
        const pad = zeros([y.size(0), channels - width, y.size(2), y.size(3)], { device: y.device });
        const feature = cat([mixed, pad], 1);
        mixed.dispose();
        pad.dispose();
        return { feature, logProb: null, chosen: [i1, i2] };
      }
      case "sample": {
        const { index, logProb } = sampleWidth(this.alpha.narrow(0, row, 1));
        return { feature: y.mul(this.masks.select(0, index).view(1, -1, 1, 1)), logProb, chosen: [index] };
      }
    }
  }

  /** Per-position argmax of α as width indices (the original's `genotype`). */
  argmaxWidths(): number[] {
    return argmaxRows(this.alpha.toFloat32Array(), SIZE_WIDTHS);
  }
}

/** A size-space answer as a genotype: the channel string, its benchmark index and the width index per position. */
export function sizeGenotypeOf(widths: readonly number[]): Genotype {
  const channels = widths.map((k) => SIZE_CANDIDATES[k]!);
  return { arch: formatSizeArch(channels), index: sizeIndexOfChoices(widths), ops: [...widths] };
}

/**
 * `F.gumbel_softmax(logits, tau)` (soft): Gumbel noise drawn as `-log(Exp(1))`, `softmax((logits + g) / τ)`. τ is the
 * [1] float32 buffer the original divides by.
 */
export function gumbelSoftmax(logits: Tensor, tau: Tensor): Tensor {
  const g = noGrad(() => gumbelLike(logits));
  return logits.add(g).div(tau).softmax(-1);
}

const MAX_REDRAWS = 1000;
const SELECT_EPS = 1e-7;

/**
 * TAS's `select2withP(logits, τ, num=2)`: perturbed logits `(log_softmax(α) + g) / τ`, redrawn while the noise or the
 * probabilities hold inf/NaN; two distinct indices from `multinomial(probs + 1e-7, 2)` without replacement; their
 * weights the softmax of their two perturbed logits (the gradient reaches α through these).
 */
export function selectTwo(logits: Tensor, tau: Tensor): { selected: number[]; probs: Tensor } {
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const g = noGrad(() => gumbelLike(logits));
    const perturbed = logits.logSoftmax(1).add(g).div(tau);
    const probs = perturbed.softmax(1);
    const bad = [...g.toFloat32Array(), ...probs.toFloat32Array()].some((v) => !Number.isFinite(v));
    g.dispose();
    if (bad) {
      probs.dispose();
      perturbed.dispose();
      continue;
    }
    const index = noGrad(() => tidy(() => multinomial(probs.add(SELECT_EPS), 2, false)));
    probs.dispose();
    const selected = Array.from(index.toArray() as BigInt64Array, Number);
    const weights = perturbed.gather(1, index).softmax(1);
    index.dispose();
    perturbed.dispose();
    return { selected, probs: weights };
  }
  throw new Error(`TAS: ${MAX_REDRAWS} Gumbel draws in a row gave inf/NaN probabilities`);
}

/**
 * TAS's channel-wise interpolation (`ChannelWiseInter`, its default v2): the first c channels resampled to `width` by
 * adaptive average pooling over the channel axis; unchanged when c already is `width`.
 */
export function channelInterpolate(x: Tensor, width: number): Tensor {
  if (x.size(1) === width) return x;
  return adaptiveAvgPool3d(x, [width, x.size(2), x.size(3)]);
}

/**
 * TuNAS's draw at one point: `Categorical(softmax(α_row))` as torch.distributions builds it — the probabilities
 * renormalised by their sum, one `multinomial(p, 1, replacement)` draw, and `log_prob` = log(clamp(p, ε, 1 − ε)) at
 * the drawn index (ε = float32 machine epsilon).
 */
export function sampleWidth(logits: Tensor): { index: number; logProb: Tensor } {
  const prob = logits.softmax(-1);
  const p = prob.div(prob.sum([-1], true));
  const drawn = noGrad(() => multinomial(p, 1, true));
  const index = Number((drawn.toArray() as BigInt64Array)[0]);
  const logPmf = p.clamp({ min: FLOAT32_EPS, max: 1 - FLOAT32_EPS }).log();
  const logProb = logPmf.gather(-1, drawn.view(1, 1)).squeeze(-1);
  drawn.dispose();
  return { index, logProb };
}

const FLOAT32_EPS = 2 ** -23;
