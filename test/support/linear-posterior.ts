/**
 * The exact posterior of Bayesian linear regression in the trainer's standardised parametrisation
 * (src/objective/index.ts: x and y standardised by the model's rows with the population std; θ =
 * [w_1..w_d, b] with prior N(0, s²) each; known noise σ = 1/(sqrt(tau) yStd) in standardised units),
 * and the stationary law of full-batch SGLD on it, for the samplers' exact checks ('hmc', 'sgmcmc'),
 * with the z-scores that compare a chain's draws with it (standard errors from the effective sample size).
 *
 * U(θ) = |y − X̃θ|² / (2σ²) + |θ|² / (2s²): precision Λ = X̃ᵀX̃/σ² + I/s², mean Λ⁻¹ X̃ᵀy / σ².
 * Full-batch SGLD at step size ε on U/N, θ ← θ − (ε/N) ∇U + sqrt(2ε/N) ξ, is the linear recursion
 * θ ← (I − ηΛ) θ + ηΛμ + sqrt(2η) ξ with η = ε/N: its stationary law is N(μ, (Λ − ηΛ²/2)⁻¹) (the
 * covariance C solves C = A C A + 2η I with A = I − ηΛ, and every matrix here commutes with Λ), the
 * posterior's mean with a covariance that is O(η) too large: SGLD's discretisation bias, exactly.
 */

import { expect } from 'vitest';
import { effectiveSampleSize } from '../../src/math/mcmc-diagnostics.js';
import type { McmcDiagnostics } from '../../src/objective/types.js';

export interface LinearPosterior {
  /** Posterior mean of θ = [w, b]. */
  readonly mean: Float64Array;
  /** Posterior covariance, row-major [(d+1) x (d+1)]. */
  readonly cov: Float64Array;
  /** Precision Λ, row-major. */
  readonly precision: Float64Array;
  readonly size: number;
}

function standardise(values: readonly number[]): number[] {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  return values.map((v) => (v - mean) / std);
}

/** Inverse of a symmetric positive definite matrix (Gauss-Jordan; the matrices here are tiny). */
export function inverse(a: Float64Array, k: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    const pivot = m[c * k + c] as number;
    for (let j = 0; j < k; j++) {
      m[c * k + j] = (m[c * k + j] as number) / pivot;
      inv[c * k + j] = (inv[c * k + j] as number) / pivot;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r * k + c] as number;
      for (let j = 0; j < k; j++) {
        m[r * k + j] = (m[r * k + j] as number) - f * (m[c * k + j] as number);
        inv[r * k + j] = (inv[r * k + j] as number) - f * (inv[c * k + j] as number);
      }
    }
  }
  return inv;
}

export function matmul(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) out[i * k + j] = (out[i * k + j] as number) + (a[i * k + l] as number) * (b[l * k + j] as number);
  return out;
}

/** The posterior of rows x (n x d) and targets y under prior std s and noise precision tau in y's units. */
export function linearPosterior(x: readonly (readonly number[])[], y: readonly number[], priorScale: number, tau: number): LinearPosterior {
  const n = y.length;
  const d = x[0]?.length ?? 0;
  const cols = Array.from({ length: d }, (_, c) => standardise(x.map((r) => r[c] ?? NaN)));
  const yMean = y.reduce((a, v) => a + v, 0) / n;
  const yStd = Math.sqrt(y.reduce((a, v) => a + (v - yMean) ** 2, 0) / n);
  const ys = y.map((v) => (v - yMean) / yStd);
  const sigma2 = 1 / (tau * yStd * yStd);
  const k = d + 1;
  const feature = (i: number, c: number) => (c < d ? (cols[c]?.[i] ?? NaN) : 1);
  const precision = new Float64Array(k * k);
  const rhs = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      rhs[a] = (rhs[a] as number) + (feature(i, a) * (ys[i] as number)) / sigma2;
      for (let b = 0; b < k; b++) precision[a * k + b] = (precision[a * k + b] as number) + (feature(i, a) * feature(i, b)) / sigma2;
    }
  }
  for (let a = 0; a < k; a++) precision[a * k + a] = (precision[a * k + a] as number) + 1 / (priorScale * priorScale);
  const cov = inverse(precision, k);
  const mean = new Float64Array(k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) mean[a] = (mean[a] as number) + (cov[a * k + b] as number) * (rhs[b] as number);
  return { mean, cov, precision, size: k };
}

/** The stationary covariance of full-batch SGLD at step size ε on U/N with N rows: (Λ − ηΛ²/2)⁻¹, η = ε/N. */
export function sgldStationaryCov(post: LinearPosterior, stepSize: number, n: number): Float64Array {
  const eta = stepSize / n;
  const k = post.size;
  const sq = matmul(post.precision, post.precision, k);
  return inverse(
    post.precision.map((v, i) => v - (eta / 2) * (sq[i] as number)),
    k,
  );
}

/** The largest eigenvalue of a symmetric positive definite matrix (power iteration). */
export function largestEigenvalue(a: Float64Array, k: number): number {
  let v = new Float64Array(k).fill(1);
  let value = 0;
  for (let it = 0; it < 500; it++) {
    const w = new Float64Array(k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) w[i] = (w[i] as number) + (a[i * k + j] as number) * (v[j] as number);
    value = Math.hypot(...w);
    v = w.map((x) => x / value);
  }
  return value;
}

/** The smallest eigenvalue of a symmetric positive definite matrix: 1 / the largest of its inverse. */
export function smallestEigenvalue(a: Float64Array, k: number): number {
  return 1 / largestEigenvalue(inverse(a, k), k);
}

/**
 * z-scores of the chains' mean and variance of one coefficient against the exact posterior: the
 * mean's standard error sqrt(Σ_jj / ESS), the variance's Σ_jj sqrt(2 / ESS of the squared
 * deviations) (a Normal's sample variance from ESS independent draws).
 */
export function coefficientZ(chains: readonly Float64Array[], mean: number, variance: number): { readonly mean: number; readonly variance: number; readonly ess: number } {
  const all = chains.flatMap((c) => [...c]);
  const sampleMean = all.reduce((a, v) => a + v, 0) / all.length;
  const sampleVar = all.reduce((a, v) => a + (v - mean) ** 2, 0) / all.length;
  const ess = effectiveSampleSize(chains);
  const essSquares = effectiveSampleSize(chains.map((c) => c.map((v) => (v - mean) ** 2)));
  return { mean: (sampleMean - mean) / Math.sqrt(variance / ess), variance: (sampleVar - variance) / (variance * Math.sqrt(2 / essSquares)), ess };
}

/**
 * 'hmc''s exact check on Bayesian linear regression, shared by the oracle's and the GPU's tests:
 * every coefficient's chain mean and variance within |z| < 4.5 of the exact posterior (ESS above
 * `minEss`), each chain's mean acceptance probability within 0.15 of the 0.8 target with no
 * divergence, and R-hat of U below 1.05.
 */
export function expectHmcMatchesLinearPosterior(snapshotTheta: readonly (readonly ArrayLike<number>[])[], mcmc: McmcDiagnostics, exact: LinearPosterior, minEss: number): void {
  for (let j = 0; j < exact.size; j++) {
    const chains = snapshotTheta.map((list) => Float64Array.from(list, (theta) => theta[j] ?? NaN));
    const z = coefficientZ(chains, exact.mean[j] ?? NaN, exact.cov[j * exact.size + j] ?? NaN);
    expect(z.ess).toBeGreaterThan(minEss);
    expect(Math.abs(z.mean), `coefficient ${j} mean z`).toBeLessThan(4.5);
    expect(Math.abs(z.variance), `coefficient ${j} variance z`).toBeLessThan(4.5);
  }
  mcmc.chains.forEach((c) => {
    expect(Math.abs(c.meanAcceptProb - 0.8)).toBeLessThan(0.15);
    expect(c.divergences).toBe(0);
  });
  expect(mcmc.posteriors[0]?.potential.rHat).toBeLessThan(1.05);
}
