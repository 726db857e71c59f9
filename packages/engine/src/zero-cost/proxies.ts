/**
 * Zero-cost proxies (docs/zero-cost.md) on NAS-Bench-201 networks: scores of an untrained TinyNetwork on one
 * mini-batch that are meant to rank architectures by their trained accuracy. Each pass (one proxy, or the proxies
 * that share one computation) gets a freshly initialised network (`manualSeed(seed)`, then the benchmark's
 * PyTorch-default initialisation), so no pass sees another's side effects (batch-norm running statistics, patched
 * layers).
 *
 * Layers are intercepted by replacing the `forward` of the module instances (conv, linear, batch norm, ReLU): the
 * network code calls them through the instance, so the patch sees exactly the calls PyTorch's hooks would.
 */
import { UserError } from "@aa-nas/core/errors.js";
import { archCosts, isCostDataset } from "@aa-nas/core/space/costs.js";
import { PROXY_NAMES, type ProxyName } from "@aa-nas/core/bench/zero-cost.js";
import {
  BatchNorm2d,
  Conv2d,
  F,
  Linear,
  ReLU,
  grad,
  manualSeed,
  noGrad,
  ones,
  tensor,
  tidy,
  type Device,
  type Module,
  type Tensor,
} from "../tensor/index.js";
import { ReLUConvBN } from "../models/operations.js";
import { TinyNetwork } from "../models/tiny-network.js";
import { logAbsDet, rowCorrelation, symmetricEigenvalues } from "./linalg.js";

/**
 * Version of the proxy definitions; stored with every score. Bump it when a definition changes a number, so stored
 * scores of another version are recomputed instead of mixed.
 */
export const PROXY_VERSION = 1;

/** One mini-batch, already normalised (NCHW float32), with its class labels. */
export interface ProxyBatch {
  readonly inputs: Float32Array;
  readonly labels: Int32Array;
  /** `[n, channels, height, width]` */
  readonly shape: readonly [number, number, number, number];
}

export interface ProxyNetwork {
  readonly arch: string;
  /** seed of `manualSeed` before the network is built (its initial weights) */
  readonly seed: number;
  readonly classes: number;
  /** cost dataset for params/flops: "cifar10", "cifar100" or "ImageNet16-120" */
  readonly costDataset: string;
  readonly C?: number;
  readonly N?: number;
  readonly device?: Device;
}

export interface ProxyScore {
  readonly proxy: ProxyName;
  readonly score: number;
  /** wall time of the pass that computed this proxy, network construction included */
  readonly seconds: number;
}

/**
 * Computes the chosen proxies of one network on one batch. Proxies that need the same computation on the same fresh
 * network share one pass (see PASSES): snip, grad_norm, plain, fisher and nwot one forward and one backward of the
 * loss; jacov and epe_nas one input Jacobian. A pass does only what its requested proxies need (nwot alone: a forward
 * without gradients). Every proxy of a shared pass records that pass's time.
 */
export function computeProxies(net: ProxyNetwork, batch: ProxyBatch, proxies: readonly ProxyName[] = PROXY_NAMES): ProxyScore[] {
  checkBatch(batch);
  const done = new Map<Pass, { scores: Partial<Record<ProxyName, number>>; seconds: number }>();
  return proxies.map((proxy) => {
    const pass = PASS_OF[proxy];
    let result = done.get(pass);
    if (result === undefined) {
      const start = performance.now();
      const scores = runPass(pass, net, batch, new Set(proxies.filter((p) => PASS_OF[p] === pass)));
      result = { scores, seconds: (performance.now() - start) / 1000 };
      done.set(pass, result);
    }
    return { proxy, score: result.scores[proxy]!, seconds: result.seconds };
  });
}

function checkBatch(b: ProxyBatch): void {
  const [n, c, h, w] = b.shape;
  if (b.inputs.length !== n * c * h * w) throw new Error(`batch inputs hold ${b.inputs.length} values, shape [${b.shape.join(", ")}] needs ${n * c * h * w}`);
  if (b.labels.length !== n) throw new Error(`batch has ${n} images but ${b.labels.length} labels`);
  if (n < 2) throw new UserError(`a proxy batch needs at least 2 images (correlations between samples), got ${n}`);
}

function runPass(pass: Pass, net: ProxyNetwork, batch: ProxyBatch, wanted: ReadonlySet<ProxyName>): Partial<Record<ProxyName, number>> {
  if (pass === "costs") {
    if (!isCostDataset(net.costDataset)) throw new UserError(`params/flops need a cost dataset (cifar10, cifar100, ImageNet16-120), got '${net.costDataset}'`);
    return archCosts(net.arch, net.costDataset);
  }
  manualSeed(net.seed);
  const model = TinyNetwork.create(net.C ?? 16, net.N ?? 5, net.arch, net.classes, batch.shape[1]);
  try {
    if (net.device !== undefined && net.device !== "cpu") model.to(net.device);
    model.train();
    return tidy(() => PASSES[pass](model, batch, net.device ?? "cpu", wanted));
  } finally {
    model.dispose();
  }
}

type PassFn = (model: TinyNetwork, batch: ProxyBatch, device: Device, wanted: ReadonlySet<ProxyName>) => Partial<Record<ProxyName, number>>;

const inputsOf = (b: ProxyBatch, device: Device, requiresGrad = false): Tensor =>
  tensor(b.inputs, [...b.shape], { device, requiresGrad });
const labelsOf = (b: ProxyBatch, device: Device): Tensor =>
  tensor(BigInt64Array.from(b.labels, (v) => BigInt(v)), [b.labels.length], { dtype: "int64", device });

/** Conv2d and Linear modules in PyTorch's `net.modules()` order: the layers every per-weight proxy sums over. */
function weightLayers(model: Module): (Conv2d | Linear)[] {
  return model.namedModules().flatMap(([, m]) => (m instanceof Conv2d || m instanceof Linear ? [m] : []));
}

type Forward = (x: Tensor) => Tensor;
/** Replaces `forward` on this instance (the network calls layers through their instances). */
function patchForward(m: Module, make: (original: Forward) => Forward): void {
  const layer = m as Module & { forward: Forward };
  layer.forward = make(layer.forward.bind(layer));
}

const sumOver = (ts: readonly Tensor[], f: (t: Tensor, i: number) => Tensor): number => ts.reduce((s, t, i) => s + f(t, i).sum().item(), 0);

function lossGrads(model: TinyNetwork, b: ProxyBatch, device: Device, weights: readonly Tensor[]): Tensor[] {
  const loss = F.crossEntropy(model.forward(inputsOf(b, device)).logits, labelsOf(b, device));
  return grad(loss, weights, { allowUnused: true }).map((g, i) => g ?? weights[i]!.mul(0));
}

const JACOV_K = 1e-5;

type Pass = "costs" | "synflow" | "grasp" | "loss" | "jacobian" | "l2_norm";
const PASS_OF: Record<ProxyName, Pass> = {
  params: "costs",
  flops: "costs",
  synflow: "synflow",
  grasp: "grasp",
  snip: "loss",
  grad_norm: "loss",
  plain: "loss",
  fisher: "loss",
  nwot: "loss",
  jacov: "jacobian",
  epe_nas: "jacobian",
  l2_norm: "l2_norm",
};

const PASSES: Record<Exclude<Pass, "costs">, PassFn> = {
  /**
   * SynFlow (Tanaka et al. 2020): batch norm removed, |θ| in float64, one all-ones input; Σ |θ ⊙ ∂R/∂θ| with
   * R = Σ logits, over conv and linear weights. Biases enter as |b| (they are part of the state dict made positive).
   */
  synflow: (model, b, device) => ({ synflow: synflow(model, b, device) }),
  grasp: (model, b, device) => ({ grasp: grasp(model, b, device) }),
  /** Σ ‖θ‖₂ over conv and linear weight tensors (no data). */
  l2_norm: (model) => ({ l2_norm: weightLayers(model).reduce((s, l) => s + l.weight.norm(2).item(), 0) }),
  loss: lossPass,
  jacobian: jacobianPass,
};

function synflow(model: TinyNetwork, b: ProxyBatch, device: Device): number {
  const layers = weightLayers(model);
  const weights = layers.map((l) => l.weight.detach().abs().to("float64").requiresGrad_(true));
  layers.forEach((l, i) => {
    const bias = l.bias === null ? null : l.bias.detach().abs().to("float64");
    if (l instanceof Conv2d) {
      patchForward(l, () => (x) => F.conv2d(x, weights[i]!, bias, { stride: l.stride, padding: l.padding, dilation: l.dilation, groups: l.groups }));
    } else {
      patchForward(l, () => (x) => F.linear(x, weights[i]!, bias));
    }
  });
  for (const [, m] of model.namedModules()) if (m instanceof BatchNorm2d) patchForward(m, () => (x) => x);
  const x = ones([1, b.shape[1], b.shape[2], b.shape[3]], { dtype: "float64", device });
  const grads = grad(model.forward(x).logits.sum(), weights, { allowUnused: true });
  return sumOver(weights, (w, i) => (grads[i] === null ? w.mul(0) : w.mul(grads[i]!).abs()));
}

/**
 * GraSP (Wang et al. 2020), as the zero-cost papers use it: g = ∂L/∂θ (first pass, detached), Hg = ∂(gᵀ ∂L/∂θ)/∂θ
 * by double backward on a second pass; score Σ −θ ⊙ Hg over conv and linear weights.
 */
function grasp(model: TinyNetwork, b: ProxyBatch, device: Device): number {
  const weights = weightLayers(model).map((l) => l.weight);
  const g = lossGrads(model, b, device, weights).map((t) => t.detach());
  const loss = F.crossEntropy(model.forward(inputsOf(b, device)).logits, labelsOf(b, device));
  const gf = grad(loss, weights, { createGraph: true, allowUnused: true });
  let z: Tensor | null = null;
  gf.forEach((t, i) => {
    if (t === null) return;
    const term = g[i]!.mul(t).sum();
    z = z === null ? term : z.add(term);
  });
  if (z === null) return 0;
  const hg = grad(z, weights, { allowUnused: true });
  return sumOver(weights, (w, i) => (hg[i] === null ? w.mul(0) : w.mul(hg[i]!).neg()));
}

/**
 * One forward of the batch (train mode) recording every conv/linear output and every ReLU input, then one backward of
 * the loss to the weights and to those outputs:
 * - snip (Lee et al. 2019): Σ |θ ⊙ ∂L/∂θ|;
 * - grad_norm (Abdelfattah et al. 2021): Σ over weight tensors of ‖∂L/∂W‖₂;
 * - plain (Abdelfattah et al. 2021): Σ θ ⊙ ∂L/∂θ (signed);
 * - fisher (Theis et al. 2018 / Turner et al. 2020): per output channel of every conv and linear layer,
 *   ½ · mean over samples of (Σ over positions a ⊙ ∂L/∂a)², a the layer's output; each channel's value counts once per
 *   weight of that channel (C_in·k² for a conv, in_features for a linear), as the zero-cost papers broadcast it;
 * - nwot (Mellor et al. 2021, v2): binary codes c = [input > 0] of every ReLU per sample; the kernel
 *   K = Σ_ReLU (c cᵀ + (1 − c)(1 − c)ᵀ) counts agreeing units; log |det K|. A ReLU shared by several conv edges of a
 *   node (the engine computes it once) counts once per edge, as each edge's own ReLU module would.
 */
function lossPass(model: TinyNetwork, b: ProxyBatch, device: Device, wanted: ReadonlySet<ProxyName>): Partial<Record<ProxyName, number>> {
  const acts: { layer: Conv2d | Linear; act: Tensor }[] = [];
  try {
    return lossPassRecording(model, b, device, wanted, acts);
  } finally {
    for (const a of acts) a.act.dispose();
  }
}

function lossPassRecording(
  model: TinyNetwork,
  b: ProxyBatch,
  device: Device,
  wanted: ReadonlySet<ProxyName>,
  acts: { layer: Conv2d | Linear; act: Tensor }[],
): Partial<Record<ProxyName, number>> {
  const n = b.shape[0];
  const layers = weightLayers(model);
  const weights = layers.map((l) => l.weight);
  const wantWeightGrads = wanted.has("snip") || wanted.has("grad_norm") || wanted.has("plain");
  const wantFisher = wanted.has("fisher");
  const wantNwot = wanted.has("nwot");
  if (wantFisher) {
    for (const l of layers) {
      patchForward(l, (original) => (x) => {
        const act = original(x);
        // kept past the scope of the cell or edge that made it (cells free their intermediates as they go); the
        // finally below frees it
        acts.push({ layer: l, act: act.keep() });
        return act;
      });
    }
  }
  const kernel = new Float64Array(n * n);
  const record = (x: Tensor): void =>
    tidy(() => {
      const c = x.detach().gt(0).float().reshape(n, -1);
      const off = c.rsub(1);
      const k = c.matmul(c.transpose(0, 1)).add(off.matmul(off.transpose(0, 1))).to("cpu").toFloat32Array();
      for (let i = 0; i < k.length; i++) kernel[i] = kernel[i]! + k[i]!;
    });
  for (const [, m] of wantNwot ? model.namedModules() : []) {
    if (m instanceof ReLU) {
      patchForward(m, (original) => (x) => {
        record(x);
        return original(x);
      });
    } else if (m instanceof ReLUConvBN) {
      const activated = m.forwardActivated.bind(m);
      m.forwardActivated = (r: Tensor): Tensor => {
        record(r); // r = relu(x): the same code as x
        return activated(r);
      };
    }
  }
  if (!wantWeightGrads && !wantFisher) {
    // nwot alone reads the forward's ReLU inputs only
    noGrad(() => model.forward(inputsOf(b, device)));
    return { nwot: logAbsDet({ n, data: kernel }) };
  }
  const loss = F.crossEntropy(model.forward(inputsOf(b, device)).logits, labelsOf(b, device));
  const gradWeights = wantWeightGrads ? weights : [];
  const all = grad(loss, [...gradWeights, ...acts.map((a) => a.act)], { allowUnused: true });
  const wGrads = wantWeightGrads ? weights.map((w, i) => all[i] ?? w.mul(0)) : [];
  const fisher = acts.reduce((s, { layer, act }, i) => {
    const gAct = all[gradWeights.length + i];
    if (gAct === null || gAct === undefined) return s;
    const prod = act.detach().mul(gAct);
    const perChannel = prod.rank > 2 ? prod.sum([2, 3]) : prod;
    const channelFisher = perChannel.square().mean(0).mul(0.5).abs();
    return s + channelFisher.sum().item() * (layer.weight.numel / layer.weight.size(0));
  }, 0);
  return {
    ...(wantWeightGrads
      ? {
          snip: sumOver(weights, (w, i) => w.mul(wGrads[i]!).abs()),
          grad_norm: wGrads.reduce((s, g) => s + g.norm(2).item(), 0),
          plain: sumOver(weights, (w, i) => w.mul(wGrads[i]!)),
        }
      : {}),
    ...(wantFisher ? { fisher } : {}),
    ...(wantNwot ? { nwot: logAbsDet({ n, data: kernel }) } : {}),
  };
}

/**
 * The per-sample input Jacobian J_n = ∂(Σ logits_n)/∂x_n (one backward of Σ logits), then:
 * - jacov (Mellor et al. 2021, v1): eigenvalues λ of the correlation matrix of the rows; −Σ (log(λ + k) + 1/(λ + k)),
 *   k = 1e-5;
 * - epe_nas (Lopes et al. 2021): per class c, s_c = Σ log(|corr(J_c)| + 1e-5) over the correlation matrix of the rows of
 *   that class's samples; score Σ_c |s_c| for ≤ 100 classes, else Σ_c Σ_c' |s_c − s_c'| / #classes with s_c divided by
 *   its class's sample count. A class with one sample has correlation 1 (numpy's scalar `corrcoef`); with > 100 classes
 *   such a class is left out (numpy's `len` of a scalar fails and the original skips it).
 */
function jacobianPass(model: TinyNetwork, b: ProxyBatch, device: Device): Partial<Record<ProxyName, number>> {
  const n = b.shape[0];
  const x = inputsOf(b, device, true);
  const [g] = grad(model.forward(x).logits.sum(), [x]);
  const rows = Float64Array.from(g!.to("cpu").toFloat32Array());
  const width = rows.length / n;
  const eig = symmetricEigenvalues(rowCorrelation(rows, n, width));
  const jacov = -eig.reduce((s, v) => s + Math.log(v + JACOV_K) + 1 / (v + JACOV_K), 0);
  return { jacov, epe_nas: epeNas(rows, n, width, b.labels, model.classifier.outFeatures) };
}

function epeNas(rows: Float64Array, n: number, width: number, labels: Int32Array, classes: number): number {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) byClass.set(labels[i]!, [...(byClass.get(labels[i]!) ?? []), i]);
  const scores: number[] = [];
  for (const members of byClass.values()) {
    if (members.length === 1) {
      if (classes <= 100) scores.push(Math.log(1 + JACOV_K));
      continue;
    }
    const sub = new Float64Array(members.length * width);
    members.forEach((r, k) => sub.set(rows.subarray(r * width, (r + 1) * width), k * width));
    const corr = rowCorrelation(sub, members.length, width);
    let s = corr.data.reduce((acc, v) => acc + Math.log(Math.abs(v) + JACOV_K), 0);
    if (classes > 100) s /= members.length;
    scores.push(s);
  }
  if (classes <= 100) return scores.reduce((acc, s) => acc + Math.abs(s), 0);
  let total = 0;
  for (const s of scores) for (const t of scores) total += Math.abs(s - t);
  return total / scores.length;
}
