/**
 * The small float64 linear algebra the score functions of jacov, epe_nas and nwot need (batch × batch matrices):
 * row correlation (numpy's `corrcoef`), eigenvalues of a symmetric matrix (cyclic Jacobi) and log |det| (LU with
 * partial pivoting, as LAPACK's getrf that numpy's `slogdet` calls). Pure TypeScript; matrices are row-major.
 */

/** A square row-major float64 matrix of side `n`. */
export interface SquareMatrix {
  readonly n: number;
  readonly data: Float64Array;
}

/**
 * Pearson correlation between the rows of `rows` (`count × width`), as `numpy.corrcoef(rows)`: covariance over the
 * columns, divided by the outer product of the standard deviations, clipped to [−1, 1]. A constant row has zero
 * variance, so its row and column are NaN (numpy warns and returns NaN there too).
 */
export function rowCorrelation(rows: Float64Array, count: number, width: number): SquareMatrix {
  const centred = new Float64Array(count * width);
  for (let i = 0; i < count; i++) {
    let mean = 0;
    for (let k = 0; k < width; k++) mean += rows[i * width + k]!;
    mean /= width;
    for (let k = 0; k < width; k++) centred[i * width + k] = rows[i * width + k]! - mean;
  }
  const cov = new Float64Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = i; j < count; j++) {
      let s = 0;
      for (let k = 0; k < width; k++) s += centred[i * width + k]! * centred[j * width + k]!;
      cov[i * count + j] = s;
      cov[j * count + i] = s;
    }
  }
  const sd = Array.from({ length: count }, (_, i) => Math.sqrt(cov[i * count + i]!));
  const data = new Float64Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      const r = cov[i * count + j]! / sd[i]! / sd[j]!;
      data[i * count + j] = Number.isNaN(r) ? NaN : Math.min(1, Math.max(-1, r));
    }
  }
  return { n: count, data };
}

/**
 * Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (ascending). Accurate to a few ulps of the largest
 * eigenvalue, which is what the jacov score needs (it adds 1e-5 before taking logs and reciprocals). NaN anywhere
 * gives all-NaN eigenvalues (numpy's `eig` refuses such a matrix, and jacov then scores NaN).
 */
export function symmetricEigenvalues(m: SquareMatrix): Float64Array {
  const { n } = m;
  if (m.data.some(Number.isNaN)) return new Float64Array(n).fill(NaN);
  const a = Float64Array.from(m.data);
  const at = (i: number, j: number): number => a[i * n + j]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += at(i, i) * at(i, i);
      for (let j = i + 1; j < n; j++) off += at(i, j) * at(i, j);
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = at(p, q);
        if (apq === 0) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => at(i, i)).sort();
}

/**
 * log |det m| by LU decomposition with partial pivoting (numpy's `slogdet(m)[1]`); −Infinity for a singular matrix,
 * NaN when m holds NaN.
 */
export function logAbsDet(m: SquareMatrix): number {
  const { n } = m;
  const a = Float64Array.from(m.data);
  let logDet = 0;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[pivot * n + col]!)) pivot = r;
    const p = a[pivot * n + col]!;
    if (Number.isNaN(p)) return NaN;
    if (p === 0) return -Infinity;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        const tmp = a[col * n + k]!;
        a[col * n + k] = a[pivot * n + k]!;
        a[pivot * n + k] = tmp;
      }
    }
    logDet += Math.log(Math.abs(p));
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col]! / p;
      if (f === 0) continue;
      for (let k = col + 1; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[col * n + k]!;
    }
  }
  return logDet;
}
