/**
 * The NAS-Bench-201 cell operations over the engine (spec §2.1), built from their `structure.ts` descriptions so the
 * module tree, child names and construction order (hence the RNG draws of the initialisation) equal PyTorch's.
 */
import { cat, BatchNorm2d, Conv2d, ModuleList, Sequential, Linear, Layer, AdaptiveAvgPool2d, AvgPool2d, Identity, ReLU, zeros, type Tensor, F } from "../tensor/index.js";
import type {
  BatchNorm2dSpec,
  Conv2dSpec,
  FactorizedReduceSpec,
  ModuleSpec,
  PoolingSpec,
  ReluConvBnSpec,
  SequentialSpec,
  ZeroSpec,
} from "./structure.js";

export function buildConv2d(s: Conv2dSpec): Conv2d {
  return new Conv2d(s.inC, s.outC, s.kernel, { stride: s.stride, padding: s.padding, dilation: s.dilation, bias: s.bias });
}

export function buildBatchNorm2d(s: BatchNorm2dSpec): BatchNorm2d {
  return new BatchNorm2d(s.channels, { affine: s.affine, trackRunningStats: s.trackRunningStats });
}

export function buildSequential(s: SequentialSpec): Sequential {
  const seq = new Sequential();
  for (const child of s.children) seq.append(buildLayer(child));
  return seq;
}

/** ReLU → Conv2d(bias=False) → BatchNorm2d, as child `op`. */
export class ReLUConvBN extends Layer {
  readonly op: Sequential;
  constructor(s: ReluConvBnSpec) {
    super();
    this.op = this.registerModule("op", buildSequential(s.op));
  }
  forward(x: Tensor): Tensor {
    return this.op.forward(x);
  }
  /** conv → BN on an input that is already relu(x). */
  forwardActivated(r: Tensor): Tensor {
    return this.op.get(2).forward(this.op.get(1).forward(r));
  }
}

/** POOLING(C_in, C_out, stride, 'avg'): optional ReLUConvBN preprocess, then AvgPool2d(3, count_include_pad=False). */
export class Pooling extends Layer {
  readonly preprocess: ReLUConvBN | null;
  readonly op: AvgPool2d;
  constructor(s: PoolingSpec) {
    super();
    this.preprocess = s.preprocess === null ? null : this.registerModule("preprocess", new ReLUConvBN(s.preprocess));
    this.op = this.registerModule(
      "op",
      new AvgPool2d(s.op.kernel, { stride: s.op.stride, padding: s.op.padding, countIncludePad: s.op.countIncludePad }),
    );
  }
  forward(x: Tensor): Tensor {
    return this.op.forward(this.preprocess === null ? x : this.preprocess.forward(x));
  }
}

/** `none`: x·0 (keeping the graph, as the original), strided x·0, or zeros with C_out channels. No parameters. */
export class Zero extends Layer {
  readonly isZero = true;
  constructor(readonly s: ZeroSpec) {
    super();
  }
  forward(x: Tensor): Tensor {
    const { inC, outC, stride } = this.s;
    if (inC === outC) return stride === 1 ? x.mul(0) : x.slice(2, 0, undefined, stride).slice(3, 0, undefined, stride).mul(0);
    const [n, , h, w] = x.shape;
    return zeros([n!, outC, h!, w!], { dtype: x.dtype, device: x.device });
  }
}

/** Stride 2: ReLU, two 1×1 stride-2 convs (the second on the input shifted by one pixel), concat, BN. Stride 1: conv, BN. */
export class FactorizedReduce extends Layer {
  readonly convs: ModuleList<Conv2d> | null;
  readonly conv: Conv2d | null;
  readonly bn: BatchNorm2d;
  constructor(readonly s: FactorizedReduceSpec) {
    super();
    if (s.stride === 2) {
      this.registerModule("relu", new ReLU());
      this.convs = this.registerModule("convs", new ModuleList(s.convs.map(buildConv2d)));
      this.conv = null;
    } else {
      this.convs = null;
      this.conv = this.registerModule("conv", buildConv2d(s.convs[0]!));
    }
    this.bn = this.registerModule("bn", buildBatchNorm2d(s.bn));
  }
  forward(x: Tensor): Tensor {
    if (this.convs !== null) {
      const r = x.relu();
      const shifted = F.pad(r, [0, 1, 0, 1]).slice(2, 1).slice(3, 1);
      return this.bn.forward(cat([this.convs.get(0).forward(r), this.convs.get(1).forward(shifted)], 1));
    }
    return this.bn.forward(this.conv!.forward(x));
  }
}

/** Builds any single-input layer of the tree (cells and networks have their own classes). */
export function buildLayer(s: ModuleSpec): Layer {
  switch (s.kind) {
    case "conv2d":
      return buildConv2d(s);
    case "batchnorm2d":
      return buildBatchNorm2d(s);
    case "linear":
      return new Linear(s.inFeatures, s.outFeatures);
    case "relu":
      return new ReLU();
    case "avgpool2d":
      return new AvgPool2d(s.kernel, { stride: s.stride, padding: s.padding, countIncludePad: s.countIncludePad });
    case "adaptive-avgpool2d":
      return new AdaptiveAvgPool2d(s.output);
    case "sequential":
      return buildSequential(s);
    case "relu-conv-bn":
      return new ReLUConvBN(s);
    case "pooling":
      return new Pooling(s);
    case "identity":
      return new Identity();
    case "zero":
      return new Zero(s);
    case "factorized-reduce":
      return new FactorizedReduce(s);
    case "resnet-block":
    case "infer-cell":
    case "tiny-network":
      throw new Error(`buildLayer: '${s.kind}' is built by its own class (cells.ts / tiny-network.ts)`);
  }
}
