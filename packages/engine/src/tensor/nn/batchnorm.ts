import { ones, zeros } from "../creation.js";
import { batchNorm } from "../functional.js";
import type { Tensor } from "../tensor.js";
import { Layer } from "./module.js";

export interface BatchNormOptions {
  eps?: number;
  /** null = cumulative moving average (PyTorch's momentum=None). */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * nn.BatchNorm2d: weight=1, bias=0, running_mean=0, running_var=1, num_batches_tracked=0 (int64 scalar).
 * Without affine there are no weight/bias entries; without trackRunningStats no buffers, and batch
 * statistics are used in eval mode too.
 */
export class BatchNorm2d extends Layer {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(
    readonly numFeatures: number,
    o: BatchNormOptions = {},
  ) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    const affine = o.affine ?? true;
    const track = o.trackRunningStats ?? true;
    this.weight = affine ? this.registerParameter("weight", ones([numFeatures])) : null;
    this.bias = affine ? this.registerParameter("bias", zeros([numFeatures])) : null;
    this.runningMean = track ? this.registerBuffer("running_mean", zeros([numFeatures])) : null;
    this.runningVar = track ? this.registerBuffer("running_var", ones([numFeatures])) : null;
    this.numBatchesTracked = track ? this.registerBuffer("num_batches_tracked", zeros([], { dtype: "int64" })) : null;
  }

  forward(x: Tensor): Tensor {
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      this.numBatchesTracked.add_(1);
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    const useBatchStats = this.training || (this.runningMean === null && this.runningVar === null);
    return batchNorm(x, {
      weight: this.weight,
      bias: this.bias,
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }
}
