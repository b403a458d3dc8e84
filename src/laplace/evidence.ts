/**
 * Laplace's log marginal likelihood (the evidence) at the MAP θ* and its maximisation over the
 * prior precision δ (and, for a Normal likelihood with a global noise scale, over σ: Immer et al.
 * 2021), as in Daxberger et al. 2021 ("Laplace Redux"):
 *
 *   log p(D) ≈ log p(D | θ*) + log p(θ* | δ) + (P/2) log 2π − ½ log det H,   H = G c + δ I,
 *
 * with G the GGN over the structure's P parameters (ggn.ts), c = 1/σ² for a global-noise Normal
 * and 1 otherwise, and the prior N(0, δ⁻¹ I) on those P parameters; the 2π terms cancel, leaving
 * log p(D | θ*) + (P/2) log δ − (δ/2) |θ*|² − ½ log det H. θ* stays where training put it (post-hoc
 * tuning): for a fixed σ, d/dδ = ½ Σ_i λ_i / (δ (λ_i + δ)) − |θ*|²/2 (λ_i the eigenvalues of G c)
 * decreases in δ, so the evidence has one maximum in δ, found by golden-section search on log δ.
 * With σ tuned too, δ and log σ are maximised in turn (coordinate ascent) until neither moves.
 * In standardised target units for a Normal (the units training works in).
 */
import { cholesky, logDetFromCholesky } from './linalg.js';
import { normalLogLik } from './curvature.js';
import type { Curvature } from './ggn.js';

/** Search range of log δ: δ in [e^-16, e^20] (about 1e-7 to 5e8). */
export const LOG_PRIOR_PRECISION_RANGE = [-16, 20] as const;
/** Search half-width of log σ around the MAP's σ. */
export const LOG_SIGMA_HALF_RANGE = 7;
/** Golden-section tolerance on the log scale. */
const LOG_TOLERANCE = 1e-10;
/** Most coordinate-ascent rounds when σ is tuned with δ. */
const MAX_ROUNDS = 50;

/** ½ log det(G c + δ I): from G's diagonal ('diagonal') or eigenvalues ('kfac'), or a Cholesky factor. */
function halfLogDet(c: Curvature, scale: number, delta: number): number {
  const P = c.params.length;
  if (c.structure !== 'last-layer') {
    let s = 0;
    for (const g of c.ggn) s += Math.log(g * scale + delta);
    return 0.5 * s;
  }
  const h = new Float64Array(P * P);
  for (let i = 0; i < P * P; i++) h[i] = (c.ggn[i] as number) * scale;
  for (let i = 0; i < P; i++) h[i * P + i] = (h[i * P + i] as number) + delta;
  return 0.5 * logDetFromCholesky(cholesky(h, P), P);
}

/** σ, or NaN where the likelihood has no global noise scale (c = 1). */
export function logEvidence(c: Curvature, thetaSq: number, delta: number, sigma: number): number {
  const noisy = !Number.isNaN(sigma);
  const logLik = noisy ? normalLogLik(c.fit, c.rows, sigma) : c.fit;
  const scale = noisy ? 1 / (sigma * sigma) : 1;
  const P = c.params.length;
  return logLik + 0.5 * P * Math.log(delta) - 0.5 * delta * thetaSq - halfLogDet(c, scale, delta);
}

/** The maximiser of a unimodal f on [lo, hi] by golden-section search. */
export function goldenMax(f: (t: number) => number, lo: number, hi: number, tolerance = LOG_TOLERANCE): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > tolerance) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

export interface TunedHyper {
  readonly priorPrecision: number;
  /** The noise scale used (tuned or the given one); NaN without a global noise scale. */
  readonly sigma: number;
}

/**
 * The evidence-maximising δ (or `fixedDelta` when given), and σ too when `tuneSigma` (σ = NaN: the
 * likelihood has no global noise scale). `sigma` is the MAP's σ, the start and centre of σ's search.
 */
export function tuneHyper(c: Curvature, thetaSq: number, sigma: number, o: { readonly tuneSigma: boolean; readonly fixedDelta?: number }): TunedHyper {
  const [lo, hi] = LOG_PRIOR_PRECISION_RANGE;
  const fixed = o.fixedDelta;
  const bestDelta = (s: number) => fixed ?? Math.exp(goldenMax((t) => logEvidence(c, thetaSq, Math.exp(t), s), lo, hi));
  let delta = bestDelta(sigma);
  if (!o.tuneSigma || Number.isNaN(sigma)) return { priorPrecision: delta, sigma };
  const centre = Math.log(sigma);
  let s = sigma;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = Math.exp(goldenMax((t) => logEvidence(c, thetaSq, delta, Math.exp(t)), centre - LOG_SIGMA_HALF_RANGE, centre + LOG_SIGMA_HALF_RANGE));
    const nextDelta = bestDelta(next);
    const moved = Math.abs(Math.log(next / s)) + Math.abs(Math.log(nextDelta / delta));
    s = next;
    delta = nextDelta;
    if (moved < 1e-9) break;
  }
  return { priorPrecision: delta, sigma: s };
}
