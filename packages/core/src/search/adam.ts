/**
 * Adam as `torch.optim.Adam` computes it (defaults betas (0.9, 0.999), eps 1e-8, no weight decay):
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps). Doubles instead of torch's float32.
 */
export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(size: number, options: AdamOptions) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.lr = options.lr;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  get steps(): number {
    return this.t;
  }

  /** Updates `params` in place from `grad`. */
  step(params: Float64Array, grad: ArrayLike<number>): void {
    if (grad.length !== params.length || params.length !== this.m.length) {
      throw new RangeError(`Adam: expected ${this.m.length} parameters and gradients, got ${params.length} and ${grad.length}`);
    }
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** this.t);
    const stepSize = this.lr / bc1;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      this.m[i] = this.beta1 * this.m[i]! + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i]! + (1 - this.beta2) * g * g;
      params[i] = params[i]! - (stepSize * this.m[i]!) / (Math.sqrt(this.v[i]!) / bc2Sqrt + this.eps);
    }
  }
}
