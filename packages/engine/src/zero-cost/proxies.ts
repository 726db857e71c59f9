/**
 * Zero-cost proxies (docs/zero-cost.md) on NAS-Bench-201 networks: scores of an untrained TinyNetwork on one
 * mini-batch that are meant to rank architectures by their trained accuracy. Each proxy gets a freshly initialised
 * network (`manualSeed(seed)`, then the benchmark's PyTorch-default initialisation), so no proxy sees another's
 * side effects (batch-norm running statistics, patched layers).
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
  /** wall time of this proxy, network construction included */
  readonly seconds: number;
}

/** Computes the chosen proxies of one network on one batch, one fresh network per proxy. */
export function computeProxies(net: ProxyNetwork, batch: ProxyBatch, proxies: readonly ProxyName[] = PROXY_NAMES): ProxyScore[] {
  checkBatch(batch);
  return proxies.map((proxy) => {
    const start = performance.now();
    const score = computeOne(proxy, net, batch);
    return { proxy, score, seconds: (performance.now() - start) / 1000 };
  });
}

function checkBatch(b: ProxyBatch): void {
  const [n, c, h, w] = b.shape;
  if (b.inputs.length !== n * c * h * w) throw new Error(`batch inputs hold ${b.inputs.length} values, shape [${b.shape.join(", ")}] needs ${n * c * h * w}`);
  if (b.labels.length !== n) throw new Error(`batch has ${n} images but ${b.labels.length} labels`);
  if (n < 2) throw new UserError(`a proxy batch needs at least 2 images (correlations between samples), got ${n}`);
}

function computeOne(proxy: ProxyName, net: ProxyNetwork, batch: ProxyBatch): number {
  if (proxy === "params" || proxy === "flops") {
    if (!isCostDataset(net.costDataset)) throw new UserError(`params/flops need a cost dataset (cifar10, cifar100, ImageNet16-120), got '${net.costDataset}'`);
    return archCosts(net.arch, net.costDataset)[proxy];
  }
  manualSeed(net.seed);
  const model = TinyNetwork.create(net.C ?? 16, net.N ?? 5, net.arch, net.classes, batch.shape[1]);
  try {
    if (net.device !== undefined && net.device !== "cpu") model.to(net.device);
    model.train();
    return tidy(() => PROXIES[proxy](model, batch, net.device ?? "cpu"));
  } finally {
    model.dispose();
  }
}

type ProxyFn = (model: TinyNetwork, batch: ProxyBatch, device: Device) => number;

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

/** Per-sample gradient of the summed logits w.r.t. the input: `N × (C·H·W)` rows in float64. */
function inputJacobian(model: TinyNetwork, b: ProxyBatch, device: Device): Float64Array {
  const x = inputsOf(b, device, true);
  const [g] = grad(model.forward(x).logits.sum(), [x]);
  return Float64Array.from(g!.to("cpu").toFloat32Array());
}

const JACOV_K = 1e-5;

const PROXIES: Record<Exclude<ProxyName, "params" | "flops">, ProxyFn> = {
  /**
   * SynFlow (Tanaka et al. 2020): batch norm removed, |θ| in float64, one all-ones input; Σ |θ ⊙ ∂R/∂θ| with
   * R = Σ logits, over conv and linear weights. Biases enter as |b| (they are part of the state dict made positive).
   */
  synflow(model, b, device) {
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
  },

  /** SNIP (Lee et al. 2019): Σ |θ ⊙ ∂L/∂θ| over conv and linear weights, cross-entropy on the batch. */
  snip(model, b, device) {
    const weights = weightLayers(model).map((l) => l.weight);
    const grads = lossGrads(model, b, device, weights);
    return sumOver(weights, (w, i) => w.mul(grads[i]!).abs());
  },

  /** Σ ‖∂L/∂θ‖₂ per conv/linear weight tensor (Abdelfattah et al. 2021). */
  grad_norm(model, b, device) {
    const weights = weightLayers(model).map((l) => l.weight);
    return lossGrads(model, b, device, weights).reduce((s, g) => s + g.norm(2).item(), 0);
  },

  /** Σ θ ⊙ ∂L/∂θ (signed; Abdelfattah et al. 2021's "plain"). */
  plain(model, b, device) {
    const weights = weightLayers(model).map((l) => l.weight);
    const grads = lossGrads(model, b, device, weights);
    return sumOver(weights, (w, i) => w.mul(grads[i]!));
  },

  /**
   * GraSP (Wang et al. 2020), as the zero-cost papers use it: g = ∂L/∂θ (first pass, detached), Hg = ∂(gᵀ ∂L/∂θ)/∂θ
   * by double backward on a second pass; score Σ −θ ⊙ Hg over conv and linear weights.
   */
  grasp(model, b, device) {
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
  },

  /**
   * Fisher (Turner et al. 2020 / Theis et al. 2018), per output channel of every conv and linear layer:
   * ½ · mean over samples of (Σ over positions a ⊙ ∂L/∂a)², a the layer's output; each channel's value counts once
   * per weight of that channel (C_in·k² for a conv, in_features for a linear), as the zero-cost papers broadcast it.
   */
  fisher(model, b, device) {
    const layers = weightLayers(model);
    const acts: { layer: Conv2d | Linear; act: Tensor }[] = [];
    for (const l of layers) {
      patchForward(l, (original) => (x) => {
        const act = original(x);
        acts.push({ layer: l, act });
        return act;
      });
    }
    const loss = F.crossEntropy(model.forward(inputsOf(b, device)).logits, labelsOf(b, device));
    const grads = grad(loss, acts.map((a) => a.act), { allowUnused: true });
    return acts.reduce((s, { layer, act }, i) => {
      const gAct = grads[i];
      if (gAct === null || gAct === undefined) return s;
      const prod = act.detach().mul(gAct);
      const perChannel = prod.rank > 2 ? prod.sum([2, 3]) : prod;
      const fisher = perChannel.square().mean(0).mul(0.5).abs();
      const perWeight = layer.weight.numel / layer.weight.size(0);
      return s + fisher.sum().item() * perWeight;
    }, 0);
  },

  /**
   * Jacobian covariance (Mellor et al. 2021, v1): rows J_i = ∂(Σ logits)/∂x_i; eigenvalues λ of their correlation
   * matrix; −Σ (log(λ + k) + 1/(λ + k)), k = 1e-5.
   */
  jacov(model, b, device) {
    const n = b.shape[0];
    const rows = inputJacobian(model, b, device);
    const eig = symmetricEigenvalues(rowCorrelation(rows, n, rows.length / n));
    return -eig.reduce((s, v) => s + Math.log(v + JACOV_K) + 1 / (v + JACOV_K), 0);
  },

  /**
   * EPE-NAS (Lopes et al. 2021): per class c, s_c = Σ log(|corr(J_c)| + 1e-5) over the correlation matrix of the
   * Jacobian rows of that class's samples; score Σ_c |s_c| for ≤ 100 classes, else Σ_c Σ_c' |s_c − s_c'| / #classes
   * with s_c divided by its class's sample count. A class with one sample has correlation 1 (numpy's scalar
   * `corrcoef`); with > 100 classes such a class is left out (numpy's `len` of a scalar fails and the original skips it).
   */
  epe_nas(model, b, device) {
    const n = b.shape[0];
    const classes = model.classifier.outFeatures;
    const rows = inputJacobian(model, b, device);
    const width = rows.length / n;
    const byClass = new Map<number, number[]>();
    b.labels.forEach((label, i) => byClass.set(label, [...(byClass.get(label) ?? []), i]));
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
  },

  /**
   * NASWOT (Mellor et al. 2021, v2): binary codes c = [input > 0] of every ReLU, per sample; the kernel
   * K = Σ_ReLU (c cᵀ + (1 − c)(1 − c)ᵀ) counts agreeing units; score log |det K|. A ReLU shared by several conv edges
   * of a node (the engine computes it once) counts once per edge, as each edge's own ReLU module would.
   */
  nwot(model, b, device) {
    const n = b.shape[0];
    const kernel = new Float64Array(n * n);
    const record = (x: Tensor): void =>
      tidy(() => {
        const c = x.detach().gt(0).float().reshape(n, -1);
        const off = c.rsub(1);
        const k = c.matmul(c.transpose(0, 1)).add(off.matmul(off.transpose(0, 1))).to("cpu").toFloat32Array();
        for (let i = 0; i < k.length; i++) kernel[i] = kernel[i]! + k[i]!;
      });
    for (const [, m] of model.namedModules()) {
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
    noGrad(() => model.forward(inputsOf(b, device)));
    return logAbsDet({ n, data: kernel });
  },

  /** Σ ‖θ‖₂ over conv and linear weight tensors (no data). */
  l2_norm(model) {
    return weightLayers(model).reduce((s, l) => s + l.weight.norm(2).item(), 0);
  },
};
