/**
 * The candidate operations of a search-cell edge (spec §2.4): the benchmark's cell operations (models/structure.ts),
 * with every BatchNorm built `affine=False` and `track_running_stats` from `--bn`, as the original's
 * `OPS[op](C_in, C_out, stride, affine, track_running_stats)`. The op descriptions are rewritten rather than
 * duplicated, so the module tree and the initialisation draws stay those of the models module.
 */
import type { Layer } from "../tensor/nn/module.js";
import { buildLayer } from "../models/operations.js";
import { cellOperation, type ModuleSpec } from "../models/structure.js";
import { OPS, type OpName } from "@aa-nas/core/space/index.js";

export interface BatchNormFlags {
  affine: boolean;
  trackRunningStats: boolean;
  /**
   * When set, every convolution's bias as well: the size-space search model (xautodl 1.0's `cell_operations`) builds
   * `bias = not affine`; the topology search cells (the NAS-Bench-201 code) never have one, so they leave it unset.
   */
  convBias?: boolean;
}

/** A copy of `spec` whose BatchNorm layers (at any depth, cells included) carry `flags`. */
export function withBatchNormFlags<S extends ModuleSpec>(spec: S, flags: BatchNormFlags): S {
  const rewrite = (s: ModuleSpec): ModuleSpec => {
    switch (s.kind) {
      case "batchnorm2d":
        return { ...s, affine: flags.affine, trackRunningStats: flags.trackRunningStats };
      case "conv2d":
        return flags.convBias === undefined ? s : { ...s, bias: flags.convBias };
      case "infer-cell":
        return { ...s, layers: s.layers.map(rewrite) };
      case "sequential":
        return { ...s, children: s.children.map(rewrite) };
      case "relu-conv-bn":
        return { ...s, op: withBatchNormFlags(s.op, flags) };
      case "pooling":
        return { ...s, preprocess: s.preprocess === null ? null : withBatchNormFlags(s.preprocess, flags) };
      case "factorized-reduce":
        return { ...s, convs: s.convs.map((c) => withBatchNormFlags(c, flags)), bn: withBatchNormFlags(s.bn, flags) };
      default:
        return s;
    }
  };
  return rewrite(spec) as S;
}

/** The op description of one candidate on a search edge. */
export function searchOperationSpec(op: OpName, inC: number, outC: number, stride: number, flags: BatchNormFlags): ModuleSpec {
  return withBatchNormFlags(cellOperation(op, inC, outC, stride), flags);
}

/** All five candidates of an edge in the normative op order (spec §1.1), built over the engine. */
export function buildEdgeCandidates(inC: number, outC: number, stride: number, flags: BatchNormFlags): Layer[] {
  return OPS.map((op) => buildLayer(searchOperationSpec(op, inC, outC, stride, flags)));
}
