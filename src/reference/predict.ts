/**
 * The oracle's predict: the statistics PredictResult reports, computed in float64 from the oracle's
 * samples. Bad inputs are InvalidInputErrors, so the engine's error behaviour can be compared too.
 */
import { resolvePath, resolvePredictOptions, type ResolvedPredictOptions } from '../infer/predict-options.js';
import type { PredictOptions, PredictResult, SamplingPath } from '../infer/types.js';
import { normalLogPdf } from '../math/densities.js';
import { logSumExp } from '../math/special.js';
import { mixtureQuantile } from '../math/mixture-quantile.js';
import { likelihoodKind, targetDim, type LikelihoodKind, type Model } from '../model/spec.js';
import { checkTargets } from '../infer/targets.js';
import { momentLogLikelihoods, sampleMoments } from './moments.js';
import { InvalidInputError } from '../errors.js';
import { classificationMetrics, classifierFields, type ClassifierKind } from '../infer/classification.js';
import { classLogLikelihoods, classPlanesFromLogits } from './classify.js';
import { oracleSamples, readInputs, readTargets } from './forward.js';
import type { OracleInput } from './forward.js';

type Float64Fields<T> = { readonly [K in keyof T]: T[K] extends Float32Array | undefined ? Exclude<T[K], Float32Array> | Float64Array : T[K] };

/** PredictResult with every array in float64. */
export type OraclePredictResult = Float64Fields<PredictResult>;

/**
 * Float64 reference of predict: mean, epistemic/aleatoric/total std and the moment-matched interval
 * per (n, d); with y, the log predictive density per input and the log-likelihood per sample; with
 * quantiles, the exact quantiles of the mixture over samples. `member`: an ensemble member's streams.
 */
export function oraclePredict(model: Model, x: OracleInput, opts: PredictOptions = {}, member = 0): OraclePredictResult {
  const o = resolvePredictOptions(opts);
  const kind = likelihoodKind(model.spec.likelihood);
  if (kind !== 'normal' && o.quantiles.length > 0) {
    throw new InvalidInputError(`quantiles are computed for normal models only; a '${kind}' model reports its predictive mean, variance split and moment-matched interval`);
  }
  const path = resolvePath(readInputs(model.spec, x).rows, o);
  const drawn = oracleSamples(model, x, { samples: o.samples, seed: o.seed, path, member });
  const { n: N, outputDim: D, f, scale, y: ySamples } = drawn;
  // Read y only after x so a bad x is reported first, as the shapes of y depend on N.
  const y = opts.y === undefined ? null : readTargets(opts.y, N, targetDim(model.spec));
  if (y) checkTargets(kind, y, D);
  if (kind === 'categorical' || kind === 'bernoulli') return classifierPredictive(kind, f, o.samples, N, D, y, o, path, ySamples);
  if (kind !== 'normal') {
    // Each sample's own mean and variance of y take the places of f and scale^2 (README: likelihoods).
    const m = sampleMoments(model.spec, drawn);
    const moments = { f: m.mean, scale: m.variance.map(Math.sqrt), y: ySamples, S: o.samples, N, D };
    const logLik = y ? momentLogLikelihoods(model.spec, drawn, y) : null;
    return predictiveFromSamples(moments, null, o, path, { kind, logLik, clipUnit: kind === 'beta' || kind === 'dirichlet' });
  }
  return predictiveFromSamples({ f, scale, y: ySamples, S: o.samples, N, D }, y, o, path);
}

/** A classifier's statistics from its float64 logits [S, N, D] (classification.ts defines them). */
export function classifierPredictive(
  kind: ClassifierKind,
  f: Float64Array,
  S: number,
  N: number,
  D: number,
  y: Float64Array | null,
  o: ResolvedPredictOptions,
  path: SamplingPath,
  ySamples: Float64Array,
): OraclePredictResult {
  const planes = classPlanesFromLogits(kind, f, S, N, D);
  return {
    n: N,
    outputDim: D,
    samples: S,
    likelihood: kind,
    path,
    ...classifierFields(planes, o.intervalZ, (length) => new Float64Array(length)),
    intervalLevel: o.intervalLevel,
    ...(y ? { ...densitiesFromLogLik(classLogLikelihoods(kind, f, S, N, D, y), S, N), metrics: classificationMetrics(kind, planes.probs, N, D, y) } : {}),
    ...(o.returnSamples ? { fSamples: f, ySamples } : {}),
  };
}

/** Per-sample f and scale, [S, N, D]. */
export interface SampleSet {
  readonly f: Float64Array;
  readonly scale: Float64Array;
  /** A draw of y per sample. */
  readonly y: Float64Array;
  readonly S: number;
  readonly N: number;
  readonly D: number;
}

/**
 * For the likelihoods other than the Normal: their kind, the log-likelihoods [S, N] of y (null
 * without y) and whether the interval is clipped to [0, 1] (Beta, Dirichlet). f and scale are then
 * each sample's mean and standard deviation of y.
 */
export interface OtherLikelihood {
  readonly kind: LikelihoodKind;
  readonly logLik: Float64Array | null;
  readonly clipUnit: boolean;
}

/** The statistics PredictResult reports, from per-sample f and scale (all samples weigh the same). */
export function predictiveFromSamples(samples: SampleSet, y: Float64Array | null, o: ResolvedPredictOptions, path: SamplingPath, other?: OtherLikelihood): OraclePredictResult {
  const { f, scale, S, N, D } = samples;
  const z = o.intervalZ;
  const ND = N * D;
  const mean = new Float64Array(ND);
  const epistemicStd = new Float64Array(ND);
  const aleatoricStd = new Float64Array(ND);
  const std = new Float64Array(ND);
  const lower = new Float64Array(ND);
  const upper = new Float64Array(ND);
  for (let k = 0; k < ND; k++) {
    let sum = 0;
    let scaleSq = 0;
    for (let s = 0; s < S; s++) {
      sum += f[s * ND + k] ?? 0;
      const sc = scale[s * ND + k] ?? 0;
      scaleSq += sc * sc;
    }
    const m = sum / S;
    // Two passes over the samples: the textbook E[f^2] - E[f]^2 cancels badly when the spread is small.
    let dev = 0;
    for (let s = 0; s < S; s++) {
      const e = (f[s * ND + k] ?? 0) - m;
      dev += e * e;
    }
    const epi = dev / S;
    const ale = scaleSq / S;
    const total = Math.sqrt(epi + ale);
    mean[k] = m;
    epistemicStd[k] = Math.sqrt(epi);
    aleatoricStd[k] = Math.sqrt(ale);
    std[k] = total;
    lower[k] = other?.clipUnit ? Math.max(m - z * total, 0) : m - z * total;
    upper[k] = other?.clipUnit ? Math.min(m + z * total, 1) : m + z * total;
  }
  if (other) {
    return {
      n: N,
      outputDim: D,
      samples: S,
      likelihood: other.kind,
      path,
      mean,
      std,
      epistemicStd,
      aleatoricStd,
      lower,
      upper,
      intervalLevel: o.intervalLevel,
      ...(other.logLik ? densitiesFromLogLik(other.logLik, S, N) : {}),
      ...(o.returnSamples ? { fSamples: f, ySamples: samples.y } : {}),
    };
  }

  return {
    n: N,
    outputDim: D,
    samples: S,
    likelihood: 'normal',
    path,
    mean,
    std,
    epistemicStd,
    aleatoricStd,
    lower,
    upper,
    intervalLevel: o.intervalLevel,
    ...(y ? logDensities(y, f, scale, S, N, D) : {}),
    ...(o.quantiles.length > 0 ? { quantiles: mixtureQuantiles(f, scale, S, ND, o.quantiles), quantileLevels: [...o.quantiles] } : {}),
    // scaleSamples is always [S, N, D], as the engine returns it (also when one number per sample would do).
    ...(o.returnSamples ? { fSamples: f, scaleSamples: scale, ySamples: samples.y } : {}),
  };
}

/** loglik_s(n) = sum_d log N(y_nd | f_snd, scale_snd); then logsumexp over s and the sum over n. */
function logDensities(
  y: Float64Array,
  f: Float64Array,
  scale: Float64Array,
  S: number,
  N: number,
  D: number,
): { logPredictiveDensity: Float64Array; sampleLogLikelihood: Float64Array } {
  const logLik = new Float64Array(S * N); // [S, N]
  for (let s = 0; s < S; s++) {
    for (let n = 0; n < N; n++) {
      let ll = 0;
      for (let d = 0; d < D; d++) {
        const at = (s * N + n) * D + d;
        ll += normalLogPdf(y[n * D + d] ?? 0, f[at] ?? 0, scale[at] ?? 0);
      }
      logLik[s * N + n] = ll;
    }
  }
  return densitiesFromLogLik(logLik, S, N);
}

/** From log-likelihoods [S, N]: logsumexp over s minus log S per input, and the sum over n per sample. */
function densitiesFromLogLik(logLik: Float64Array, S: number, N: number): { logPredictiveDensity: Float64Array; sampleLogLikelihood: Float64Array } {
  const logPredictiveDensity = new Float64Array(N);
  const column = new Float64Array(S);
  const logS = Math.log(S);
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < S; s++) column[s] = logLik[s * N + n] ?? 0;
    logPredictiveDensity[n] = logSumExp(column) - logS;
  }
  const sampleLogLikelihood = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let sum = 0;
    for (let n = 0; n < N; n++) sum += logLik[s * N + n] ?? 0;
    sampleLogLikelihood[s] = sum;
  }
  return { logPredictiveDensity, sampleLogLikelihood };
}

/** Exact quantiles of the mixture over samples at every (n, d): [Q, N, D]. */
export function mixtureQuantiles(f: Float64Array, scale: Float64Array, S: number, ND: number, levels: readonly number[]): Float64Array {
  const out = new Float64Array(levels.length * ND);
  levels.forEach((level, q) => {
    for (let k = 0; k < ND; k++) out[q * ND + k] = mixtureQuantile(level, f, scale, S, k, ND);
  });
  return out;
}
