/**
 * The simulated search clock (spec §7.3): every proxy evaluation costs its simulated training time, and the search ends
 * at the first evaluation that would push the clock past the budget. That evaluation is not counted: its cost is not
 * added and the algorithm never sees its reward.
 */
export class SimulatedClock {
  private usedSeconds = 0;

  constructor(readonly budget: number) {
    if (!(budget > 0) || !Number.isFinite(budget)) throw new RangeError(`time budget must be a positive number of seconds, got ${budget}`);
  }

  get used(): number {
    return this.usedSeconds;
  }

  /** Whether an evaluation costing `cost` still fits (`used + cost ≤ budget`). */
  fits(cost: number): boolean {
    return this.usedSeconds + cost <= this.budget;
  }

  /** Adds `cost` when it fits and says so; leaves the clock untouched otherwise. */
  tryCharge(cost: number): boolean {
    if (!this.fits(cost)) return false;
    this.usedSeconds += cost;
    return true;
  }

  /**
   * Adds time that is not an evaluation (the original REA/REINFORCE add their own bookkeeping's wall time). It is never
   * refused; it only makes later evaluations less likely to fit.
   */
  addOverhead(seconds: number): void {
    this.usedSeconds += seconds;
  }
}
