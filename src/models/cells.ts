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

/**
 * One flat `layers` list in arch-string order; node i = Σ layers[k](nodes[from_k]) over its edges, summed left to right
 * (Python's `sum`, whose leading `0 +` changes no value). Output is the last node.
 *
 * `none` edges contribute x·0, and adding exact zeros changes no finite value (nor any gradient), so they are left out
 * of the sum; a node whose edges are all `none` still gets its x·0. (Only a network that has already overflowed to
 * Inf/NaN could tell the difference: the original would turn Inf·0 into NaN.)
 */
export class InferCell extends Layer {
  readonly layers: ModuleList<Layer>;
  /** per node 1..3: its incoming edges in string order (layer index, input node, whether it is a `none` edge) */
  private readonly plan: { layer: number; input: number; zero: boolean }[][];

  constructor(readonly s: InferCellSpec) {
    super();
    this.layers = this.registerModule("layers", new ModuleList(s.layers.map(buildLayer)));
    this.plan = Array.from({ length: s.nodes - 1 }, () => []);
    s.layers.forEach((spec, k) => this.plan[s.nodeOf[k]! - 1]!.push({ layer: k, input: s.inputs[k]!, zero: spec.kind === "zero" }));
  }

  forward(x: Tensor): Tensor {
    const nodes: Tensor[] = [x];
    for (const edges of this.plan) {
      let acc: Tensor | null = null;
      for (const e of edges) {
        if (e.zero) continue;
        const y = this.layers.get(e.layer).forward(nodes[e.input]!);
        acc = acc === null ? y : acc.add(y);
      }
      if (acc === null) acc = this.layers.get(edges[0]!.layer).forward(nodes[edges[0]!.input]!);
      nodes.push(acc);
    }
    return nodes[nodes.length - 1]!;
  }
}
