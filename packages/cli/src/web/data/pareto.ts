/**
 * The accuracy-vs-cost Pareto front: archs that no other arch beats on both axes (lower cost AND higher accuracy).
 * Among equal costs only the most accurate can be on the front; an equal-accuracy arch at a higher cost is dominated.
 */

/** Positions (into the given arrays) of the front, ordered by ascending cost. NaN entries are skipped. */
export function paretoFront(cost: ArrayLike<number>, accuracy: ArrayLike<number>): number[] {
  if (cost.length !== accuracy.length) throw new RangeError(`cost and accuracy differ in length: ${cost.length} vs ${accuracy.length}`);
  const order: number[] = [];
  for (let i = 0; i < cost.length; i++) if (!Number.isNaN(cost[i]) && !Number.isNaN(accuracy[i])) order.push(i);
  // Cheapest first; at equal cost the most accurate first, so the others at that cost are dominated by it.
  order.sort((a, b) => cost[a]! - cost[b]! || accuracy[b]! - accuracy[a]! || a - b);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of order) {
    if (accuracy[i]! > best) {
      front.push(i);
      best = accuracy[i]!;
    }
  }
  return front;
}
