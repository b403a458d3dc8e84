/**
 * The small dense linear algebra the Laplace posterior needs, in float64 on the host: the Cholesky
 * factor of a symmetric positive-definite matrix (row-major n x n), its log determinant, triangular
 * solves and the inverse. O(n³) and plain loops: the last-layer precision is at most
 * MAX_FULL_COVARIANCE_PARAMS wide (laplace/posterior.ts).
 */
import { NumericalError } from '../errors.js';

/** Lower-triangular L with A = L Lᵀ (row-major, upper part zero); a NumericalError when A is not positive definite. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (l[j * n + k] as number) ** 2;
    if (!(d > 0) || !Number.isFinite(d)) throw new NumericalError(`the Laplace precision is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** log det A = 2 Σ log L_ii from A's Cholesky factor. */
export function logDetFromCholesky(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i] as number);
  return 2 * s;
}

/** x with L x = b (forward substitution). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

/** x with Lᵀ x = b (back substitution on the lower factor). */
export function solveUpperTransposed(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

/** A⁻¹ = L⁻ᵀ L⁻¹ from A's Cholesky factor (row-major, symmetric). */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // Columns of L⁻¹, then A⁻¹_ij = Σ_k (L⁻¹)_ki (L⁻¹)_kj.
  const linv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = solveLower(l, n, e);
    for (let i = 0; i < n; i++) linv[i * n + j] = col[i] as number;
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += (linv[k * n + i] as number) * (linv[k * n + j] as number);
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** Eigenvalues and orthonormal eigenvectors of a symmetric matrix: A = V diag(values) Vᵀ. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** Row-major n x n; column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/** Sweeps after which cyclic Jacobi has converged for any matrix we meet (it converges quadratically). */
const JACOBI_MAX_SWEEPS = 60;

/**
 * The eigendecomposition of a symmetric matrix (row-major n x n) by cyclic Jacobi rotations: simple
 * and accurate to a few ulps of the largest eigenvalue; O(n³) a sweep, about 6-10 sweeps. The KFAC
 * factors it is used on are a layer's inputs (+1) or units wide.
 */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += (m[p * n + p] as number) ** 2;
      for (let q = p + 1; q < n; q++) off += (m[p * n + q] as number) ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q] as number;
        if (apq === 0) continue;
        const app = m[p * n + p] as number;
        const aqq = m[q * n + q] as number;
        // The rotation that zeroes m[p][q] (Golub & Van Loan, Algorithm 8.4.1): t = tan θ, the smaller root.
        const tau = (aqq - app) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p] as number;
          const mkq = m[k * n + q] as number;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k] as number;
          const mqk = m[q * n + k] as number;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = Float64Array.from({ length: n }, (_, i) => m[i * n + i] as number);
  if (!values.every(Number.isFinite)) throw new NumericalError('the eigendecomposition of a KFAC factor is not finite');
  return { values, vectors: v };
}
