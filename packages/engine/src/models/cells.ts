/** The two cell kinds of TinyNetwork (spec §2.1–2.2): the searched InferCell and the fixed ResNet reduction block. */
import { ModuleList, Layer, tidy, type Tensor } from "../tensor/index.js";
import { ReLUConvBN, buildLayer, buildSequential } from "./operations.js";
import type { InferCellSpec, ResNetBlockSpec } from "./structure.js";

/** conv_a → conv_b, plus the residual (AvgPool2d + 1×1 conv when strided; ReLUConvBN when widening; else x). */
export class ResNetBasicblock extends Layer {
  readonly convA: ReLUConvBN;
  readonly convB: ReLUConvBN;
  readonly downsample: Layer | null;
  constructor(readonly s: ResNetBlockSpec) {
    super();
    this.convA = this.registerModule("conv_a", new ReLUConvBN(s.convA));
    this.convB = this.registerModule("conv_b", new ReLUConvBN(s.convB));
    const d = s.downsample;
    this.downsample = d === null ? null : this.registerModule("downsample", d.kind === "sequential" ? buildSequential(d) : new ReLUConvBN(d));
  }
  forward(x: Tensor): Tensor {
    const basic = this.convB.forward(this.convA.forward(x));
    const residual = this.downsample === null ? x : this.downsample.forward(x);
    return residual.add(basic);
  }
}

/** per node 1..3: the incoming edges forward() runs, in string order (layer index, input node) */
type CellPlan = { layer: number; input: number }[][];

/**
 * One flat `layers` list in arch-string order; node i = Σ layers[k](nodes[from_k]) over its edges, summed left to right
 * as Python's `sum` does. Its leading `0 +` changes no value, but it makes every node a tensor of its own: a node fed
 * by one skip edge alone is `0 + x`, not x itself, so the gradients of its consumers are summed apart from those of x's
 * (float addition is not associative), hence the explicit `+ 0` below. Output is the last node.
 *
 * `none` edges contribute x·0. The original computes every one of them, so every node (the cell input included) lies
 * on the autograd graph and every parameter gets a gradient, zero where the node reaches the output only through
 * `none` edges; SGD then still applies weight decay and momentum to those parameters. Here a `none` edge is run only
 * where that matters: when its input node is dead (no path of non-`none` edges to the output), its x·0 is that
 * node's link to the graph. A live input reaches the graph anyway, and its x·0 would add only exact zeros to sums and
 * gradients, so that edge is left out; a node whose edges are all such `none` edges still gets one x·0 (its first)
 * as its value. (Only a network that has already overflowed to Inf/NaN could tell the difference: the original would
 * turn Inf·0 into NaN.) Every node is computed in forward, whatever its edges, so every batch norm updates its running
 * statistics.
 */
export class InferCell extends Layer {
  readonly layers: ModuleList<Layer>;
  private readonly plan: CellPlan;
  /** per node: whether its ReLU→conv→BN edges take one relu(node), computed once per forward (see sharesRelu) */
  private readonly sharedRelu: boolean[];
  /** per node 1..3: fed by one skip edge alone (so it needs Python's `0 +` to be a tensor of its own) */
  private readonly lonelySkip: boolean[];

  constructor(readonly s: InferCellSpec) {
    super();
    this.layers = this.registerModule("layers", new ModuleList(s.layers.map(buildLayer)));
    const live = liveNodes(s);
    const edges: { layer: number; input: number; zero: boolean }[][] = Array.from({ length: s.nodes - 1 }, () => []);
    s.layers.forEach((spec, k) => edges[s.nodeOf[k]! - 1]!.push({ layer: k, input: s.inputs[k]!, zero: spec.kind === "zero" }));
    this.plan = edges.map((node) => {
      const run = node.filter((e) => !e.zero || !live[e.input]);
      return (run.length > 0 ? run : node.slice(0, 1)).map(({ layer, input }) => ({ layer, input }));
    });
    this.lonelySkip = this.plan.map((node) => node.length === 1 && s.layers[node[0]!.layer]!.kind === "identity");
    this.sharedRelu = Array.from({ length: s.nodes }, (_, j) => sharesRelu(s, this.plan, j));
  }

  forward(x: Tensor): Tensor {
    const nodes: Tensor[] = [x];
    const relus: Tensor[] = [];
    // Each edge runs in its own scope and partial sums are dropped once added, so only nodes, shared relus and the
    // edge at hand are held: without gradients (evaluation) that is the cell's whole footprint, as PyTorch's eager
    // freeing gives (holding a cell's intermediates to its end doubled the cache of a 512-image evaluation batch of the
    // size-space supernet, docs/performance/search-ws.md). Under autograd the graph keeps what backward needs anyway.
    // Code that keeps an intermediate past its edge (a recording hook) must keep() it.
    const transient = (t: Tensor | null): void => {
      if (t !== null && !nodes.includes(t) && !relus.includes(t)) t.dispose();
    };
    this.plan.forEach((edges, k) => {
      let acc: Tensor | null = null;
      for (const e of edges) {
        const layer = this.layers.get(e.layer);
        const input = nodes[e.input]!;
        const activated = this.sharedRelu[e.input] && layer instanceof ReLUConvBN ? (relus[e.input] ??= input.relu()) : null;
        const y = tidy(() => (activated !== null ? (layer as ReLUConvBN).forwardActivated(activated) : layer.forward(input)));
        if (acc === null) {
          acc = y;
        } else {
          const sum: Tensor = acc.add(y);
          transient(acc);
          transient(y);
          acc = sum;
        }
      }
      const node = this.lonelySkip[k] ? acc!.add(0) : acc!;
      if (node !== acc) transient(acc);
      nodes.push(node);
    });
    return nodes[nodes.length - 1]!;
  }
}

/** Per node 0..nodes-1: whether a path of non-`none` edges leads from it to the cell output (the output itself is live). */
function liveNodes(s: InferCellSpec): boolean[] {
  const live = Array.from({ length: s.nodes }, (_, j) => j === s.nodes - 1);
  for (let j = s.nodes - 2; j >= 0; j--) {
    live[j] = s.layers.some((spec, k) => s.inputs[k] === j && spec.kind !== "zero" && live[s.nodeOf[k]!]!);
  }
  return live;
}

/**
 * Whether every consumer of node j in the cell is a ReLU→conv→BN edge (at least two of them), so that they can share
 * one relu(node j) instead of each computing it. That is bit-identical to separate relus, forward and backward: the
 * relu values are the same, and the gradient reaching node j is the same sum in the same order, masked once instead of
 * term by term (the masked-out terms are exact zeros). Any other consumer (a skip, a pool, an x·0: of a dead node j,
 * or the first edge of an all-`none` node) would change the order of that sum, so then nothing is shared. Node j is
 * consumed only inside the cell: every node, the output included, is a tensor of its own (see InferCell).
 * test/models/parity.test.ts pins the bits.
 */
function sharesRelu(s: InferCellSpec, plan: CellPlan, j: number): boolean {
  const consumers = plan.flat().filter((e) => e.input === j);
  return consumers.length >= 2 && consumers.every((e) => s.layers[e.layer]!.kind === "relu-conv-bn");
}
