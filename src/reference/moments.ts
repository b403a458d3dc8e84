/**
 * The oracle's Student-t, Beta and Dirichlet predictive pieces: each sample's mean and variance of
 * y (the GPU's lik-moments.wgsl) and the per-(sample, input) log-likelihood of targets
 * (lik-loglik.wgsl), from the float64 samples.
 */
import { betaLogLik, betaMoments, dirichletLogLik, dirichletMoments, studentTLogPdf } from '../math/likelihoods.js';
import type { ModelSpec } from '../model/spec.js';
import type { OracleSamples } from './forward.js';

/** Each sample's mean and variance of y, [S, N, D]. Student-t with df <= 2 (no variance): the scale squared, as the engine. */
export function sampleMoments(spec: ModelSpec, s: OracleSamples): { mean: Float64Array; variance: Float64Array } {
  const { samples: S, n: N, outputDim: D } = s;
  const units = s.raw.length / (S * N);
  const mean = new Float64Array(S * N * D);
  const variance = new Float64Array(S * N * D);
  const lik = spec.likelihood;
  for (let r = 0; r < S * N; r++) {
    const raw = s.raw.subarray(r * units, (r + 1) * units);
    if (lik.kind === 'dirichlet') {
      const m = dirichletMoments(raw, lik.minConcentration);
      mean.set(m.mean, r * D);
      variance.set(m.variance, r * D);
      continue;
    }
    for (let d = 0; d < D; d++) {
      const at = r * D + d;
      if (lik.kind === 'beta') {
        const m = betaMoments(raw[d] as number, raw[D + d] as number, lik.minConcentration);
        mean[at] = m.mean;
        variance[at] = m.variance;
      } else if (lik.kind === 'student-t') {
        const sc = s.scale[at] as number;
        mean[at] = s.f[at] as number;
        variance[at] = lik.df > 2 ? (sc * sc * lik.df) / (lik.df - 2) : sc * sc;
      }
    }
  }
  return { mean, variance };
}

/** log p_s(y_n) per (sample, input), [S, N]; y (checked) is [N, D]. */
export function momentLogLikelihoods(spec: ModelSpec, s: OracleSamples, y: ArrayLike<number>): Float64Array {
  const { samples: S, n: N, outputDim: D } = s;
  const units = s.raw.length / (S * N);
  const out = new Float64Array(S * N);
  const lik = spec.likelihood;
  const yRows = Float64Array.from(y);
  for (let r = 0; r < S * N; r++) {
    const n = r % N;
    const raw = s.raw.subarray(r * units, (r + 1) * units);
    if (lik.kind === 'dirichlet') {
      out[r] = dirichletLogLik(raw, yRows.subarray(n * D, (n + 1) * D), lik.minConcentration);
      continue;
    }
    let ll = 0;
    for (let d = 0; d < D; d++) {
      const yv = yRows[n * D + d] as number;
      if (lik.kind === 'beta') ll += betaLogLik(raw[d] as number, raw[D + d] as number, yv, lik.minConcentration);
      else if (lik.kind === 'student-t') ll += studentTLogPdf(yv, s.f[r * D + d] as number, s.scale[r * D + d] as number, lik.df);
    }
    out[r] = ll;
  }
  return out;
}
