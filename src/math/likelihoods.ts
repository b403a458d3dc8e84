/**
 * The observation models of src/model/spec.ts (LikelihoodSpec) in float64, on the raw network
 * outputs f of one input: log p(y | f), the gradient of the negative log-likelihood -log p with
 * respect to f (through the link: what training back-propagates), the predictive moments of one
 * posterior sample and the class probabilities and entropies of the classifiers.
 * shaders/lib/likelihood.wgsl has the float32 twins.
 *
 * Conventions (as densities.ts): y outside the support gives -Infinity, an invalid parameter NaN;
 * nothing throws (callers validate y and the spec first and raise the typed errors). Gradients are
 * of the NEGATIVE log-likelihood (softmax - onehot, sigmoid - y, ...), the loss being minimised.
 *
 * Stability: every function is finite for logits up to |f| ~ 1e300 (max subtraction, exp(-|x|)),
 * concentrations from ~1e-300 to 1e300 and y in (0, 1) down to the smallest doubles (log1p(-y)
 * keeps log(1 - y) for y near 0; log y is exact enough near 1 since 1 - y is exact there).
 * Student-t's normaliser lgamma((df+1)/2) - lgamma(df/2) - log(df)/2 is taken from an asymptotic
 * series past df = 40, where the lgamma difference would cancel (lgamma(5e7) ~ 8e8: 1e-7 lost).
 */
import { softplus, sigmoid } from './activations.js';
import { digamma, lgamma } from './special.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

// ---------------------------------------------------------------------------------------------
// Shared pieces: links, log-softmax, entropies.

/** log sigmoid(x) = -softplus(-x): exact to the last bits for every finite x (0 above ~37, x below ~-37). */
export function logSigmoid(x: number): number {
  return Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
}

/** The concentration of a Beta / Dirichlet component from its raw output: softplus(raw) + minConcentration. */
export function concentration(raw: number, minConcentration: number): number {
  return softplus(raw) + minConcentration;
}

/** log-softmax of K logits, max-subtracted: finite for any finite logits; NaN everywhere if one is NaN or infinite. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k] ?? NaN);
  if (!Number.isFinite(max)) return out.fill(NaN);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) sum += Math.exp((logits[k] ?? NaN) - max);
  // (f - max) - log(sum), not f - (max + log sum): max + log sum would round to max's ulp (1.8e-12 at 1e4).
  const logSum = Math.log(sum);
  for (let k = 0; k < logits.length; k++) out[k] = (logits[k] ?? NaN) - max - logSum;
  return out;
}

/** Class probabilities softmax(f) (they sum to 1 to rounding). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  return logSoftmax(logits).map(Math.exp);
}

/** Entropy -sum p log p of a probability vector in nats, with 0 log 0 = 0; NaN if an entry is negative or NaN. */
export function entropy(probs: ArrayLike<number>): number {
  let h = 0;
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k] ?? NaN;
    if (!(p >= 0)) return NaN;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

/** Entropy of a Bernoulli with P(1) = p, in nats (0 at p = 0 and p = 1). */
export function binaryEntropy(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  return (p > 0 ? -p * Math.log(p) : 0) + (p < 1 ? -(1 - p) * Math.log1p(-p) : 0);
}

/**
 * Entropy of softmax(f) from the logits: sum_k p_k (lse - f_k) with every log p_k = f_k - lse finite,
 * so a class with p_k ~ 1e-300 still contributes its (tiny) share exactly rather than 0 log 0.
 */
export function categoricalEntropy(logits: ArrayLike<number>): number {
  const logp = logSoftmax(logits);
  let h = 0;
  for (const lp of logp) h -= Math.exp(lp) * lp;
  return h;
}

/**
 * Entropy of Bernoulli(sigmoid(f)) from the logit: -p log p - q log q with q = sigmoid(-f) (not 1 - p,
 * which is 0 past f = 37 and would lose the 40 e^-40 of f = 40) and both logs from logSigmoid.
 */
export function bernoulliEntropy(logit: number): number {
  return -sigmoid(logit) * logSigmoid(logit) - sigmoid(-logit) * logSigmoid(-logit);
}

// ---------------------------------------------------------------------------------------------
// Categorical: y is a class index in 0..K-1, p = softmax(f).

/** log Categorical(label | softmax(logits)); -Infinity for a label that is not an integer in 0..K-1. */
export function categoricalLogLik(logits: ArrayLike<number>, label: number): number {
  if (!Number.isInteger(label) || label < 0 || label >= logits.length) return -Infinity;
  return logSoftmax(logits)[label] ?? NaN;
}

/** d(-log p)/d f_k = softmax(f)_k - [k = label]; NaN everywhere for a label outside 0..K-1. */
export function categoricalNllGrad(logits: ArrayLike<number>, label: number): Float64Array {
  const g = softmax(logits);
  if (!Number.isInteger(label) || label < 0 || label >= logits.length) return g.fill(NaN);
  g[label] = (g[label] ?? NaN) - 1;
  return g;
}

// ---------------------------------------------------------------------------------------------
// Bernoulli: one logit per output, y in {0, 1}.

/**
 * log Bernoulli(y | sigmoid(f)) = y log sigmoid(f) + (1 - y) log sigmoid(-f) (torch's
 * -BCEWithLogits); -Infinity for y outside [0, 1]. Each log sigmoid is exact, so the y = 1, f = 40
 * case gives -4.2e-18, not the 0 of f - softplus(f).
 */
export function bernoulliLogLik(logit: number, y: number): number {
  if (!(y >= 0 && y <= 1)) return Number.isNaN(y) ? NaN : -Infinity;
  return (y > 0 ? y * logSigmoid(logit) : 0) + (y < 1 ? (1 - y) * logSigmoid(-logit) : 0);
}

/** d(-log p)/d f = sigmoid(f) - y. */
export function bernoulliNllGrad(logit: number, y: number): number {
  return sigmoid(logit) - y;
}

// ---------------------------------------------------------------------------------------------
// Beta: per output d, alpha = softplus(f_d) + minConcentration, beta = softplus(f_{D+d}) + minConcentration.

/** log Beta(y | alpha, beta) on (0, 1); -Infinity outside, NaN for a non-positive concentration. */
export function betaLogPdf(y: number, alpha: number, beta: number): number {
  if (!(alpha > 0) || !(beta > 0) || Number.isNaN(y)) return NaN;
  if (!(y > 0 && y < 1)) return -Infinity;
  return lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta) + (alpha - 1) * Math.log(y) + (beta - 1) * Math.log1p(-y);
}

/** log Beta(y | alpha(rawAlpha), beta(rawBeta)) on the raw outputs f_d, f_{D+d}. */
export function betaLogLik(rawAlpha: number, rawBeta: number, y: number, minConcentration: number): number {
  return betaLogPdf(y, concentration(rawAlpha, minConcentration), concentration(rawBeta, minConcentration));
}

/**
 * d(-log p)/d (f_d, f_{D+d}): -(psi(a + b) - psi(a) + log y) sigmoid(f_d) and
 * -(psi(a + b) - psi(b) + log(1 - y)) sigmoid(f_{D+d}) (softplus' = sigmoid).
 */
export function betaNllGrad(rawAlpha: number, rawBeta: number, y: number, minConcentration: number): [number, number] {
  const a = concentration(rawAlpha, minConcentration);
  const b = concentration(rawBeta, minConcentration);
  const psiSum = digamma(a + b);
  return [-(psiSum - digamma(a) + Math.log(y)) * sigmoid(rawAlpha), -(psiSum - digamma(b) + Math.log1p(-y)) * sigmoid(rawBeta)];
}

/** Mean a / (a + b) and variance ab / ((a + b)^2 (a + b + 1)) of one sample's Beta. */
export function betaMoments(rawAlpha: number, rawBeta: number, minConcentration: number): { mean: number; variance: number } {
  const a = concentration(rawAlpha, minConcentration);
  const b = concentration(rawBeta, minConcentration);
  const s = a + b;
  const mean = a / s;
  // mean (1 - mean) / (s + 1), with 1 - mean = b / s: no cancellation for a mean near 1.
  return { mean, variance: (mean * (b / s)) / (s + 1) };
}

// ---------------------------------------------------------------------------------------------
// Dirichlet: alpha_k = softplus(f_k) + minConcentration over K components, y on the simplex.

/**
 * log Dirichlet(y | alpha) = lgamma(sum alpha) - sum lgamma(alpha_k) + sum (alpha_k - 1) log y_k;
 * -Infinity if some y_k is outside (0, 1) or the lengths differ. It does not check sum y = 1
 * (torch does not either): validation does.
 */
export function dirichletLogPdf(y: ArrayLike<number>, alpha: ArrayLike<number>): number {
  if (y.length !== alpha.length) return -Infinity;
  let total = 0;
  let sum = 0;
  let outside = false;
  for (let k = 0; k < alpha.length; k++) {
    const a = alpha[k] ?? NaN;
    const yk = y[k] ?? NaN;
    if (!(a > 0) || Number.isNaN(yk)) return NaN;
    if (!(yk > 0 && yk < 1)) outside = true;
    total += a;
    sum += (a - 1) * Math.log(yk) - lgamma(a);
  }
  return outside ? -Infinity : lgamma(total) + sum;
}

/** The concentrations softplus(f_k) + minConcentration of a Dirichlet (or Beta's 2D outputs). */
export function concentrations(raw: ArrayLike<number>, minConcentration: number): Float64Array {
  return Float64Array.from(raw, (f) => concentration(f, minConcentration));
}

/** log Dirichlet(y | alpha(raw)) on the K raw outputs. */
export function dirichletLogLik(raw: ArrayLike<number>, y: ArrayLike<number>, minConcentration: number): number {
  return dirichletLogPdf(y, concentrations(raw, minConcentration));
}

/** d(-log p)/d f_k = -(psi(alpha_0) - psi(alpha_k) + log y_k) sigmoid(f_k), alpha_0 = sum alpha. */
export function dirichletNllGrad(raw: ArrayLike<number>, y: ArrayLike<number>, minConcentration: number): Float64Array {
  const alpha = concentrations(raw, minConcentration);
  const psiTotal = digamma(alpha.reduce((s, a) => s + a, 0));
  return alpha.map((a, k) => -(psiTotal - digamma(a) + Math.log(y[k] ?? NaN)) * sigmoid(raw[k] ?? NaN));
}

/** Per component mean alpha_k / alpha_0 and variance alpha_k (alpha_0 - alpha_k) / (alpha_0^2 (alpha_0 + 1)). */
export function dirichletMoments(raw: ArrayLike<number>, minConcentration: number): { mean: Float64Array; variance: Float64Array } {
  const alpha = concentrations(raw, minConcentration);
  const total = alpha.reduce((s, a) => s + a, 0);
  const mean = alpha.map((a) => a / total);
  // alpha_0 - alpha_k as the sum of the others (prefix + suffix sums), not a difference that would
  // cancel for a dominant component and lose its small variance.
  const suffix = new Float64Array(alpha.length + 1);
  for (let k = alpha.length - 1; k >= 0; k--) suffix[k] = (suffix[k + 1] ?? 0) + (alpha[k] ?? NaN);
  let prefix = 0;
  const variance = alpha.map((a, k) => {
    const others = prefix + (suffix[k + 1] ?? 0);
    prefix += a;
    return ((a / total) * (others / total)) / (total + 1);
  });
  return { mean, variance };
}

// ---------------------------------------------------------------------------------------------
// Student-t: y ~ StudentT(df, loc = f, scale) with the scale from the noise model.

/** Past this x = df/2 the normaliser and its derivative come from their asymptotic series. */
const STUDENT_SERIES_FROM = 20;

/**
 * H(x) = lgamma(x + 1/2) - lgamma(x) - log(x)/2 for x > 0. Directly below x = 20 (|lgamma| < 40:
 * ~1e-14 absolute); above, the asymptotic series -1/(8x) + 1/(192x^3) - 1/(640x^5) + 17/(14336x^7)
 * - 31/(18432x^9) + 691/(180224x^11) (from Stirling's series; the next term is below 1e-19 at
 * x = 20), which keeps full relative accuracy where the lgammas are ~1e8 and cancel.
 */
function halfStepLgamma(x: number): number {
  if (x < STUDENT_SERIES_FROM) return lgamma(x + 0.5) - lgamma(x) - 0.5 * Math.log(x);
  const t = 1 / x;
  const t2 = t * t;
  return t * (-1 / 8 + t2 * (1 / 192 + t2 * (-1 / 640 + t2 * (17 / 14336 + t2 * (-31 / 18432 + t2 * (691 / 180224))))));
}

/** H'(x) = psi(x + 1/2) - psi(x) - 1/(2x), with the series 1/(8x^2) - 1/(64x^4) + 1/(128x^6) - 17/(2048x^8) + 31/(2048x^10) - 691/(16384x^12) above x = 20. */
function halfStepDigamma(x: number): number {
  if (x < STUDENT_SERIES_FROM) return digamma(x + 0.5) - digamma(x) - 0.5 / x;
  const t2 = 1 / (x * x);
  return t2 * (1 / 8 + t2 * (-1 / 64 + t2 * (1 / 128 + t2 * (-17 / 2048 + t2 * (31 / 2048 + t2 * (-691 / 16384))))));
}

/** log(1 + z^2/df) without overflowing z^2: through |z| / sqrt(df) and 2 log t + log1p(1/t^2) past t = 1e150. */
function log1pSquareOverDf(z: number, df: number): number {
  const t = Math.abs(z) / Math.sqrt(df);
  if (t < 1e150) return Math.log1p(t * t);
  return 2 * Math.log(t) + Math.log1p(1 / (t * t));
}

/**
 * log StudentT(y | df, loc, scale) = lgamma((df+1)/2) - lgamma(df/2) - log(df pi)/2 - log scale
 * - (df+1)/2 log(1 + z^2/df), z = (y - loc)/scale. Finite for df from 1e-300 to 1e300 (it tends to
 * the Normal's as df -> infinity). NaN for df <= 0 or scale <= 0.
 */
export function studentTLogPdf(y: number, loc: number, scale: number, df: number): number {
  if (!(scale > 0) || !(df > 0) || Number.isNaN(y) || Number.isNaN(loc)) return NaN;
  const z = (y - loc) / scale;
  // (df + 1)/2 log1p(z^2/df) -> z^2/2 as df -> infinity; past 1e300 df+1 would still be finite.
  return halfStepLgamma(df / 2) - HALF_LOG_TWO_PI - Math.log(scale) - 0.5 * (df + 1) * log1pSquareOverDf(z, df);
}

/**
 * Gradients of -log StudentT(y | df, loc, scale) (z = (y - loc)/scale, w = (df + 1)/(df + z^2)):
 *   loc:   -w z / scale
 *   scale: (1 - w z^2) / scale
 *   df:    -H'(df/2)/2 + log1p(z^2/df)/2 - w z^2 / (2 df)
 *   logDf: df times the df gradient: for training df as u = log(df) (df = exp(u) stays positive;
 *          the recommended parameterisation, as Pyro/NumPyro constrain a positive site).
 * The scale gradient is with respect to the scale itself; the caller chains it through its link
 * (sigma or sigma^2, softplus of a heteroscedastic head).
 */
export function studentTNllGrad(y: number, loc: number, scale: number, df: number): { loc: number; scale: number; df: number; logDf: number } {
  const z = (y - loc) / scale;
  const zz = z * z;
  // w = (df+1)/(df+z^2), with w z^2 = (df+1) / (df/z^2 + 1) finite for huge z.
  const w = (df + 1) / (df + zz);
  const wzz = zz === Infinity ? df + 1 : (df + 1) / (df / zz + 1);
  const dDf = -0.5 * halfStepDigamma(df / 2) + 0.5 * log1pSquareOverDf(z, df) - wzz / (2 * df);
  return { loc: (-w * z) / scale, scale: (1 - wzz) / scale, df: dDf, logDf: df * dDf };
}

/**
 * Mean and variance of StudentT(df, loc, scale), as torch.distributions.StudentT: mean loc for
 * df > 1, NaN for df <= 1 (it does not exist); variance scale^2 df/(df - 2) for df > 2, Infinity
 * for 1 < df <= 2, NaN for df <= 1. A caller mixing samples must not average these into a finite
 * std: for df <= 2 the predictive std is infinite (report it as such, or use quantile intervals,
 * which exist for every df).
 */
export function studentTMoments(loc: number, scale: number, df: number): { mean: number; variance: number } {
  if (!(df > 1)) return { mean: NaN, variance: NaN };
  return { mean: loc, variance: df > 2 ? (scale * scale * df) / (df - 2) : Infinity };
}
