/** Mean ± standard deviation as the paper reports 500 runs (population std, numpy's default ddof = 0). */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n), n };
}

export function formatMeanStd(m: MeanStd, digits = 2): string {
  return `${m.mean.toFixed(digits)}±${m.std.toFixed(digits)}`;
}
