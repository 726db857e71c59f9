/**
 * Hyperband's bracket schedule as hpbandster computes it (`optimizers/bohb.py` `get_next_iteration`):
 * max_SH_iter = −int(log(min/max)/log(eta)) + 1 budgets max·eta^−k, and iteration i runs successive halving with
 * s = max_SH_iter − 1 − (i mod max_SH_iter): n0 = ⌊max_SH_iter/(s+1)⌋·eta^s configs on the smallest of its budgets,
 * keeping max(⌊n0·eta^−k⌋, 1) at stage k.
 */
export interface SuccessiveHalvingPlan {
  /** configurations run at each stage */
  numConfigs: number[];
  /** budget of each stage (increasing; the last is the max budget) */
  budgets: number[];
}

export function hyperbandBudgets(minBudget: number, maxBudget: number, eta: number): number[] {
  if (!(minBudget > 0 && maxBudget >= minBudget && eta > 1)) {
    throw new RangeError(`hyperband needs 0 < min_budget ≤ max_budget and eta > 1, got ${minBudget}, ${maxBudget}, ${eta}`);
  }
  const maxSHIter = -Math.trunc(Math.log(minBudget / maxBudget) / Math.log(eta)) + 1;
  return Array.from({ length: maxSHIter }, (_, k) => maxBudget * eta ** -(maxSHIter - 1 - k));
}

export function successiveHalvingPlan(iteration: number, budgets: readonly number[], eta: number): SuccessiveHalvingPlan {
  const maxSHIter = budgets.length;
  const s = maxSHIter - 1 - (iteration % maxSHIter);
  const n0 = Math.floor(maxSHIter / (s + 1)) * eta ** s;
  const numConfigs = Array.from({ length: s + 1 }, (_, k) => Math.max(Math.trunc(n0 * eta ** -k), 1));
  return { numConfigs, budgets: budgets.slice(maxSHIter - 1 - s) };
}
