import { empty } from "../creation.js";
import { linear } from "../functional.js";
import { N, NONE } from "../native.js";
import type { Tensor } from "../tensor.js";
import { Layer } from "./module.js";

/** nn.Linear with PyTorch 1.13's default initialisation. */
export class Linear extends Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    o: { bias?: boolean } = {},
  ) {
    super();
    this.weight = this.registerParameter("weight", empty([outFeatures, inFeatures]));
    this.bias = o.bias === false ? null : this.registerParameter("bias", empty([outFeatures]));
    N().resetLinearLike_(this.weight.handle, this.bias ? this.bias.handle : NONE);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
