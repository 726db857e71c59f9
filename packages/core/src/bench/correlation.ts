/**
 * Rank correlations between two paired samples (pure TypeScript, no scipy): Spearman's ρ (Pearson correlation of
 * average ranks, so ties share their mean rank, as scipy.stats.spearmanr) and Kendall's τ-b (ties in either sample
 * corrected, as scipy.stats.kendalltau's default). Pairs where either value is not finite are dropped first.
 */

export interface Correlation {
  spearman: number;
  kendall: number;
  /** pairs used (both values finite) */
  n: number;
}

/** 1-based ranks; tied values get the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
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
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Kendall's τ-b = (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)), n₀ = n(n−1)/2, n₁ / n₂ the pairs tied in x / y.
 * O(n²): fine for the 15,625 archs of the space (≈1.2·10⁸ pair checks, about a second).
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let s = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(xi - x[j]!);
      const dy = Math.sign(yi - y[j]!);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      s += dx * dy;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return s / Math.sqrt((pairs - tiesX) * (pairs - tiesY));
}

export function spearmanRho(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** Both correlations over the pairs where x and y are finite; NaN (n < 2 or a constant sample) when undefined. */
export function rankCorrelation(x: readonly number[], y: readonly number[]): Correlation {
  if (x.length !== y.length) throw new Error(`rankCorrelation: ${x.length} x values but ${y.length} y values`);
  const keep = x.flatMap((v, i) => (Number.isFinite(v) && Number.isFinite(y[i]!) ? [i] : []));
  const xs = keep.map((i) => x[i]!);
  const ys = keep.map((i) => y[i]!);
  if (keep.length < 2) return { spearman: NaN, kendall: NaN, n: keep.length };
  return { spearman: spearmanRho(xs, ys), kendall: kendallTauB(xs, ys), n: keep.length };
}
