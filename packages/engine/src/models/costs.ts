/**
 * Parameter and FLOP counts walked from the module tree, following the original `get_model_infos` (spec §2.5):
 * parameters = Σ numel of all parameters (buffers excluded); FLOPs = Σ over Conv2d of k²·C_in·C_out/groups·H_out·W_out
 * (+C_out·H_out·W_out with bias) + Σ over Linear of in·out + out, for one image. Pools, BN, ReLU, additions and
 * Zero ops are free. Totals are exact integers, divided by 1e6 once (bit-identical to the records).
 */
import { childrenOf, ownTensors, type ModuleSpec, type TinyNetworkSpec } from "./structure.js";

/** `[channels, height, width]` of one image */
export type ImageShape = readonly [number, number, number];

interface Totals {
  params: number;
  macs: number;
}

function convOut(size: number, kernel: number, stride: number, padding: number, dilation = 1): number {
  return Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Shape-only forward: returns the output shape and adds each layer's multiply-accumulates. */
function trace(spec: ModuleSpec, x: ImageShape, t: Totals): ImageShape {
  const [c, h, w] = x;
  switch (spec.kind) {
    case "conv2d": {
      if (c !== spec.inC) throw new Error(`conv2d expects ${spec.inC} channels, got ${c}`);
      const ho = convOut(h, spec.kernel, spec.stride, spec.padding, spec.dilation);
      const wo = convOut(w, spec.kernel, spec.stride, spec.padding, spec.dilation);
      t.macs += spec.kernel * spec.kernel * spec.inC * spec.outC * ho * wo + (spec.bias ? spec.outC * ho * wo : 0);
      return [spec.outC, ho, wo];
    }
    case "linear":
      t.macs += spec.inFeatures * spec.outFeatures + spec.outFeatures;
      return [spec.outFeatures, 1, 1];
    case "avgpool2d":
      return [c, convOut(h, spec.kernel, spec.stride, spec.padding), convOut(w, spec.kernel, spec.stride, spec.padding)];
    case "adaptive-avgpool2d":
      return [c, spec.output, spec.output];
    case "batchnorm2d":
    case "relu":
    case "identity":
      return x;
    case "zero":
      return [spec.outC, convOut(h, 1, spec.stride, 0), convOut(w, 1, spec.stride, 0)];
    case "sequential":
    case "relu-conv-bn":
    case "pooling":
      return childrenOf(spec).reduce((shape, [, child]) => trace(child, shape, t), x);
    case "factorized-reduce": {
      let out: ImageShape = x;
      let channels = 0;
      for (const cv of spec.convs) {
        out = trace(cv, x, t);
        channels += out[0];
      }
      return [channels, out[1], out[2]];
    }
    case "resnet-block": {
      const out = trace(spec.convB, trace(spec.convA, x, t), t);
      if (spec.downsample !== null) trace(spec.downsample, x, t);
      return out;
    }
    case "infer-cell": {
      const nodes: ImageShape[] = [x];
      spec.layers.forEach((layer, k) => {
        const y = trace(layer, nodes[spec.inputs[k]!]!, t);
        nodes[spec.nodeOf[k]!] ??= y;
      });
      return nodes[spec.nodes - 1]!;
    }
    case "tiny-network": {
      let y = trace(spec.stem, x, t);
      for (const cell of spec.cells) y = trace(cell, y, t);
      y = trace(spec.globalPooling, trace(spec.lastact, y, t), t);
      return trace(spec.classifier, [y[0] * y[1] * y[2], 1, 1], t);
    }
  }
}

function countParams(spec: ModuleSpec): number {
  let n = 0;
  for (const e of ownTensors(spec)) if (e.role === "parameter") n += e.shape.reduce((a, b) => a * b, 1);
  for (const [, child] of childrenOf(spec)) n += countParams(child);
  return n;
}

export interface ModelCosts {
  /** MFLOPs (multiply-accumulates / 1e6) for one image */
  flops: number;
  /** parameters / 1e6 ("MB" in the original) */
  params: number;
  /** output shape of the walk (`[numClasses, 1, 1]` for a network) */
  outShape: ImageShape;
}

export function modelCosts(spec: ModuleSpec, input: ImageShape): ModelCosts {
  const totals: Totals = { params: 0, macs: 0 };
  const outShape = trace(spec, input, totals);
  return { flops: totals.macs / 1e6, params: countParams(spec) / 1e6, outShape };
}

/** The input the original measured with: (3, 32, 32) for CIFAR, (3, 16, 16) for ImageNet16. */
export function networkCosts(spec: TinyNetworkSpec, side: number): ModelCosts {
  return modelCosts(spec, [spec.inputChannels, side, side]);
}
