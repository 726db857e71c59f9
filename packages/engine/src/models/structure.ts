/**
 * TinyNetwork as a plain description (spec §2): the module tree with PyTorch's child names and constructor arguments,
 * in construction order, without any tensors. It is the blueprint the engine-backed network is built from, and what
 * the parameter / FLOP walk (`costs.ts`) runs over — so counting all 15,625 architectures needs no libtorch.
 */
import { showInput, UserError } from "@aa-nas/core/errors.js";
import { parseArch, SIZE_GENOTYPE, type OpName } from "@aa-nas/core/space/index.js";

export interface Conv2dSpec {
  kind: "conv2d";
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
  bias: boolean;
}
export interface BatchNorm2dSpec {
  kind: "batchnorm2d";
  channels: number;
  affine: boolean;
  trackRunningStats: boolean;
}
export interface LinearSpec {
  kind: "linear";
  inFeatures: number;
  outFeatures: number;
}
export interface ReluSpec {
  kind: "relu";
}
export interface AvgPool2dSpec {
  kind: "avgpool2d";
  kernel: number;
  stride: number;
  padding: number;
  countIncludePad: boolean;
}
export interface AdaptiveAvgPool2dSpec {
  kind: "adaptive-avgpool2d";
  output: number;
}
/** nn.Sequential: children named "0", "1", …; forward applies them in order. */
export interface SequentialSpec {
  kind: "sequential";
  children: ModuleSpec[];
}
/** ReLUConvBN: child `op` = Sequential(ReLU, Conv2d, BatchNorm2d). */
export interface ReluConvBnSpec {
  kind: "relu-conv-bn";
  op: SequentialSpec;
}
/** POOLING: optional `preprocess` (ReLUConvBN when C_in ≠ C_out), then `op` (AvgPool2d). */
export interface PoolingSpec {
  kind: "pooling";
  preprocess: ReluConvBnSpec | null;
  op: AvgPool2dSpec;
}
export interface IdentitySpec {
  kind: "identity";
}
export interface ZeroSpec {
  kind: "zero";
  inC: number;
  outC: number;
  stride: number;
}
/** FactorizedReduce: stride 2 → `relu`, `convs` [0, 1], `pad`, `bn`; stride 1 → `conv`, `bn`. */
export interface FactorizedReduceSpec {
  kind: "factorized-reduce";
  stride: number;
  convs: Conv2dSpec[];
  bn: BatchNorm2dSpec;
}
/** ResNetBasicblock: `conv_a`, `conv_b`, optional `downsample` (Sequential(AvgPool2d, Conv2d) or ReLUConvBN). */
export interface ResNetBlockSpec {
  kind: "resnet-block";
  inC: number;
  outC: number;
  stride: number;
  convA: ReluConvBnSpec;
  convB: ReluConvBnSpec;
  downsample: SequentialSpec | ReluConvBnSpec | null;
}
/** InferCell: one flat `layers` list in arch-string order; `inputs[k]` is the node layer k reads, `nodeOf[k]` the node it feeds. */
export interface InferCellSpec {
  kind: "infer-cell";
  inC: number;
  outC: number;
  layers: ModuleSpec[];
  inputs: number[];
  nodeOf: number[];
  nodes: number;
}
export interface TinyNetworkSpec {
  kind: "tiny-network";
  /** the stem's width (tss: C; sss: C1) */
  C: number;
  /** cells per stage (tss: 5 in the benchmark; sss: len(channels) // 3 = 1) */
  N: number;
  /**
   * null for the tss macro (widths C, 2C, 4C); the size search space's per-layer widths otherwise (sss
   * `DynamicShapeTinyNet`, spec nats-sss §2): `channels[0]` sizes the stem and the first stage's cells, each
   * further entry one cell or reduction block, each layer mapping the previous layer's width to its own.
   */
  channels: readonly number[] | null;
  arch: string;
  numClasses: number;
  inputChannels: number;
  stem: SequentialSpec;
  cells: (InferCellSpec | ResNetBlockSpec)[];
  lastact: SequentialSpec;
  globalPooling: AdaptiveAvgPool2dSpec;
  classifier: LinearSpec;
}

export type ModuleSpec =
  | Conv2dSpec
  | BatchNorm2dSpec
  | LinearSpec
  | ReluSpec
  | AvgPool2dSpec
  | AdaptiveAvgPool2dSpec
  | SequentialSpec
  | ReluConvBnSpec
  | PoolingSpec
  | IdentitySpec
  | ZeroSpec
  | FactorizedReduceSpec
  | ResNetBlockSpec
  | InferCellSpec
  | TinyNetworkSpec;

const conv = (inC: number, outC: number, kernel: number, stride: number, padding: number, dilation = 1, bias = false): Conv2dSpec => ({
  kind: "conv2d",
  inC,
  outC,
  kernel,
  stride,
  padding,
  dilation,
  bias,
});
const bn = (channels: number): BatchNorm2dSpec => ({ kind: "batchnorm2d", channels, affine: true, trackRunningStats: true });
const relu: ReluSpec = { kind: "relu" };

export function reluConvBn(inC: number, outC: number, kernel: number, stride: number, padding: number, dilation = 1): ReluConvBnSpec {
  return { kind: "relu-conv-bn", op: { kind: "sequential", children: [relu, conv(inC, outC, kernel, stride, padding, dilation), bn(outC)] } };
}

export function factorizedReduce(inC: number, outC: number, stride: number): FactorizedReduceSpec {
  if (stride === 2) {
    const half = Math.floor(outC / 2);
    return { kind: "factorized-reduce", stride, convs: [conv(inC, half, 1, 2, 0), conv(inC, outC - half, 1, 2, 0)], bn: bn(outC) };
  }
  if (stride === 1) return { kind: "factorized-reduce", stride, convs: [conv(inC, outC, 1, 1, 0)], bn: bn(outC) };
  throw new RangeError(`FactorizedReduce: invalid stride ${stride}`);
}

/** `OPS[op](C_in, C_out, stride, affine=True, track_running_stats=True)` of the original cell_operations. */
export function cellOperation(op: OpName, inC: number, outC: number, stride: number): ModuleSpec {
  switch (op) {
    case "none":
      return { kind: "zero", inC, outC, stride };
    case "skip_connect":
      return stride === 1 && inC === outC ? { kind: "identity" } : factorizedReduce(inC, outC, stride);
    case "nor_conv_1x1":
      return reluConvBn(inC, outC, 1, stride, 0);
    case "nor_conv_3x3":
      return reluConvBn(inC, outC, 3, stride, 1);
    case "avg_pool_3x3":
      return {
        kind: "pooling",
        // the original omits the dilation argument here (fixed later upstream); unreachable in TinyNetwork
        preprocess: inC === outC ? null : reluConvBn(inC, outC, 1, 1, 0),
        op: { kind: "avgpool2d", kernel: 3, stride, padding: 1, countIncludePad: false },
      };
  }
}

export function resnetBlock(inC: number, outC: number, stride: number): ResNetBlockSpec {
  if (stride !== 1 && stride !== 2) throw new RangeError(`ResNetBasicblock: invalid stride ${stride}`);
  let downsample: ResNetBlockSpec["downsample"] = null;
  if (stride === 2) {
    downsample = { kind: "sequential", children: [{ kind: "avgpool2d", kernel: 2, stride: 2, padding: 0, countIncludePad: true }, conv(inC, outC, 1, 1, 0)] };
  } else if (inC !== outC) {
    downsample = reluConvBn(inC, outC, 1, 1, 0);
  }
  return { kind: "resnet-block", inC, outC, stride, convA: reluConvBn(inC, outC, 3, stride, 1), convB: reluConvBn(outC, outC, 3, 1, 1), downsample };
}

export function inferCell(arch: string, inC: number, outC: number, stride: number): InferCellSpec {
  const layers: ModuleSpec[] = [];
  const inputs: number[] = [];
  const nodeOf: number[] = [];
  parseArch(arch).forEach((edges, n) => {
    for (const [op, from] of edges) {
      layers.push(from === 0 ? cellOperation(op, inC, outC, stride) : cellOperation(op, outC, outC, 1));
      inputs.push(from);
      nodeOf.push(n + 1);
    }
  });
  return { kind: "infer-cell", inC, outC, layers, inputs, nodeOf, nodes: 4 };
}

/** TinyNetwork(C, N, genotype, num_classes) with a configurable number of input channels (3 in the benchmark). */
/** The benchmark's network size (spec §2): C channels in the first stage, N cells per stage. */
export const DEFAULT_CHANNEL = 16;
export const DEFAULT_NUM_CELLS = 5;

/**
 * Bounds on the network's size, far above the benchmark's (C = 16, N = 5, 10–120 classes, 1 or 3 planes) yet small
 * enough that a typo or a crafted weights file fails here, with the valid range, instead of in a libtorch allocation
 * (bad_alloc) or an endless construction (N = 100000 is 300,000 cells). `MAX_NETWORK_VALUES` caps what the
 * parameters and buffers take together: 2^27 float32 values are 512 MB, and training holds about four times that
 * (weights, gradients, momentum, a copy per replica); the benchmark's largest network holds 1.5 M.
 */
export const NETWORK_LIMITS = {
  channel: { min: 1, max: 256 },
  numCells: { min: 1, max: 32 },
  classNum: { min: 1, max: 100_000 },
  inputChannels: { min: 1, max: 64 },
} as const;
export const MAX_NETWORK_VALUES = 2 ** 27;

export class NetworkSizeError extends UserError {}

/** Throws NetworkSizeError unless every size is an integer within NETWORK_LIMITS; `source` prefixes the message. */
export function checkNetworkSize(size: Partial<Record<keyof typeof NETWORK_LIMITS, unknown>>, source = "network"): void {
  for (const key of Object.keys(NETWORK_LIMITS) as (keyof typeof NETWORK_LIMITS)[]) {
    const v = size[key];
    const { min, max } = NETWORK_LIMITS[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      const shown = typeof v === "number" ? String(v) : showInput(JSON.stringify(v) ?? String(v), 40);
      throw new NetworkSizeError(`${source}: ${key} ${shown} is out of range: expected an integer ${min}..${max}`);
    }
  }
}

/** The number of values (parameters and buffers) the network holds; throws NetworkSizeError above MAX_NETWORK_VALUES. */
export function checkNetworkValues(spec: TinyNetworkSpec, source = "network"): number {
  const values = stateEntries(spec).reduce((sum, e) => sum + e.shape.reduce((a, b) => a * b, 1), 0);
  if (values > MAX_NETWORK_VALUES) {
    throw new NetworkSizeError(
      `${source}: ${describeSize(spec)} with ${spec.numClasses} classes holds ${values.toLocaleString("en-US")} values, ` +
        `above the limit of ${MAX_NETWORK_VALUES.toLocaleString("en-US")} (the benchmark's networks hold at most 1.5 M); use a smaller --channel or --num-cells`,
    );
  }
  return values;
}

/** `C=16, N=5` (tss) or `channels 8:16:24:32:40` (sss), for messages. */
export function describeSize(spec: TinyNetworkSpec): string {
  return spec.channels === null ? `C=${spec.C}, N=${spec.N}` : `channels ${spec.channels.join(":")}`;
}

export function tinyNetwork(C: number, N: number, arch: string, numClasses: number, inputChannels = 3): TinyNetworkSpec {
  checkNetworkSize({ channel: C, numCells: N, classNum: numClasses, inputChannels });
  const widths = [...Array<number>(N).fill(C), 2 * C, ...Array<number>(N).fill(2 * C), 4 * C, ...Array<number>(N).fill(4 * C)];
  return cellNetwork(widths, N, arch, numClasses, inputChannels, null);
}

/**
 * The size search space's network, `DynamicShapeTinyNet(channels, genotype, numClasses)` (spec nats-sss §2): the tss
 * macro with one width per layer. `channels.length` must be 3N + 2 (5 in the benchmark: N = 1); the cell is the
 * sss space's fixed genotype unless `arch` names another. Cells whose input width differs from their own map the
 * edges leaving node 0 from the input width (their skip edge is then a stride-1 FactorizedReduce: 1×1 conv + BN).
 */
export function shapeTinyNetwork(channels: readonly number[], numClasses: number, inputChannels = 3, arch: string = SIZE_GENOTYPE): TinyNetworkSpec {
  if (channels.length % 3 !== 2) {
    throw new NetworkSizeError(`size-space network: ${channels.length} channel counts given; expected 3N + 2 of them (5 in the benchmark)`);
  }
  const N = Math.floor(channels.length / 3);
  for (const c of channels) checkNetworkSize({ numCells: N, classNum: numClasses, inputChannels, channel: c }, "size-space network");
  return cellNetwork(channels, N, arch, numClasses, inputChannels, [...channels]);
}

/** Stem, then N cells, a stride-2 block, N cells, a stride-2 block, N cells, each from the previous width to `widths[i]`. */
function cellNetwork(
  widths: readonly number[],
  N: number,
  arch: string,
  numClasses: number,
  inputChannels: number,
  channels: number[] | null,
): TinyNetworkSpec {
  const C = widths[0]!;
  const reductions = [...Array<boolean>(N).fill(false), true, ...Array<boolean>(N).fill(false), true, ...Array<boolean>(N).fill(false)];
  let prev = C;
  const cells = widths.map((cur, i) => {
    const cell = reductions[i] ? resnetBlock(prev, cur, 2) : inferCell(arch, prev, cur, 1);
    prev = cur;
    return cell;
  });
  return {
    kind: "tiny-network",
    C,
    N,
    channels,
    arch,
    numClasses,
    inputChannels,
    stem: { kind: "sequential", children: [conv(inputChannels, C, 3, 1, 1), bn(C)] },
    cells,
    lastact: { kind: "sequential", children: [bn(prev), relu] },
    globalPooling: { kind: "adaptive-avgpool2d", output: 1 },
    classifier: { kind: "linear", inFeatures: prev, outFeatures: numClasses },
  };
}

/** Named children in PyTorch registration order (the order of `named_children()` and of the state dict). */
export function childrenOf(spec: ModuleSpec): [string, ModuleSpec][] {
  switch (spec.kind) {
    case "sequential":
      return spec.children.map((c, i) => [String(i), c]);
    case "relu-conv-bn":
      return [["op", spec.op]];
    case "pooling":
      return spec.preprocess === null ? [["op", spec.op]] : [["preprocess", spec.preprocess], ["op", spec.op]];
    case "factorized-reduce":
      // stride 2: relu, convs (ModuleList), pad, bn; stride 1: conv, bn
      return spec.stride === 2
        ? [["relu", relu], ["convs", { kind: "sequential", children: spec.convs }], ["bn", spec.bn]]
        : [["conv", spec.convs[0]!], ["bn", spec.bn]];
    case "resnet-block":
      return [["conv_a", spec.convA], ["conv_b", spec.convB], ...(spec.downsample === null ? [] : [["downsample", spec.downsample] as [string, ModuleSpec]])];
    case "infer-cell":
      return [["layers", { kind: "sequential", children: spec.layers }]];
    case "tiny-network":
      return [
        ["stem", spec.stem],
        ["cells", { kind: "sequential", children: spec.cells }],
        ["lastact", spec.lastact],
        ["global_pooling", spec.globalPooling],
        ["classifier", spec.classifier],
      ];
    default:
      return [];
  }
}

export interface TensorEntry {
  name: string;
  shape: number[];
  /** parameters are trained; buffers are BatchNorm running statistics */
  role: "parameter" | "buffer";
}

/** Own parameters and buffers of a leaf module, as PyTorch registers them. */
export function ownTensors(spec: ModuleSpec): TensorEntry[] {
  switch (spec.kind) {
    case "conv2d": {
      const w: TensorEntry = { name: "weight", shape: [spec.outC, spec.inC, spec.kernel, spec.kernel], role: "parameter" };
      return spec.bias ? [w, { name: "bias", shape: [spec.outC], role: "parameter" }] : [w];
    }
    case "linear":
      return [
        { name: "weight", shape: [spec.outFeatures, spec.inFeatures], role: "parameter" },
        { name: "bias", shape: [spec.outFeatures], role: "parameter" },
      ];
    case "batchnorm2d": {
      const c = spec.channels;
      const affine: TensorEntry[] = spec.affine
        ? [
            { name: "weight", shape: [c], role: "parameter" },
            { name: "bias", shape: [c], role: "parameter" },
          ]
        : [];
      const stats: TensorEntry[] = spec.trackRunningStats
        ? [
            { name: "running_mean", shape: [c], role: "buffer" },
            { name: "running_var", shape: [c], role: "buffer" },
            { name: "num_batches_tracked", shape: [], role: "buffer" },
          ]
        : [];
      return [...affine, ...stats];
    }
    default:
      return [];
  }
}

/**
 * Every parameter and buffer with its state-dict name, in `state_dict()` order (each module's own entries, then its
 * children's, depth first) — which is also the order of `parameters()` for the parameters.
 */
export function stateEntries(spec: ModuleSpec, prefix = ""): TensorEntry[] {
  const out: TensorEntry[] = ownTensors(spec).map((e) => ({ ...e, name: prefix + e.name }));
  for (const [name, child] of childrenOf(spec)) out.push(...stateEntries(child, `${prefix}${name}.`));
  return out;
}
