/**
 * Rank correlations between paired samples (pure TypeScript, no scipy), the one implementation behind the explorer's
 * dataset-correlation view and the zero-cost proxies: Spearman's ρ (Pearson correlation of average ranks, ties sharing
 * their mean rank, as scipy.stats.spearmanr) and Kendall's τ-b (ties corrected, as scipy.stats.kendalltau's default),
 * the latter by Knight's O(n log n) algorithm (sort by x, then count the inversions of y with a merge sort), because
 * 15,625 archs make the O(n²) pair loop 122 M pairs.
 */

export interface Correlation {
  spearman: number;
  kendall: number;
  /** pairs used (both values finite) */
  n: number;
}

/** Kendall's tau-b of paired samples; NaN when fewer than two pairs or one side is constant. */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkPairs(x, y);
  if (n < 2) return NaN;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);

  let xTies = 0;
  let jointTies = 0;
  let runX = 1;
  let runXY = 1;
  for (let k = 1; k < n; k++) {
    const prev = order[k - 1]!;
    const cur = order[k]!;
    if (x[cur] === x[prev]) {
      runX++;
      if (y[cur] === y[prev]) runXY++;
      else {
        jointTies += pairs(runXY);
        runXY = 1;
      }
    } else {
      xTies += pairs(runX);
      jointTies += pairs(runXY);
      runX = 1;
      runXY = 1;
    }
  }
  xTies += pairs(runX);
  jointTies += pairs(runXY);

  const ys = Float64Array.from(order, (i) => y[i]!);
  const discordant = countInversions(ys);

  let yTies = 0;
  let runY = 1;
  for (let k = 1; k < n; k++) {
    if (ys[k] === ys[k - 1]) runY++;
    else {
      yTies += pairs(runY);
      runY = 1;
    }
  }
  yTies += pairs(runY);

  const total = pairs(n);
  // sqrt of the product (not the product of sqrts) makes a sample's tau with itself exactly 1
  const denominator = Math.sqrt((total - xTies) * (total - yTies));
  if (denominator === 0) return NaN;
  return clamp((total - xTies - yTies + jointTies - 2 * discordant) / denominator);
}

/** Spearman's rho: Pearson correlation of the average ranks; NaN when fewer than two pairs or one side is constant. */
export function spearmanRho(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkPairs(x, y);
  if (n < 2) return NaN;
  return pearson(averageRanks(x), averageRanks(y));
}

/** 1-based ranks, ties get the mean of the ranks they span. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkPairs(x, y);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const d = Math.sqrt(sxx * syy);
  return d === 0 ? NaN : clamp(sxy / d);
}

/** Rounding can push a perfect correlation a hair past ±1. */
function clamp(r: number): number {
  return Math.max(-1, Math.min(1, r));
}

function pairs(k: number): number {
  return (k * (k - 1)) / 2;
}

function checkPairs(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length: ${x.length} vs ${y.length}`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) || Number.isNaN(y[i])) throw new RangeError(`pair ${i} holds NaN; drop incomplete pairs first`);
  }
  return x.length;
}

/** Number of pairs i < j with a[i] > a[j] (strictly: equal values are ties, not inversions); sorts `a` in place. */
function countInversions(a: Float64Array): number {
  const buf = new Float64Array(a.length);
  let inversions = 0;
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[j]! < a[i]!) {
          inversions += mid - i;
          buf[k++] = a[j++]!;
        } else buf[k++] = a[i++]!;
      }
      while (i < mid) buf[k++] = a[i++]!;
      while (j < hi) buf[k++] = a[j++]!;
    }
    a.set(buf);
  }
  return inversions;
}

/** Both correlations over the pairs where x and y are finite; NaN (n < 2 or a constant sample) when undefined. */
export function rankCorrelation(x: readonly number[], y: readonly number[]): Correlation {
  if (x.length !== y.length) throw new Error(`rankCorrelation: ${x.length} x values but ${y.length} y values`);
  const keep = x.flatMap((v, i) => (Number.isFinite(v) && Number.isFinite(y[i]!) ? [i] : []));
  const xs = keep.map((i) => x[i]!);
  const ys = keep.map((i) => y[i]!);
  if (keep.length < 2) return { spearman: NaN, kendall: NaN, n: keep.length };
  return { spearman: spearmanRho(xs, ys), kendall: kendallTau(xs, ys), n: keep.length };
}
