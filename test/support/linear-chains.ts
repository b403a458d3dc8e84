/**
 * Bayesian linear regression in the trainer's standardised parametrisation, for 'hmc''s exact
 * checks (main's test/support/linear-posterior.ts, written beside it for SG-MCMC, has the same
 * posterior; the two can become one): a network with no hidden layer is f(x) = w·x_s + b on x_s = (x − xMean)/xStd, the
 * targets y_s = (y − yMean)/yStd, the noise σ_s = 1/(sqrt(τ) yStd) known, and every coefficient
 * N(0, priorScale²) a priori. The posterior of θ = [w, b] is Normal with precision
 * A = X̃ᵀX̃/σ_s² + I/priorScale² (X̃ = [x_s, 1]) and mean A⁻¹ X̃ᵀ y_s / σ_s²; and a chain's draws are
 * compared with it by z-scores whose standard errors come from the effective sample size.
 */
import { effectiveSampleSize } from '../../src/math/mcmc-diagnostics.js';
import type { Standardization } from '../../src/model/spec.js';

export interface LinearPosterior {
  readonly mean: Float64Array;
  /** [P, P] row-major, θ order [w_1..w_d, b]. */
  readonly covariance: Float64Array;
}

/** Inverse of a small symmetric positive definite matrix by Gauss-Jordan elimination. */
function invert(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    const pivot = m[c * n + c] ?? NaN;
    for (let k = 0; k < n; k++) {
      m[c * n + k] = (m[c * n + k] ?? 0) / pivot;
      inv[c * n + k] = (inv[c * n + k] ?? 0) / pivot;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c] ?? 0;
      for (let k = 0; k < n; k++) {
        m[r * n + k] = (m[r * n + k] ?? 0) - f * (m[c * n + k] ?? 0);
        inv[r * n + k] = (inv[r * n + k] ?? 0) - f * (inv[c * n + k] ?? 0);
      }
    }
  }
  return inv;
}

export function linearPosterior(x: readonly (readonly number[])[], y: readonly number[], s: Standardization, tau: number, priorScale: number): LinearPosterior {
  const d = x[0]?.length ?? 0;
  const P = d + 1;
  const sigma = 1 / (Math.sqrt(tau) * (s.yStd[0] ?? NaN));
  const a = new Float64Array(P * P);
  const rhs = new Float64Array(P);
  x.forEach((row, i) => {
    const feat = [...row.map((v, c) => (v - (s.xMean[c] ?? NaN)) / (s.xStd[c] ?? NaN)), 1];
    const ys = ((y[i] ?? NaN) - (s.yMean[0] ?? NaN)) / (s.yStd[0] ?? NaN);
    for (let j = 0; j < P; j++) {
      rhs[j] = (rhs[j] ?? 0) + ((feat[j] ?? 0) * ys) / sigma ** 2;
      for (let k = 0; k < P; k++) a[j * P + k] = (a[j * P + k] ?? 0) + ((feat[j] ?? 0) * (feat[k] ?? 0)) / sigma ** 2;
    }
  });
  for (let j = 0; j < P; j++) a[j * P + j] = (a[j * P + j] ?? 0) + 1 / priorScale ** 2;
  const covariance = invert(a, P);
  const mean = Float64Array.from({ length: P }, (_, j) => {
    let v = 0;
    for (let k = 0; k < P; k++) v += (covariance[j * P + k] ?? 0) * (rhs[k] ?? 0);
    return v;
  });
  return { mean, covariance };
}

/**
 * z-scores of the chains' mean and variance of coefficient j against the exact posterior: the mean's
 * standard error sqrt(Σ_jj / ESS), the variance's Σ_jj sqrt(2 / ESS of the squared deviations) (a
 * Normal's sample variance from ESS independent draws).
 */
export function coefficientZ(chains: readonly Float64Array[], mean: number, variance: number): { readonly mean: number; readonly variance: number; readonly ess: number } {
  const all = chains.flatMap((c) => [...c]);
  const sampleMean = all.reduce((a, v) => a + v, 0) / all.length;
  const sampleVar = all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length;
  const ess = effectiveSampleSize(chains);
  const essSquares = effectiveSampleSize(chains.map((c) => c.map((v) => (v - mean) ** 2)));
  return { mean: (sampleMean - mean) / Math.sqrt(variance / ess), variance: (sampleVar - variance) / (variance * Math.sqrt(2 / essSquares)), ess };
}
