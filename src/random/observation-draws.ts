/**
 * Draws of the observations y (Pyro Predictive's 'obs' site) for the non-Normal likelihoods, in
 * float64, from the distribution's parameters (the caller applies the link: sigmoid, softmax,
 * softplus + min concentration). shaders/lib/observation-draws.wgsl computes the same draws from the
 * same Philox words in float32. Every draw is a pure function of (key, sample, element):
 *
 * | kind        | element                           | words used                                               |
 * | ----------- | --------------------------------- | -------------------------------------------------------- |
 * | bernoulli   | n * D + d                         | STREAM_OBSERVATION word e: u in [0, 1), y = [u < p]       |
 * | categorical | n (one class per input)           | STREAM_OBSERVATION word n: u, y = first k with u < p_1+..+p_k |
 * | student-t   | n * D + d                         | the Normal's eps (STREAM_OBSERVATION normal e) and a Gamma(df/2) at e |
 * | beta        | 2 (n * D + d) and 2 (n * D + d) + 1 | Gamma(alpha) and Gamma(beta): y = G1 / (G1 + G2)          |
 * | dirichlet   | n * K + k                         | Gamma(alpha_k): y = G / sum G                             |
 *
 * n is the global input index, s the global posterior sample (as the Normal's y draws in
 * infer/moments.wgsl and reference/forward.ts), so draws depend on neither chunking nor kernel.
 * Gamma(a, 1) draws are Marsaglia-Tsang as gammaDraw (draws.ts), attempt k on block
 * (k, sample, STREAM_OBSERVATION_GAMMA, element), kept in log space: log G = log d + 3 log1p(c x)
 * (+ log(u)/a when a < 1 is boosted), so a concentration of 1e-3 (G ~ u^1000) neither underflows
 * to 0 nor turns a Beta draw into 0/0; the acceptance test is evaluated as
 * log u < x^2/2 + d (1 - v + log v) with 1 - v + log v = -s^2 (3 + s) + 3 (log1p(s) - s), s = c x,
 * which is Marsaglia-Tsang's own test without its cancellation at large d.
 */
import type { Key } from './draws.js';
import { normalAt, wordAt } from './draws.js';
import { philox4x32 } from './philox.js';
import { GAMMA_MAX_ATTEMPTS, STREAM_OBSERVATION, STREAM_OBSERVATION_GAMMA, boxMuller, uniformClosedOpen, uniformOpenClosed } from './streams.js';

/** log1p(s) - s for s > -1, by its series below |s| = 0.01 (terms to s^9: relative error < 1e-17), where the difference would cancel. */
export function log1pMinusX(s: number): number {
  if (Math.abs(s) < 0.01) {
    // -s^2/2 + s^3/3 - s^4/4 + ... - s^8/8 + s^9/9
    const s2 = s * s;
    return s2 * (-1 / 2 + s * (1 / 3 + s * (-1 / 4 + s * (1 / 5 + s * (-1 / 6 + s * (1 / 7 + s * (-1 / 8 + s / 9)))))));
  }
  return Math.log1p(s) - s;
}

/** log of a Gamma(concentration, 1) draw for (sample, element); log d if all GAMMA_MAX_ATTEMPTS attempts are rejected (probability < 0.05^16). */
export function logGammaDrawAt(key: Key, sample: number, element: number, concentration: number): number {
  const boost = concentration < 1;
  const a = boost ? concentration + 1 : concentration;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let k = 0; k < GAMMA_MAX_ATTEMPTS; k++) {
    const w = philox4x32(k, sample >>> 0, STREAM_OBSERVATION_GAMMA, element >>> 0, key[0], key[1]);
    const x = boxMuller(w[0], w[1], false);
    const s = c * x;
    if (s <= -1) continue;
    const u = uniformOpenClosed(w[2]);
    if (Math.log(u) < 0.5 * x * x + d * (-s * s * (3 + s) + 3 * log1pMinusX(s))) {
      const logG = Math.log(d) + 3 * Math.log1p(s);
      return boost ? logG + Math.log(uniformOpenClosed(w[3])) / concentration : logG;
    }
  }
  return Math.log(d);
}

/** The uniform in [0, 1) of (sample, element) on the observation stream (Bernoulli and categorical draws). */
export function observationUniform(key: Key, sample: number, element: number): number {
  return uniformClosedOpen(wordAt(key, sample, STREAM_OBSERVATION, element));
}

/** y ~ Bernoulli(p): 1 iff u < p (u on a 2^-24 grid, so P(y = 1) is p rounded up to it). */
export function bernoulliDraw(key: Key, sample: number, element: number, p: number): number {
  return observationUniform(key, sample, element) < p ? 1 : 0;
}

/** y ~ Categorical(probs) by the inverse CDF; rounding that leaves u above the last partial sum gives the last class with p > 0. */
export function categoricalDraw(key: Key, sample: number, element: number, probs: ArrayLike<number>): number {
  const u = observationUniform(key, sample, element);
  let cumulative = 0;
  let last = 0;
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k] ?? 0;
    if (p > 0) last = k;
    cumulative += p;
    if (u < cumulative) return k;
  }
  return last;
}

/** y ~ Beta(alpha, beta) = G1 / (G1 + G2) = sigmoid(log G1 - log G2), G1 at element 2e, G2 at 2e + 1. */
export function betaDraw(key: Key, sample: number, element: number, alpha: number, beta: number): number {
  const g1 = logGammaDrawAt(key, sample, 2 * element, alpha);
  const g2 = logGammaDrawAt(key, sample, 2 * element + 1, beta);
  return 1 / (1 + Math.exp(g2 - g1));
}

/** y ~ Dirichlet(alpha): softmax of the log Gamma(alpha_k) draws at elements firstElement + k (firstElement = n K). */
export function dirichletDraw(key: Key, sample: number, firstElement: number, alpha: ArrayLike<number>): Float64Array {
  const logG = Float64Array.from({ length: alpha.length }, (_, k) => logGammaDrawAt(key, sample, firstElement + k, alpha[k] ?? NaN));
  const max = logG.reduce((m, v) => Math.max(m, v), -Infinity);
  const e = logG.map((v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/**
 * y ~ StudentT(df, loc, scale) = loc + scale Z / sqrt(2G / df): 2G ~ chi^2(df) from G ~ Gamma(df/2, 1)
 * at the element, and Z the Normal likelihood's eps at the same element, so as df -> infinity the
 * draw tends to the Normal model's draw. sqrt(df / 2G) is exp((log(df/2) - log G)/2): it can exceed
 * float32 for df below ~0.1 (the distribution's own tail), never NaN.
 */
export function studentTDraw(key: Key, sample: number, element: number, loc: number, scale: number, df: number): number {
  const z = normalAt(key, sample, STREAM_OBSERVATION, element);
  const logG = logGammaDrawAt(key, sample, element, df / 2);
  return loc + scale * z * Math.exp(0.5 * (Math.log(df / 2) - logG));
}
