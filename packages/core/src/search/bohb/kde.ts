/**
 * The kernel density model BOHB fits to good and bad configurations (hpbandster uses statsmodels' KDEMultivariate with
 * var_type 'u' for every categorical parameter and bw='normal_reference'). Reproduced here, quirks included:
 * - Aitchison–Aitken kernel: k(x, Xi) = 1 − λ when x = Xi, else λ / (L − 1), where L is the number of DISTINCT values
 *   in that column of the data (not the number of categories). A column with a single value gives λ/0 = ∞ for any other
 *   value — hpbandster's "KDE does not contain all values" case, handled by its sampler.
 * - normal_reference bandwidth 1.06·σ·n^(−1/(4+d)) (σ with ddof 0) is applied to categorical columns too and is not
 *   capped at 1, so λ > 1 (a negative same-value kernel) can occur; hpbandster only floors it at min_bandwidth.
 * pdf(x) = (1/n)·Σ_i Π_d k_d(x_d, X_id).
 */
export class AitchisonAitkenKde {
  readonly n: number;
  readonly dims: number;
  /** distinct values per column */
  readonly levels: number[];

  constructor(
    readonly data: readonly (readonly number[])[],
    readonly bandwidth: readonly number[],
  ) {
    this.n = data.length;
    if (this.n === 0) throw new RangeError("a KDE needs at least one data point");
    this.dims = data[0]!.length;
    if (bandwidth.length !== this.dims) throw new RangeError(`expected ${this.dims} bandwidths, got ${bandwidth.length}`);
    this.levels = Array.from({ length: this.dims }, (_, d) => new Set(data.map((row) => row[d])).size);
  }

  /** Fits with the normal-reference bandwidth, floored at `minBandwidth` (hpbandster's `np.clip(bw, min_bw, None)`). */
  static fit(data: readonly (readonly number[])[], minBandwidth: number): AitchisonAitkenKde {
    const bw = normalReferenceBandwidth(data).map((b) => (b < minBandwidth ? minBandwidth : b));
    return new AitchisonAitkenKde(data, bw);
  }

  kernel(d: number, x: number, xi: number): number {
    const h = this.bandwidth[d]!;
    return x === xi ? 1 - h : h / (this.levels[d]! - 1);
  }

  pdf(x: readonly number[]): number {
    let sum = 0;
    for (const row of this.data) {
      let prod = 1;
      for (let d = 0; d < this.dims; d++) prod *= this.kernel(d, x[d]!, row[d]!);
      sum += prod;
    }
    return sum / this.n;
  }
}

/** Scott's normal-reference rule as statsmodels writes it: 1.06·std(column)·n^(−1/(4+d)), population std. */
export function normalReferenceBandwidth(data: readonly (readonly number[])[]): number[] {
  const n = data.length;
  const dims = data[0]?.length ?? 0;
  const factor = 1.06 * n ** (-1 / (4 + dims));
  return Array.from({ length: dims }, (_, d) => {
    let mean = 0;
    for (const row of data) mean += row[d]!;
    mean /= n;
    let ss = 0;
    for (const row of data) ss += (row[d]! - mean) ** 2;
    return factor * Math.sqrt(ss / n);
  });
}
