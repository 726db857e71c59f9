// Parameter-free layers.
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "../functional.js";
import type { Tensor } from "../tensor.js";
import { Layer } from "./module.js";

type Pair = number | readonly [number, number];

export class ReLU extends Layer {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class Identity extends Layer {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export class Flatten extends Layer {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}

export interface AvgPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  /** false: border windows divide by the number of in-image pixels (NAS-Bench-201's pooling op). */
  countIncludePad?: boolean;
}

export class AvgPool2d extends Layer {
  constructor(
    readonly kernelSize: Pair,
    readonly options: AvgPool2dOptions = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

export class MaxPool2d extends Layer {
  constructor(
    readonly kernelSize: Pair,
    readonly options: { stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

export class AdaptiveAvgPool2d extends Layer {
  constructor(readonly outputSize: Pair) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
