/**
 * Draws from the SWAG posterior (Maddox et al. 2019, eq. 1 and Algorithm 1), in float64 on the host:
 *
 *   θ = θ_SWA + sqrt(scale) · ( (1/√2) Σ_diag^{1/2} ⊙ z1 + D z2 / √(2 (C − 1)) ),   z1 ~ N(0, I_P), z2 ~ N(0, I_C),
 *
 * C the columns of D (min(K, rank)), so Cov θ = scale · (½ Σ_diag + D Dᵀ / (2 (C − 1))); scale 1 is
 * the paper's formula (its code's scale 0.5 on Σ_diag + D Dᵀ / (C − 1)). The 'diagonal' variant
 * draws θ_SWA + sqrt(scale) Σ_diag^{1/2} ⊙ z1 (SWAG-Diagonal, N(θ_SWA, scale · Σ_diag)).
 * z1 and z2 are Philox normals keyed by the run's seed (src/random/train-streams.ts: draw s of
 * the model with stream identity m (ModelHyper.stream, default its slot) reads STREAM_SWAG_DIAGONAL
 * and STREAM_SWAG_LOW_RANK with the 4th word m + 1), so a draw is a pure function of (seed, stream, s).
 */
import { InvalidInputError } from '../errors.js';
import { normalAt, type Key } from '../random/draws.js';
import { STREAM_SWAG_DIAGONAL, STREAM_SWAG_LOW_RANK, modelWord } from '../random/train-streams.js';
import type { SwagVariant } from '../objective/swag-options.js';
import type { SwagMoments } from './moments.js';

/** θ of draw s of the model with stream identity `model`. */
export function swagDraw(moments: SwagMoments, key: Key, model: number, s: number, scale: number, variant: SwagVariant): Float64Array {
  const { mean, variance, deviations } = moments;
  const C = deviations.length;
  const lowRank = variant === 'low-rank';
  if (lowRank && C < 2) throw new InvalidInputError(`SWAG's low-rank part needs at least 2 deviation columns (iterates and rank >= 2), got ${C}`);
  const word = modelWord(model);
  const root = Math.sqrt(scale);
  // The low-rank variant halves the diagonal covariance; SWAG-Diagonal keeps it whole.
  const diagonal = lowRank ? root * Math.SQRT1_2 : root;
  const theta = mean.map((m, e) => m + diagonal * Math.sqrt(variance[e] as number) * normalAt(key, s, STREAM_SWAG_DIAGONAL, e, word));
  if (!lowRank) return theta;
  const factor = root / Math.sqrt(2 * (C - 1));
  deviations.forEach((column, j) => {
    const z = factor * normalAt(key, s, STREAM_SWAG_LOW_RANK, j, word);
    for (let e = 0; e < theta.length; e++) theta[e] = (theta[e] as number) + z * (column[e] as number);
  });
  return theta;
}

/** The posterior covariance the draws have, dense [P, P] row-major (for tests and small P). */
export function swagCovariance(moments: SwagMoments, scale: number, variant: SwagVariant): Float64Array {
  const P = moments.mean.length;
  const C = moments.deviations.length;
  const lowRank = variant === 'low-rank';
  const cov = new Float64Array(P * P);
  for (let e = 0; e < P; e++) cov[e * P + e] = scale * (lowRank ? 0.5 : 1) * (moments.variance[e] as number);
  if (!lowRank) return cov;
  const factor = scale / (2 * (C - 1));
  for (const column of moments.deviations) {
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) cov[a * P + b] = (cov[a * P + b] as number) + factor * (column[a] as number) * (column[b] as number);
  }
  return cov;
}
