/**
 * How far a float32 GPU result may be from the float64 oracle: a first-principles forward error
 * bound, computed alongside the oracle's own values, so the GPU-vs-oracle tests hold every element to
 * a tolerance derived from the magnitudes of its computation rather than one fixed relative number.
 *
 * THE RULE (each term an upper bound; sums of absolute values throughout):
 * - A drawn standard normal is off by at most DRAW_ERROR (1 + |z|) (SwiftShader's float32 sin, cos
 *   and log; measured and asserted in gpu-random.test.ts), so a weight loc + scale z is off by
 *   scale DRAW_ERROR (1 + |z|) plus two float32 roundings of |loc| + |scale z|.
 * - A dense unit p = b + Σ w m h (m the dropout factor) is off by Σ (Δw |m h| + |w| Δ(m h)) + Δb
 *   plus (inputs + 2) u (|b| + Σ |w m h|), u = 2^-24 (float32 accumulation in any order).
 * - Batch norm multiplies the error by |bn scale| (plus two roundings); an activation turns an
 *   error e at p into its largest change over [p - e, p + e] (0 where it saturates) plus its own
 *   evaluation error (exact ops: one rounding; tanh, sigmoid, gelu, silu: 64 u (|a| + L |p|) + 2^-20
 *   with L the Lipschitz constant: WGSL's transcendental accuracy with margin).
 * - The marginal path bounds mean and variance the same way, and sqrt(v) by min(Δv / (2 sqrt v), sqrt Δv).
 * - sigma: fixed, one rounding; LogNormal exp(loc + scale z): the draw's error times scale, plus
 *   exp's (4 + 2 |x|) ulps; LogitNormal low + (high - low) sigmoid(loc + scale z): the argument's
 *   error times the slope, plus sigmoid's evaluation error as above, times high - low; Gamma: 2e-3 relative + 1e-7 / rate (gpu-random.test.ts); the
 *   heteroscedastic softplus moves by softplus(raw + e) - softplus(raw) (+ 16 u (|sigma| + 1)); sigma^2 and the output
 *   standardisation propagate exactly, plus roundings (of yMean and yStd in the params buffer too).
 * - Statistics over S samples: the mean is off by the mean of the per-sample bounds, a standard
 *   deviation by the root-mean-square of the per-sample bounds (Minkowski), each plus S u times the
 *   statistic's magnitude for float32 accumulation; the interval by Δmean + z Δstd.
 * - log N(y | f, scale) is bounded over the whole box f ± Δf, scale ± Δscale (not linearised);
 *   logmeanexp over samples moves by at most max(log Σ w e^Δ, -log Σ w e^-Δ) with w the samples'
 *   softmax weights; per-sample sums add their terms' bounds.
 * A sample whose Gamma draw flips between accept and reject in float32 and float64 breaks the rule;
 * that happens with probability ~1e-6 per draw (gpu-random.test.ts), the declared failure rate.
 */
import { expectScaleLikelihood, outputDim, tensorNames, type Activation, type Model } from '../../src/model/spec.js';
import { loadLayers, readInputs, type LayerConstants } from '../../src/reference/forward.js';
import type { SamplingPath } from '../../src/infer/types.js';
import { applyActivation, sigmoid, softplus } from '../../src/math/activations.js';
import { logSumExp } from '../../src/math/special.js';
import { gammaDraw, noiseNormal, normalAt, dropoutKeep } from '../../src/random/draws.js';
import { STREAM_DROPOUT, STREAM_MARGINAL, STREAM_OBSERVATION, STREAM_WEIGHTS, layerStream, memberKey } from '../../src/random/streams.js';

/** Unit roundoff of float32. */
export const U = 2 ** -24;
/** Largest error of a GPU normal draw, per unit of (1 + |z|) (gpu-random.test.ts asserts it). */
export const DRAW_ERROR = 5e-4;
/** Relative error of a GPU Gamma draw, and its absolute floor (gpu-random.test.ts). */
const GAMMA_RELATIVE = 2e-3;
const GAMMA_ABSOLUTE = 1e-7;
const TRANSCENDENTAL_ULPS = 64;
const TRANSCENDENTAL_ABSOLUTE = 2 ** -20;

/** Largest |act'(x)| over all x. */
function lipschitz(act: Activation, slope: number): number {
  switch (act) {
    case 'sigmoid':
      return 0.25;
    case 'gelu':
      return 1.13;
    case 'silu':
      return 1.1;
    case 'leaky_relu':
    case 'prelu':
      return Math.max(1, Math.abs(slope));
    default:
      return 1;
  }
}

/** Where gelu and silu have their minima (each decreases before, increases after). */
const GELU_ARGMIN = -0.7517916;
const SILU_ARGMIN = -1.2784645;

/**
 * The largest |act(x) - act(q)| for |x - q| <= e: at an end of the interval for a monotone
 * activation, or at gelu's or silu's minimum when the interval holds it (tighter than the Lipschitz constant
 * where an activation saturates).
 */
function activationRange(act: Activation, q: number, e: number, slope: number): number {
  if (e === 0) return 0;
  const at = (x: number) => Math.abs(applyActivation(act, x, slope) - applyActivation(act, q, slope));
  const ends = Math.max(at(q - e), at(q + e));
  const argmin = act === 'gelu' ? GELU_ARGMIN : act === 'silu' ? SILU_ARGMIN : null;
  return argmin !== null && Math.abs(q - argmin) <= e ? Math.max(ends, at(argmin)) : ends;
}

function activationError(act: Activation, pre: number, out: number, slope: number): number {
  if (act === 'tanh' || act === 'sigmoid' || act === 'gelu' || act === 'silu') {
    return TRANSCENDENTAL_ULPS * U * (Math.abs(out) + lipschitz(act, slope) * Math.abs(pre)) + TRANSCENDENTAL_ABSOLUTE;
  }
  return U * Math.abs(out);
}

export interface SampleBounds {
  readonly samples: number;
  readonly n: number;
  readonly outputDim: number;
  /** f and the observation scale per (s, n, d), the oracle's values, and their bounds. */
  readonly f: Float64Array;
  readonly fBound: Float64Array;
  readonly scale: Float64Array;
  readonly scaleBound: Float64Array;
  /** The draw of y per (s, n, d) (f + scale * eps, the observation stream) and its bound. */
  readonly y: Float64Array;
  readonly yBound: Float64Array;
}

interface Signal {
  readonly value: Float64Array;
  readonly bound: Float64Array;
}

function dropoutFactors(c: LayerConstants, key: readonly [number, number], sample: number): Float64Array | null {
  if (c.keepThreshold === null) return null;
  const stream = layerStream(c.index, STREAM_DROPOUT);
  return Float64Array.from({ length: c.inputs }, (_, i) => (dropoutKeep(key, sample, stream, i, c.keepThreshold as number) ? c.keepFactor : 0));
}

/** The layer's input row n after dropout, with its bound (the factor 1/(1-p) is rounded to float32). */
function maskedRow(input: Signal, n: number, inputs: number, mask: Float64Array | null): Signal {
  const value = new Float64Array(inputs);
  const bound = new Float64Array(inputs);
  for (let i = 0; i < inputs; i++) {
    const h = input.value[n * inputs + i] as number;
    const e = input.bound[n * inputs + i] as number;
    const m = mask ? (mask[i] as number) : 1;
    value[i] = m * h;
    bound[i] = m * e + (mask ? 2 * U * Math.abs(m * h) : 0);
  }
  return { value, bound };
}

/** Batch norm and activation of unit j, with the bound carried through. */
function finish(c: LayerConstants, j: number, pre: number, preBound: number): [number, number] {
  let q = pre;
  let eq = preBound;
  if (c.bnScale && c.bnShift) {
    const bs = c.bnScale[j] as number;
    const sh = c.bnShift[j] as number;
    q = pre * bs + sh;
    eq = Math.abs(bs) * preBound + 2 * U * (Math.abs(pre * bs) + Math.abs(sh));
  }
  const slope = c.slopes[j] as number;
  const a = applyActivation(c.activation, q, slope);
  return [a, activationRange(c.activation, q, eq, slope) + activationError(c.activation, q, a, slope)];
}

function jointLayer(c: LayerConstants, key: readonly [number, number], sample: number, input: Signal, rows: number): Signal {
  const { inputs, units } = c;
  const size = units * (inputs + 1);
  const w = new Float64Array(size);
  const dw = new Float64Array(size);
  const stream = layerStream(c.index, STREAM_WEIGHTS);
  for (let e = 0; e < size; e++) {
    const loc = c.loc[e] as number;
    const scale = c.scale ? (c.scale[e] as number) : 0;
    const z = scale > 0 ? normalAt(key, sample, stream, e) : 0;
    w[e] = loc + scale * z;
    dw[e] = scale * DRAW_ERROR * (1 + Math.abs(z)) + (scale > 0 ? 2 * U * (Math.abs(loc) + Math.abs(scale * z)) : 0);
  }
  return layerOutputs(c, key, sample, input, rows, (h, j) => {
    const b = units * inputs + j;
    let pre = w[b] as number;
    let magnitude = Math.abs(pre);
    let err = dw[b] as number;
    for (let i = 0; i < inputs; i++) {
      const wi = w[j * inputs + i] as number;
      const hi = h.value[i] as number;
      pre += wi * hi;
      magnitude += Math.abs(wi * hi);
      err += (dw[j * inputs + i] as number) * Math.abs(hi) + Math.abs(wi) * (h.bound[i] as number);
    }
    return [pre, err + (inputs + 2) * U * magnitude];
  });
}

function marginalLayer(c: LayerConstants, key: readonly [number, number], sample: number, input: Signal, rows: number): Signal {
  const { inputs, units, loc } = c;
  const stream = layerStream(c.index, STREAM_MARGINAL);
  return layerOutputs(c, key, sample, input, rows, (h, j, n) => {
    const b = units * inputs + j;
    let mu = loc[b] as number;
    let muMagnitude = Math.abs(mu);
    let muErr = 0;
    const sb = c.scale ? (c.scale[b] as number) : 0;
    let v = sb * sb;
    let vErr = 0;
    for (let i = 0; i < inputs; i++) {
      const l = loc[j * inputs + i] as number;
      const s = c.scale ? (c.scale[j * inputs + i] as number) : 0;
      const hi = h.value[i] as number;
      const ei = h.bound[i] as number;
      mu += l * hi;
      muMagnitude += Math.abs(l * hi);
      muErr += Math.abs(l) * ei;
      v += s * s * hi * hi;
      vErr += s * s * (2 * Math.abs(hi) * ei + ei * ei);
    }
    muErr += (inputs + 2) * U * muMagnitude;
    vErr += (2 * inputs + 4) * U * v;
    const sd = Math.sqrt(v);
    const sdErr = sd > 0 ? Math.min(vErr / (2 * sd), Math.sqrt(vErr)) : Math.sqrt(vErr);
    // Element (global input) * units + unit of the layer's marginal stream; the oracle sees every row.
    const z = c.scale ? normalAt(key, sample, stream, n * units + j) : 0;
    return [mu + sd * z, muErr + sdErr * Math.abs(z) + sd * DRAW_ERROR * (1 + Math.abs(z)) + 2 * U * (Math.abs(mu) + Math.abs(sd * z))];
  });
}

/**
 * A layer's outputs and bounds for every row: dropout on the input, then `unit` gives unit j's
 * pre-activation and its bound for row n, and batch norm and the activation finish it.
 */
function layerOutputs(
  c: LayerConstants,
  key: readonly [number, number],
  sample: number,
  input: Signal,
  rows: number,
  unit: (h: Signal, j: number, n: number) => [number, number],
): Signal {
  const mask = dropoutFactors(c, key, sample);
  const out = { value: new Float64Array(rows * c.units), bound: new Float64Array(rows * c.units) };
  for (let n = 0; n < rows; n++) {
    const h = maskedRow(input, n, c.inputs, mask);
    for (let j = 0; j < c.units; j++) {
      const [pre, err] = unit(h, j, n);
      const [a, ea] = finish(c, j, pre, err);
      out.value[n * c.units + j] = a;
      out.bound[n * c.units + j] = ea;
    }
  }
  return out;
}

/** sigma of one sample (not heteroscedastic) and its bound. */
function sigmaWithBound(model: Model, key: readonly [number, number], sample: number): [number, number] {
  const noise = expectScaleLikelihood(model.spec).noise;
  const scalar = (name: string) => model.tensors.get(name)?.data[0] ?? NaN;
  switch (noise.kind) {
    case 'fixed':
      return [noise.sigma, U * noise.sigma];
    case 'lognormal': {
      const loc = scalar(tensorNames.noiseLoc);
      const scale = scalar(tensorNames.noiseScale);
      const z = noiseNormal(key, sample);
      const arg = loc + scale * z;
      const sigma = Math.exp(arg);
      return [sigma, sigma * (scale * DRAW_ERROR * (1 + Math.abs(z)) + (6 + 2 * Math.abs(arg)) * U)];
    }
    case 'logitnormal': {
      // sigma = low + w sigmoid(arg), w = high - low: the argument's error (as for LogNormal) times the
      // slope w s (1 - s), plus sigmoid's evaluation error (the transcendental rule, Lipschitz 1/4,
      // times w) and three roundings (w, the product, the sum).
      const loc = scalar(tensorNames.noiseLoc);
      const scale = scalar(tensorNames.noiseScale);
      const z = noiseNormal(key, sample);
      const arg = loc + scale * z;
      const s = sigmoid(arg);
      const w = noise.high - noise.low;
      const sigma = noise.low + w * s;
      const argError = scale * DRAW_ERROR * (1 + Math.abs(z)) + 2 * U * (Math.abs(loc) + Math.abs(scale * z));
      const sigmoidError = TRANSCENDENTAL_ULPS * U * (s + 0.25 * Math.abs(arg)) + TRANSCENDENTAL_ABSOLUTE;
      return [sigma, w * s * (1 - s) * argError + w * Math.min(sigmoidError, 1) + 3 * U * (Math.abs(noise.low) + w + sigma)];
    }
    case 'gamma': {
      const rate = scalar(tensorNames.noiseRate);
      const g = gammaDraw(key, sample, scalar(tensorNames.noiseConcentration));
      return [g / rate, (GAMMA_RELATIVE * g + GAMMA_ABSOLUTE) / rate + U * (g / rate)];
    }
    case 'heteroscedastic':
      return [NaN, NaN];
  }
}

export interface BoundOptions {
  readonly samples: number;
  readonly seed: number;
  readonly path: SamplingPath;
  /** Ensemble member whose streams to draw (memberKey); default 0. */
  readonly member?: number;
}

/** The oracle's per-sample f and scale with the bound of each (see the header for the rule). */
export function sampleBounds(model: Model, x: readonly (readonly number[])[], o: BoundOptions): SampleBounds {
  const { spec } = model;
  const key = memberKey(o.seed, o.member ?? 0);
  const inputs = readInputs(spec, x);
  const N = inputs.rows;
  const D = outputDim(spec);
  const layers = loadLayers(model);
  const lastUnits = spec.layers[spec.layers.length - 1]?.units ?? D;
  const noise = expectScaleLikelihood(spec).noise;
  const squared = expectScaleLikelihood(spec).link === 'sigma2';
  const st = spec.standardization;
  const size = o.samples * N * D;
  const out = {
    f: new Float64Array(size),
    fBound: new Float64Array(size),
    scale: new Float64Array(size),
    scaleBound: new Float64Array(size),
    y: new Float64Array(size),
    yBound: new Float64Array(size),
  };
  // The host standardises in float64 and rounds to float32 once.
  const x0: Signal = { value: inputs.data, bound: inputs.data.map((v) => U * Math.abs(v)) };
  for (let s = 0; s < o.samples; s++) {
    let h = x0;
    for (const c of layers) h = o.path === 'joint' ? jointLayer(c, key, s, h, N) : marginalLayer(c, key, s, h, N);
    const [sigma, sigmaErr] = sigmaWithBound(model, key, s);
    for (let n = 0; n < N; n++) {
      for (let d = 0; d < D; d++) {
        let sg = sigma;
        let esg = sigmaErr;
        if (noise.kind === 'heteroscedastic') {
          const raw = h.value[n * lastUnits + D + d] as number;
          sg = softplus(raw) + noise.minScale;
          // softplus is increasing and convex: the upper end of the interval moves it most.
          esg = softplus(raw + (h.bound[n * lastUnits + D + d] as number)) - softplus(raw) + 16 * U * (Math.abs(sg) + 1);
        }
        const linked = squared ? sg * sg : sg;
        const linkedErr = squared ? 2 * sg * esg + esg * esg + U * linked : esg;
        const yMean = st ? (st.yMean[d] as number) : 0;
        const yStd = st ? (st.yStd[d] as number) : 1;
        const o1 = h.value[n * lastUnits + d] as number;
        const at = (s * N + n) * D + d;
        out.f[at] = yMean + yStd * o1;
        // yMean and yStd are rounded to float32 in the params buffer, then the product and the sum.
        out.fBound[at] = yStd * (h.bound[n * lastUnits + d] as number) + (st ? U * (2 * Math.abs(yStd * o1) + Math.abs(yMean) + Math.abs(out.f[at])) : 0);
        out.scale[at] = yStd * linked;
        out.scaleBound[at] = yStd * linkedErr + (st ? 2 * U * yStd * linked : 0);
        // y = f + scale * eps: the draw's error times the scale, the factors' errors, two roundings.
        const eps = normalAt(key, s, STREAM_OBSERVATION, n * D + d);
        const fv = out.f[at];
        const sv = out.scale[at];
        out.y[at] = fv + sv * eps;
        out.yBound[at] = out.fBound[at] + Math.abs(eps) * out.scaleBound[at] + sv * DRAW_ERROR * (1 + Math.abs(eps)) + 2 * U * (Math.abs(fv) + Math.abs(sv * eps));
      }
    }
  }
  return { samples: o.samples, n: N, outputDim: D, ...out };
}

export interface StatisticBounds {
  readonly mean: Float64Array;
  readonly epistemicStd: Float64Array;
  readonly aleatoricStd: Float64Array;
  readonly std: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly logPredictiveDensity: Float64Array | null;
  readonly sampleLogLikelihood: Float64Array | null;
}

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** log N(y | f, scale) and the largest change over f ± ef, scale ± es, plus float32 evaluation. */
function logDensityBound(y: number, f: number, scale: number, ef: number, es: number): [number, number] {
  const r = Math.abs(y - f);
  const q = (r * r) / (2 * scale * scale);
  const ll = -q - Math.log(scale) - HALF_LOG_TWO_PI;
  const lo = scale - es;
  if (!(lo > 0)) return [ll, Infinity];
  const efy = ef + U * Math.abs(y);
  const qHigh = ((r + efy) * (r + efy)) / (2 * lo * lo);
  const rLow = Math.max(r - efy, 0);
  const qLow = (rLow * rLow) / (2 * (scale + es) * (scale + es));
  const logTerm = Math.max(Math.log(scale / lo), Math.log((scale + es) / scale));
  return [ll, Math.max(qHigh - q, q - qLow) + logTerm + 8 * U * (q + Math.abs(Math.log(scale)) + 1)];
}

/** Bounds of the predictive statistics from the per-sample bounds (header), [N, D] or [N] / [S]. */
export function statisticBounds(b: SampleBounds, y: readonly (readonly number[])[] | null, intervalZ: number): StatisticBounds {
  const { samples: S, n: N, outputDim: D } = b;
  const ND = N * D;
  const acc = S * U;
  const stats = {
    mean: new Float64Array(ND),
    epistemicStd: new Float64Array(ND),
    aleatoricStd: new Float64Array(ND),
    std: new Float64Array(ND),
    lower: new Float64Array(ND),
    upper: new Float64Array(ND),
  };
  for (let k = 0; k < ND; k++) {
    let mean = 0;
    let meanBound = 0;
    let fBoundSq = 0;
    let scaleSq = 0;
    let scaleBoundSq = 0;
    let fMax = 0;
    for (let s = 0; s < S; s++) {
      const at = s * ND + k;
      mean += (b.f[at] as number) / S;
      meanBound += (b.fBound[at] as number) / S;
      fBoundSq += (b.fBound[at] as number) ** 2 / S;
      scaleSq += (b.scale[at] as number) ** 2 / S;
      scaleBoundSq += (b.scaleBound[at] as number) ** 2 / S;
      fMax = Math.max(fMax, Math.abs(b.f[at] as number));
    }
    let m2 = 0;
    for (let s = 0; s < S; s++) m2 += ((b.f[s * ND + k] as number) - mean) ** 2 / S;
    const epi = Math.sqrt(m2);
    const ale = Math.sqrt(scaleSq);
    const dMean = meanBound + 2 * acc * fMax;
    const dEpi = Math.sqrt(fBoundSq) + 4 * acc * (fMax + epi);
    const dAle = Math.sqrt(scaleBoundSq) + 4 * acc * ale;
    const dStd = dEpi + dAle + 2 * U * Math.sqrt(m2 + scaleSq);
    stats.mean[k] = dMean;
    stats.epistemicStd[k] = dEpi;
    stats.aleatoricStd[k] = dAle;
    stats.std[k] = dStd;
    const interval = dMean + intervalZ * dStd + 4 * U * (Math.abs(mean) + intervalZ * Math.sqrt(m2 + scaleSq));
    stats.lower[k] = interval;
    stats.upper[k] = interval;
  }
  if (!y) return { ...stats, logPredictiveDensity: null, sampleLogLikelihood: null };
  const ll = new Float64Array(S * N);
  const llBound = new Float64Array(S * N);
  for (let s = 0; s < S; s++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      let bound = 0;
      for (let d = 0; d < D; d++) {
        const at = (s * N + n) * D + d;
        const [v, e] = logDensityBound(y[n]?.[d] as number, b.f[at] as number, b.scale[at] as number, b.fBound[at] as number, b.scaleBound[at] as number);
        sum += v;
        bound += e + D * U * Math.abs(v);
      }
      ll[s * N + n] = sum;
      llBound[s * N + n] = bound;
    }
  }
  const lpd = new Float64Array(N);
  const column = (n: number, shift: -1 | 0 | 1) =>
    Float64Array.from({ length: S }, (_, s) => (ll[s * N + n] as number) + (shift === 0 ? 0 : shift * (llBound[s * N + n] as number)));
  for (let n = 0; n < N; n++) {
    const base = logSumExp(column(n, 0));
    const value = base - Math.log(S);
    const up = logSumExp(column(n, 1)) - base;
    const down = base - logSumExp(column(n, -1));
    lpd[n] = Math.max(up, down) + 8 * U * (S + Math.abs(value) + Math.abs(base));
  }
  const sampleLl = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let bound = 0;
    let magnitude = 0;
    for (let n = 0; n < N; n++) {
      bound += llBound[s * N + n] as number;
      magnitude += Math.abs(ll[s * N + n] as number);
    }
    sampleLl[s] = bound + 2 * N * U * magnitude;
  }
  return { ...stats, logPredictiveDensity: lpd, sampleLogLikelihood: sampleLl };
}

/** Relative accuracy of the GPU's normal CDF (Numerical Recipes' erfc, shaders/lib/normal-cdf.wgsl). */
const NORMAL_CDF_ERROR = 1.2e-7;

/**
 * Bounds of the exact predictive quantiles ([Q, N, D], at the oracle's quantiles `want`): each
 * sample's f and scale errors move the mixture CDF at q by at most (1/S) sum_s phi_max (|df| + |q - f| |ds| / s) / (s - |ds|)
 * (phi at the closest point of the perturbed z), the CDF itself is off by NORMAL_CDF_ERROR and S u
 * of float32 summation; divided by the mixture's density at q (doubled for its change over the
 * error), plus float32 bisection's resolution (4 u of the bracket's magnitude).
 */
export function quantileBounds(b: SampleBounds, levels: readonly number[], want: ArrayLike<number>): Float64Array {
  const { samples: S, n: N, outputDim: D } = b;
  const ND = N * D;
  const out = new Float64Array(levels.length * ND);
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  for (let q = 0; q < levels.length; q++) {
    for (let k = 0; k < ND; k++) {
      const y = want[q * ND + k] as number;
      let cdfError = NORMAL_CDF_ERROR + 4 * S * U;
      let density = 0;
      let magnitude = 0;
      for (let s = 0; s < S; s++) {
        const at = s * ND + k;
        const f = b.f[at] as number;
        const sc = b.scale[at] as number;
        const df = b.fBound[at] as number;
        const ds = b.scaleBound[at] as number;
        const z = (y - f) / sc;
        const dz = sc - ds > 0 ? (df + (Math.abs(y - f) * ds) / sc) / (sc - ds) : Infinity;
        cdfError += (phi(Math.max(0, Math.abs(z) - dz)) * dz) / S;
        density += phi(z) / sc / S;
        magnitude = Math.max(magnitude, Math.abs(f) + 10 * sc);
      }
      out[q * ND + k] = (2 * cdfError) / density + 4 * U * magnitude;
    }
  }
  return out;
}
