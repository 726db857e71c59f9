import { empty } from "../creation.js";
import { conv2d } from "../functional.js";
import { N, NONE } from "../native.js";
import type { Tensor } from "../tensor.js";
import { Layer } from "./module.js";

type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** nn.Conv2d with PyTorch 1.13's default initialisation (kaiming_uniform_(a=√5), bias U(±1/√fan_in)). */
export class Conv2d extends Layer {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    o: Conv2dOptions = {},
  ) {
    super();
    this.stride = pair(o.stride ?? 1);
    this.padding = pair(o.padding ?? 0);
    this.dilation = pair(o.dilation ?? 1);
    this.groups = o.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(`Conv2d: channels (${inChannels} in, ${outChannels} out) must be divisible by groups=${this.groups}`);
    }
    const [kh, kw] = pair(kernelSize);
    this.weight = this.registerParameter("weight", empty([outChannels, inChannels / this.groups, kh, kw]));
    this.bias = o.bias === false ? null : this.registerParameter("bias", empty([outChannels]));
    N().resetLinearLike_(this.weight.handle, this.bias ? this.bias.handle : NONE);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
