/**
 * The REINFORCE baseline (the benchmark-driven REINFORCE's, and TuNAS's in the size searches): an exponential moving
 * average with bias correction (numerator and denominator both decay), so the first value is exactly the first reward
 * rather than (1 − momentum)·reward.
 */
export class BiasCorrectedEma {
  private numerator = 0;
  private denominator = 0;

  constructor(readonly momentum: number) {
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`EMA momentum must be in [0, 1), got ${momentum}`);
  }

  update(x: number): void {
    this.numerator = this.momentum * this.numerator + (1 - this.momentum) * x;
    this.denominator = this.momentum * this.denominator + (1 - this.momentum);
  }

  /** NaN before the first update (the original divides 0 by 0 too). */
  value(): number {
    return this.numerator / this.denominator;
  }

  /** Numerator and denominator: what restores the average exactly (a search checkpoint keeps them). */
  state(): { numerator: number; denominator: number } {
    return { numerator: this.numerator, denominator: this.denominator };
  }

  restore(state: { numerator: number; denominator: number }): void {
    this.numerator = state.numerator;
    this.denominator = state.denominator;
  }
}
