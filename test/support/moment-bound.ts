/**
 * How far a float32 GPU Student-t / Beta / Dirichlet statistic may be from the oracle's, by the rule
 * of test/support/error-bound.ts: the last layer's outputs carry that file's per-sample bound Δ_j
 * (the network read as a Normal model with the same noise, whose f bound is the raw outputs'
 * bound, and whose scale bound is the Student-t scale's); a sample's mean, variance and
 * log-likelihood then move by at most 2 Σ_j |∂/∂raw_j| Δ_j (the gradient by central differences in
 * float64; the factor 2 covers its change over the box, whose widths are ~1e-3 at most) plus their
 * float32 evaluation, 64 u (1 + |value|) (lgamma and digamma series, softplus, a few divisions);
 * over samples, a mean by the mean of the bounds, a std by their root-mean-square, plus S u times
 * the magnitude, and the lpd by the largest per-sample bound plus S u (1 + |lpd|).
 */
import type { Model, ModelSpec } from '../../src/model/spec.js';
import type { SamplingPath } from '../../src/infer/types.js';
import type { OracleSamples } from '../../src/reference/forward.js';
import { momentLogLikelihoods, sampleMoments } from '../../src/reference/moments.js';
import { sampleBounds, U } from './error-bound.js';

export interface MomentBounds {
  readonly mean: Float64Array;
  readonly epistemicStd: Float64Array;
  readonly aleatoricStd: Float64Array;
  readonly logPredictiveDensity: Float64Array;
}

const H = 1e-6;

export function momentBounds(model: Model, x: number[][], o: { samples: number; seed: number; path: SamplingPath; y?: number[] }): MomentBounds {
  const spec = model.spec;
  const lik = spec.likelihood;
  const scaleLik = lik.kind === 'student-t' ? lik : null;
  const twinSpec: ModelSpec = {
    ...spec,
    likelihood: scaleLik
      ? { noise: scaleLik.noise, link: scaleLik.link, sigmaPrior: scaleLik.sigmaPrior }
      : { noise: { kind: 'fixed', sigma: 1 }, link: 'sigma', sigmaPrior: null },
  };
  // The raw outputs' bound: a Normal twin with the whole last layer as its output (its D = units, no standardisation).
  const last = spec.layers[spec.layers.length - 1]!;
  const rawTwin: Model = {
    spec: { ...twinSpec, likelihood: { noise: { kind: 'fixed', sigma: 1 }, link: 'sigma', sigmaPrior: null }, standardization: null },
    tensors: model.tensors,
  };
  const rb = sampleBounds(rawTwin, x, o);
  const sb = scaleLik ? sampleBounds({ spec: twinSpec, tensors: model.tensors }, x, o) : null;
  const S = o.samples;
  const N = x.length;
  const units = last.units;
  const D = lik.kind === 'beta' ? units / 2 : units;
  const drawn = (raw: Float64Array, f: Float64Array, scale: Float64Array): OracleSamples => ({
    n: N,
    outputDim: D,
    samples: S,
    f,
    scale,
    sigma: new Float64Array(S),
    y: new Float64Array(0),
    raw,
  });
  const f0 = sb ? sb.f : new Float64Array(S * N * D);
  const sc0 = sb ? sb.scale : new Float64Array(S * N * D);
  const base = drawn(rb.f, f0, sc0);
  const m0 = sampleMoments(spec, base);
  const ll0 = o.y ? momentLogLikelihoods(spec, base, o.y) : null;
  const meanB = new Float64Array(S * N * D);
  const varB = new Float64Array(S * N * D);
  const llB = new Float64Array(S * N);
  // Perturb one input coordinate of every sample and input at once: raw unit j, then (Student-t) f_d and scale_d.
  const bump = (which: 'raw' | 'f' | 'scale', j: number, width: number, bounds: Float64Array) => {
    const shift = (sign: number) => {
      const raw = Float64Array.from(rb.f);
      const f = Float64Array.from(f0);
      const scale = Float64Array.from(sc0);
      const target = which === 'raw' ? raw : which === 'f' ? f : scale;
      for (let r = 0; r < S * N; r++) target[r * width + j] = (target[r * width + j] as number) + sign * H;
      const d = drawn(raw, f, scale);
      return { m: sampleMoments(spec, d), ll: o.y ? momentLogLikelihoods(spec, d, o.y) : null };
    };
    const plus = shift(1);
    const minus = shift(-1);
    for (let r = 0; r < S * N; r++) {
      const delta = bounds[r * width + j] as number;
      for (let d = 0; d < D; d++) {
        const k = r * D + d;
        meanB[k] = (meanB[k] as number) + (2 * Math.abs((plus.m.mean[k] as number) - (minus.m.mean[k] as number)) * delta) / (2 * H);
        varB[k] = (varB[k] as number) + (2 * Math.abs((plus.m.variance[k] as number) - (minus.m.variance[k] as number)) * delta) / (2 * H);
      }
      if (plus.ll && minus.ll) llB[r] = (llB[r] as number) + (2 * Math.abs((plus.ll[r] as number) - (minus.ll[r] as number)) * delta) / (2 * H);
    }
  };
  if (sb) {
    for (let d = 0; d < D; d++) {
      bump('f', d, D, sb.fBound);
      bump('scale', d, D, sb.scaleBound);
    }
  } else {
    for (let j = 0; j < units; j++) bump('raw', j, units, rb.fBound);
  }
  const ND = N * D;
  const mean = new Float64Array(ND);
  const epistemicStd = new Float64Array(ND);
  const aleatoricStd = new Float64Array(ND);
  for (let k = 0; k < ND; k++) {
    let mb = 0;
    let sq = 0;
    let vb = 0;
    let mag = 0;
    let v = 0;
    for (let s = 0; s < S; s++) {
      const at = s * ND + k;
      const b = (meanB[at] as number) + 64 * U * (1 + Math.abs(m0.mean[at] as number));
      mb += b;
      sq += b * b;
      vb += (varB[at] as number) + 64 * U * (1 + (m0.variance[at] as number));
      mag = Math.max(mag, Math.abs(m0.mean[at] as number));
      v += m0.variance[at] as number;
    }
    mean[k] = mb / S + S * U * mag;
    epistemicStd[k] = Math.sqrt(sq / S) + S * U * mag;
    // sqrt moves by at most sqrt of the variance's move.
    aleatoricStd[k] = Math.sqrt(vb / S + S * U * (v / S));
  }
  const logPredictiveDensity = new Float64Array(N);
  if (ll0) {
    for (let n = 0; n < N; n++) {
      let worst = 0;
      let top = -Infinity;
      for (let s = 0; s < S; s++) {
        const ll = ll0[s * N + n] as number;
        worst = Math.max(worst, (llB[s * N + n] as number) + 64 * U * (1 + Math.abs(ll)));
        top = Math.max(top, ll);
      }
      logPredictiveDensity[n] = worst + S * U * (1 + Math.abs(top));
    }
  }
  return { mean, epistemicStd, aleatoricStd, logPredictiveDensity };
}
