/**
 * The weight-sharing cell (spec §2.4, the original's NAS201SearchCell): each of the 6 edges `'{to}<-{from}'` holds all
 * 5 candidate ops, and one cell computes any of the forward variants the algorithms need. Node i is the sum of its
 * incoming edges (in canonical order, summed as Python's `sum`, see pythonSum); the output is node 3.
 */
import type { Tensor } from "../tensor/tensor.js";
import { ModuleList } from "../tensor/nn/containers.js";
import { Module, type Layer } from "../tensor/nn/module.js";
import { EDGES, MAX_NODES } from "@aa-nas/core/space/index.js";
import { buildEdgeCandidates, type BatchNormFlags } from "./search-ops.js";

/**
 * How a cell combines the candidates of each edge. Weights are 0-d tensors indexed `[edge][op]` in canonical order.
 * - `weighted`: Σ_op op(x)·w (DARTS with softmax(α); SETN's joint mode is the same computation).
 * - `hard`: GDAS — only the selected op runs, `w_sel·op(x)`, and every other op contributes its weight as a scalar
 *   (0 in value, so gradients still reach those α entries through the straight-through weights).
 * - `fixed`: one op per edge (RSPS, ENAS, SETN's sampled and candidate architectures).
 */
export type CellMode =
  | { kind: "weighted"; weights: readonly (readonly Tensor[])[] }
  | { kind: "hard"; weights: readonly (readonly Tensor[])[]; selected: readonly number[] }
  | { kind: "fixed"; ops: readonly number[] };

const NONE_OP = 0;

/**
 * A node as the original sums it, Python's `sum(inputs)` after all its inputs are computed: 0 + t0 + t1 + … . The
 * order of these ops decides in which order backward adds up the gradients that reach a tensor, and so their rounding.
 * The leading `+ 0` matters for a node with a single input: without it a skip_connect edge would make node 1 the cell
 * input itself, whose gradient would then gather the terms from node 1's consumers one by one among the others,
 * instead of as one sum.
 */
function pythonSum(terms: readonly Tensor[]): Tensor {
  let sum = terms[0]!.add(0);
  for (let k = 1; k < terms.length; k++) sum = sum.add(terms[k]!);
  return sum;
}

/** Named children `'1<-0'`, `'2<-0'`, … as the original's nn.ModuleDict (insertion order = canonical edge order). */
class EdgeDict extends Module {
  readonly edges: ModuleList<Layer>[];
  constructor(entries: readonly (readonly [string, ModuleList<Layer>])[]) {
    super();
    this.edges = entries.map(([name, list]) => this.registerModule(name, list));
  }
}

export function edgeKey(to: number, from: number): string {
  return `${to}<-${from}`;
}

export class SearchCell extends Module {
  readonly edgeDict: EdgeDict;

  constructor(
    readonly inC: number,
    readonly outC: number,
    readonly stride: number,
    flags: BatchNormFlags,
  ) {
    super();
    // construction order = the original's loop (i, then j < i), which is also the sorted key order
    this.edgeDict = this.registerModule(
      "edges",
      new EdgeDict(EDGES.map(([to, from]) => [edgeKey(to, from), new ModuleList(buildEdgeCandidates(from === 0 ? inC : outC, outC, from === 0 ? stride : 1, flags))] as const)),
    );
  }

  candidates(edge: number): ModuleList<Layer> {
    const list = this.edgeDict.edges[edge];
    if (list === undefined) throw new RangeError(`edge ${edge} out of range 0..${EDGES.length - 1}`);
    return list;
  }

  forward(x: Tensor, mode: CellMode): Tensor {
    const nodes: Tensor[] = [x];
    for (let to = 1; to < MAX_NODES; to++) {
      const inputs: Tensor[] = [];
      for (let from = 0; from < to; from++) {
        const edge = EDGES.findIndex(([t, f]) => t === to && f === from);
        inputs.push(this.edgeForward(edge, nodes[from]!, mode));
      }
      nodes.push(pythonSum(inputs));
    }
    return nodes[MAX_NODES - 1]!;
  }

  private edgeForward(edge: number, h: Tensor, mode: CellMode): Tensor {
    const ops = this.candidates(edge);
    switch (mode.kind) {
      case "fixed":
        return ops.get(mode.ops[edge]!).forward(h);
      case "weighted": {
        const w = mode.weights[edge]!;
        let sum: Tensor | null = null;
        for (let k = 0; k < ops.length; k++) {
          // none's term is x·0·w = ±0: adding it changes no value and gives w_none a zero gradient either way
          if (k === NONE_OP) continue;
          const term = ops.get(k).forward(h).mul(w[k]!);
          sum = sum === null ? term : sum.add(term);
        }
        return sum!;
      }
      case "hard": {
        const w = mode.weights[edge]!;
        const sel = mode.selected[edge]!;
        const picked = w[sel]!.mul(ops.get(sel).forward(h));
        // the unselected weights are exactly 0 (one_hot − p + p), added as scalars like the original's sum
        let rest: Tensor | null = null;
        for (let k = 0; k < ops.length; k++) {
          if (k === sel) continue;
          rest = rest === null ? w[k]! : rest.add(w[k]!);
        }
        return rest === null ? picked : picked.add(rest);
      }
    }
  }
}
