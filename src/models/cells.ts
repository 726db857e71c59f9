/** The two cell kinds of TinyNetwork (spec §2.1–2.2): the searched InferCell and the fixed ResNet reduction block. */
import { ModuleList, Layer, type Tensor } from "../engine/index.js";
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

/** per node 1..3: its incoming edges in string order (layer index, input node, whether it is a `none` edge) */
type CellPlan = { layer: number; input: number; zero: boolean }[][];

/**
 * One flat `layers` list in arch-string order; node i = Σ layers[k](nodes[from_k]) over its edges, summed left to right
 * as Python's `sum` does. Its leading `0 +` changes no value, but it makes every node a tensor of its own: a node fed
 * by one skip edge alone is `0 + x`, not x itself, so the gradients of its consumers are summed apart from those of x's
 * (float addition is not associative), hence the explicit `+ 0` below. Output is the last node.
 *
 * `none` edges contribute x·0, and adding exact zeros changes no finite value (nor any gradient), so they are left out
 * of the sum; a node whose edges are all `none` still gets its x·0. (Only a network that has already overflowed to
 * Inf/NaN could tell the difference: the original would turn Inf·0 into NaN.)
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
    this.plan = Array.from({ length: s.nodes - 1 }, () => []);
    s.layers.forEach((spec, k) => this.plan[s.nodeOf[k]! - 1]!.push({ layer: k, input: s.inputs[k]!, zero: spec.kind === "zero" }));
    this.lonelySkip = this.plan.map((edges) => {
      const live = edges.filter((e) => !e.zero);
      return live.length === 1 && s.layers[live[0]!.layer]!.kind === "identity";
    });
    this.sharedRelu = Array.from({ length: s.nodes }, (_, j) => sharesRelu(s, this.plan, j));
  }

  forward(x: Tensor): Tensor {
    const nodes: Tensor[] = [x];
    const relus: Tensor[] = [];
    this.plan.forEach((edges, k) => {
      let acc: Tensor | null = null;
      for (const e of edges) {
        if (e.zero) continue;
        const layer = this.layers.get(e.layer);
        const y =
          this.sharedRelu[e.input] && layer instanceof ReLUConvBN
            ? layer.forwardActivated((relus[e.input] ??= nodes[e.input]!.relu()))
            : layer.forward(nodes[e.input]!);
        acc = acc === null ? y : acc.add(y);
      }
      if (acc === null) acc = this.layers.get(edges[0]!.layer).forward(nodes[edges[0]!.input]!);
      nodes.push(this.lonelySkip[k] ? acc.add(0) : acc);
    });
    return nodes[nodes.length - 1]!;
  }
}

/**
 * Whether every consumer of node j in the cell is a ReLU→conv→BN edge (at least two of them), so that they can share
 * one relu(node j) instead of each computing it. That is bit-identical to separate relus, forward and backward: the
 * relu values are the same, and the gradient reaching node j is the same sum in the same order, masked once instead of
 * term by term (the masked-out terms are exact zeros). Any other consumer (a skip, a pool, the x·0 of an all-`none`
 * node) would change the order of that sum, so then nothing is shared. Node j is consumed only inside the cell: every
 * node, the output included, is a tensor of its own (see InferCell). test/models/parity.test.ts pins the bits.
 */
function sharesRelu(s: InferCellSpec, plan: CellPlan, j: number): boolean {
  // the edges forward() runs: a node's live edges, or only the first of a node whose edges are all `none` (its x·0)
  const consumers = plan.flatMap((edges) => (edges.every((e) => e.zero) ? edges.slice(0, 1) : edges.filter((e) => !e.zero))).filter((e) => e.input === j);
  return consumers.length >= 2 && consumers.every((e) => s.layers[e.layer]!.kind === "relu-conv-bn");
}
