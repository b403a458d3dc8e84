/**
 * Special functions for the float64 oracle and the tests, written here rather than taken from a
 * dependency so the oracle has no runtime dependencies and its accuracy is known: lgamma to a few
 * 1e-15 relative (absolute near its roots at 1 and 2), erfc to a few 1e-15 relative, the normal
 * quantile to ~1e-15 after one Halley step, and the regularised incomplete gamma for Gamma CDFs.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EULER_GAMMA = 0.5772156649015329;

/** Terms of the lgamma(1+z) series kept for |z| <= 0.5: they shrink as 4^-k, so 4^-28 < 2^-53. */
const SERIES_TERMS = 28;

/**
 * zeta(k) - 1 for k = 2..SERIES_TERMS+1, computed once. Summing n^-k directly for n < 64 and the
 * tail by Euler-Maclaurin keeps every value to a few ulps without hard-coding 28 constants.
 */
const ZETA_MINUS_ONE: readonly number[] = (() => {
  const out: number[] = [];
  const N = 64;
  for (let k = 2; k <= SERIES_TERMS + 1; k++) {
    // Tail sum_{n>=N} n^-k = N^(1-k)/(k-1) + N^-k/2 + B2/2! k N^(-k-1) + B4/4! k(k+1)(k+2) N^(-k-3) + ...
    const nk = Math.pow(N, -k);
    let tail = (N * nk) / (k - 1) + nk / 2;
    tail += ((k / 12) * nk) / N;
    tail -= (((k * (k + 1) * (k + 2)) / 720) * nk) / (N * N * N);
    tail += (((k * (k + 1) * (k + 2) * (k + 3) * (k + 4)) / 30240) * nk) / Math.pow(N, 5);
    // Add from the smallest term up so the large n=2 term does not swamp the rounding of the rest.
    let sum = tail;
    for (let n = N - 1; n >= 2; n--) sum += Math.pow(n, -k);
    out.push(sum);
  }
  return out;
})();

/**
 * lgamma(1 + z) for |z| <= 0.5 from lgamma(1+z) = -log1p(z) + z(1 - gamma) + sum_{k>=2} (-1)^k (zeta(k)-1)/k z^k
 * (Abramowitz & Stegun 6.1.33 rearranged). Every term is O(z), so the result keeps full relative
 * accuracy as z -> 0, i.e. at the root lgamma(1) = 0.
 */
function lgamma1p(z: number): number {
  let sum = 0;
  // Horner-like evaluation from the smallest term to the largest.
  for (let k = SERIES_TERMS + 1; k >= 2; k--) {
    const c = (ZETA_MINUS_ONE[k - 2] ?? 0) / k;
    sum = (sum + (k % 2 === 0 ? c : -c)) * z;
  }
  return -Math.log1p(z) + z * (1 - EULER_GAMMA) + sum * z;
}

/** Stirling's series for x >= 13: the first omitted term is below 1e-18. */
function lgammaStirling(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  const series = r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156)))))));
  return (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI + series;
}

/**
 * log |Gamma(x)| in float64. For x > 0 the error is ~1e-15 relative, and ~1e-16 absolute near the
 * roots x = 1 and x = 2 where a relative bound is impossible. Poles (0, negative integers) give +Infinity.
 */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  if (x < 0.5) return lgamma1p(x) - Math.log(x);
  if (x <= 1.5) return lgamma1p(x - 1);
  if (x <= 2.5) return lgamma1p(x - 2) + Math.log1p(x - 2);
  if (x < 13) {
    // Step down to [1.5, 2.5): lgamma(x) = lgamma(x - k) + log((x-1)(x-2)...(x-k)); all factors > 1.5.
    let prod = 1;
    let y = x;
    while (y > 2.5) {
      y -= 1;
      prod *= y;
    }
    return lgamma1p(y - 2) + Math.log1p(y - 2) + Math.log(prod);
  }
  return lgammaStirling(x);
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) for 0 <= x < 2 from the all-positive series erf(x) = 2x/sqrt(pi) e^{-x^2} sum_n (2x^2)^n / (2n+1)!!,
 * which has no cancellation (the alternating Taylor series loses digits near 2).
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * x * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x >= 1 from the continued fraction erfc(x) = e^{-x^2}/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * by the modified Lentz method; it keeps full relative accuracy deep in the tail where 1 - erf(x) cannot.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** Complementary error function, a few 1e-15 relative accuracy for every x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  // Below 1, 1 - erf loses < 1 bit (erfc > 0.15); above, the fraction needs < 200 terms and keeps full precision.
  if (x < 1) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // e^{-x^2} underflows below the smallest subnormal.
  return erfcContinuedFraction(x);
}

/** Error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) < 2) return x < 0 ? -erfSeries(-x) : erfSeries(x);
  return x < 0 ? erfc(-x) - 1 : 1 - erfc(x);
}

/** Standard normal CDF Phi(x) = erfc(-x/sqrt 2)/2, accurate in the lower tail too. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// Acklam's rational approximations (relative error 1.15e-9), refined below.
const ACKLAM_A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239] as const;
const ACKLAM_B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1] as const;
const ACKLAM_C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const ACKLAM_P_LOW = 0.02425;

/** Acklam's approximation for 0 < p <= 0.5 (the lower half). */
function acklamLower(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = ACKLAM_A;
  const [b0, b1, b2, b3, b4] = ACKLAM_B;
  const [c0, c1, c2, c3, c4, c5] = ACKLAM_C;
  const [d0, d1, d2, d3] = ACKLAM_D;
  if (p < ACKLAM_P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/**
 * Standard normal quantile Phi^{-1}(p): Acklam's algorithm plus one Halley step on Phi(x) - p with
 * the erfc above, ~1e-15 relative. The upper half is taken by symmetry from 1 - p (exact for
 * p >= 0.5), so the refinement always works on the tail probability where it has full precision.
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const x = acklamLower(p);
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/** log(sum_i exp(v_i)) without overflow; -Infinity for an empty or all -Infinity input. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (Number.isNaN(v)) return NaN;
    if (v > max) max = v;
  }
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] ?? NaN) - max);
  return max + Math.log(sum);
}

/**
 * Regularised lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a) (the Gamma(a, 1) CDF):
 * the power series for x < a + 1, the Legendre continued fraction (modified Lentz) otherwise,
 * each where it converges fast (Numerical Recipes 6.2). ~1e-14 relative.
 */
export function regularizedGammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  const logPrefactor = a * Math.log(x) - x - lgamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 100000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return sum * Math.exp(logPrefactor);
  }
  // Q(a, x) = e^{-x} x^a / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/(x+5-a- ...))).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 100000; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(logPrefactor) * h;
}

/**
 * digamma psi(x) = d lgamma / dx in float64: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10,
 * then the asymptotic series ln x - 1/(2x) - sum B_2k / (2k x^2k) through x^-14 (the first omitted
 * term, 3617/8160 x^-16, is below 5e-17 there). ~1e-15 relative, ~1e-16 absolute near the positive
 * root 1.4616...; reflection psi(1 - x) - pi / tan(pi x) below 0; NaN at the poles 0, -1, -2, ...
 */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += 1 / y;
    y += 1;
  }
  const r2 = 1 / (y * y);
  const series = r2 * (1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 * (1 / 132 - r2 * (691 / 32760 - r2 / 12))))));
  return Math.log(y) - 0.5 / y - series - shift;
}

/**
 * trigamma psi'(x) in float64 for x > 0: psi'(x) = psi'(x + 1) + 1/x^2 up to x >= 10, then
 * 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) through x^-15. ~1e-15 relative. NaN for x <= 0.
 */
export function trigamma(x: number): number {
  if (Number.isNaN(x) || x <= 0) return NaN;
  if (x === Infinity) return 0;
  let shift = 0;
  let y = x;
  while (y < 10) {
    shift += 1 / (y * y);
    y += 1;
  }
  const r = 1 / y;
  const r2 = r * r;
  const series = r * (1 + r * (0.5 + r * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * (5 / 66 - r2 * (691 / 2730 - r2 * (7 / 6)))))))));
  return series + shift;
}
