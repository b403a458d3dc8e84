// The observation models in f32, one output at a time: the twins of src/math/likelihoods.ts (which
// says what each computes; gradients are of -log p). The K-class functions over arrays are in
// lib/likelihood-classes. Needs lib/math (softplus, sigmoid, lgamma, log1p_nonnegative).
//
// Safe for every finite f32 input a model can produce: logits to +-3e38 (exp(-|x|) only
// underflows), concentrations 1e-3 .. 1e30 (log-beta by Stirling differences where lgamma values
// would cancel), y down to 1e-38 and up to 1 - 2^-24 (log1m and log_unit below keep log(1 - y) and
// log y accurate at both ends, where WGSL's log is only held to 2^-21 absolute near 1), Student-t
// df 1e-3 .. 1e30 (its normaliser by the asymptotic series where lgamma would cancel).

const STIRLING_FROM: f32 = 8.0;
const HALF_LOG_TWO_PI_LIK: f32 = 0.91893853320467274;

/** log(1 - y) for 0 <= y < 1: the series -y (1 + y/2 + y^2/3 + ...) below 1/64, where 1 - y would lose y's low bits. */
fn log1m(y: f32) -> f32 {
  if (y < 0.015625) {
    return -y * (1.0 + y * (0.5 + y * (1.0 / 3.0 + y * (0.25 + y * 0.2))));
  }
  return log(1.0 - y);
}

/** log y for 0 < y < 1, accurate near 1 too: there 1 - y is exact and log1m(1 - y) keeps its relative accuracy. */
fn log_unit(y: f32) -> f32 {
  if (y > 0.5) {
    return log1m(1.0 - y);
  }
  return log(y);
}

/** softplus with log1p_nonnegative: full relative accuracy in the left tail (lib/math's softplus rounds softplus(-20) to 0). */
fn softplus_tail(x: f32) -> f32 {
  return max(x, 0.0) + log1p_nonnegative(exp(-abs(x)));
}

/** log sigmoid(x) = -softplus(-x), accurate in both tails. */
fn log_sigmoid(x: f32) -> f32 {
  return min(x, 0.0) - log1p_nonnegative(exp(-abs(x)));
}

/** A Beta / Dirichlet concentration from its raw output: softplus(raw) + min_concentration. */
fn concentration(raw: f32, min_concentration: f32) -> f32 {
  return softplus_tail(raw) + min_concentration;
}

/**
 * digamma for x > 0: psi(x) = psi(x + 1) - 1/x up to x >= 6, then ln x - 1/(2x) - 1/(12x^2) +
 * 1/(120x^4) - 1/(252x^6) (the next term is below 3e-9 there). Arguments below 1e-30 (a caller's
 * bug: concentrations are positive) are taken as 1e-30 so the recurrence always ends.
 */
fn digamma(x0: f32) -> f32 {
  var x = select(x0, 1e-30, x0 < 1e-30);
  var shift = 0.0;
  while (x < 6.0) {
    shift = shift + 1.0 / x;
    x = x + 1.0;
  }
  let r2 = 1.0 / (x * x);
  return log(x) - 0.5 / x - r2 * (1.0 / 12.0 - r2 * (1.0 / 120.0 - r2 / 252.0)) - shift;
}

/** Stirling's correction lgamma(x) - [(x - 1/2) log x - x + log(2 pi)/2] for x >= 8. */
fn stirling_correction(x: f32) -> f32 {
  let r = 1.0 / x;
  let r2 = r * r;
  return r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0));
}

/**
 * log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b) without the cancellation of large lgammas:
 * both >= 8: Stirling differences, log(2 pi)/2 - (a - 1/2) log1p(b/a) - (b - 1/2) log1p(a/b) - log(a + b)/2
 * + corrections... (terms of size a, b rather than a log a); one >= 8: lgamma(small) + lgamma(big) -
 * lgamma(big + small) by the same difference; both small: directly (|lgamma| < 30 there).
 */
fn log_beta(a: f32, b: f32) -> f32 {
  let big = max(a, b);
  let small = min(a, b);
  let s = a + b;
  if (small >= STIRLING_FROM) {
    return HALF_LOG_TWO_PI_LIK - (a - 0.5) * log1p_nonnegative(b / a) - (b - 0.5) * log1p_nonnegative(a / b) - 0.5 * log(s) + stirling_correction(a) +
      stirling_correction(b) - stirling_correction(s);
  }
  if (big >= STIRLING_FROM) {
    // lgamma(big) - lgamma(big + small) = -(big - 1/2) log1p(small/big) - small log(s) + small + corrections.
    return lgamma(small) - (big - 0.5) * log1p_nonnegative(small / big) - small * log(s) + small + stirling_correction(big) - stirling_correction(s);
  }
  return lgamma(a) + lgamma(b) - lgamma(s);
}

// --- Bernoulli: one logit, y in {0, 1}.

fn bernoulli_log_lik(f: f32, y: f32) -> f32 {
  return y * log_sigmoid(f) + (1.0 - y) * log_sigmoid(-f);
}

/** d(-log p)/d f. */
fn bernoulli_nll_grad(f: f32, y: f32) -> f32 {
  return sigmoid(f) - y;
}

/** Entropy of Bernoulli(sigmoid(f)) in nats, both halves from sigmoid(+-f) (1 - p would round to 0). */
fn bernoulli_entropy(f: f32) -> f32 {
  return -sigmoid(f) * log_sigmoid(f) - sigmoid(-f) * log_sigmoid(-f);
}

/** One term -p log p of an entropy for 0 <= p <= 1: 0 at p = 0, log_unit's accuracy near p = 1. */
fn entropy_term(p: f32) -> f32 {
  if (p > 0.0) {
    return -p * log_unit(min(p, 1.0));
  }
  return 0.0;
}

// --- Beta: alpha = concentration(f_d), beta = concentration(f_{D+d}).

/** log Beta(y | a, b) for 0 < y < 1 (the caller keeps y inside: no -inf here). */
fn beta_log_pdf(y: f32, a: f32, b: f32) -> f32 {
  return (a - 1.0) * log_unit(y) + (b - 1.0) * log1m(y) - log_beta(a, b);
}

fn beta_log_lik(raw_alpha: f32, raw_beta: f32, y: f32, min_concentration: f32) -> f32 {
  return beta_log_pdf(y, concentration(raw_alpha, min_concentration), concentration(raw_beta, min_concentration));
}

/** d(-log p)/d (raw_alpha, raw_beta). */
fn beta_nll_grad(raw_alpha: f32, raw_beta: f32, y: f32, min_concentration: f32) -> vec2<f32> {
  let a = concentration(raw_alpha, min_concentration);
  let b = concentration(raw_beta, min_concentration);
  let psi_sum = digamma(a + b);
  return vec2<f32>(-(psi_sum - digamma(a) + log_unit(y)) * sigmoid(raw_alpha), -(psi_sum - digamma(b) + log1m(y)) * sigmoid(raw_beta));
}

/** (mean, variance) of one sample's Beta: a/s and (a/s)(b/s)/(s + 1). */
fn beta_moments(raw_alpha: f32, raw_beta: f32, min_concentration: f32) -> vec2<f32> {
  let a = concentration(raw_alpha, min_concentration);
  let b = concentration(raw_beta, min_concentration);
  let s = a + b;
  return vec2<f32>(a / s, (a / s) * (b / s) / (s + 1.0));
}

// --- Student-t: loc f, scale from the noise model, df > 0.

/** H(x) = lgamma(x + 1/2) - lgamma(x) - log(x)/2: directly below x = 8, else -1/(8x) + 1/(192x^3) - 1/(640x^5) + 17/(14336x^7). */
fn half_step_lgamma(x: f32) -> f32 {
  if (x < STIRLING_FROM) {
    return lgamma(x + 0.5) - lgamma(x) - 0.5 * log(x);
  }
  let t = 1.0 / x;
  let t2 = t * t;
  return t * (-0.125 + t2 * (1.0 / 192.0 + t2 * (-1.0 / 640.0 + t2 * (17.0 / 14336.0))));
}

/** H'(x) = psi(x + 1/2) - psi(x) - 1/(2x): directly below x = 8, else 1/(8x^2) - 1/(64x^4) + 1/(128x^6) - 17/(2048x^8). */
fn half_step_digamma(x: f32) -> f32 {
  if (x < STIRLING_FROM) {
    return digamma(x + 0.5) - digamma(x) - 0.5 / x;
  }
  let t2 = 1.0 / (x * x);
  return t2 * (0.125 + t2 * (-1.0 / 64.0 + t2 * (1.0 / 128.0 + t2 * (-17.0 / 2048.0))));
}

fn student_t_log_pdf(y: f32, loc: f32, scale: f32, df: f32) -> f32 {
  let z = (y - loc) / scale;
  return half_step_lgamma(0.5 * df) - HALF_LOG_TWO_PI_LIK - log(scale) - 0.5 * (df + 1.0) * log1p_square(z / sqrt(df));
}

/** Gradients of -log p in (loc, scale, df, log df); src/math/likelihoods.ts studentTNllGrad has the formulas. */
fn student_t_nll_grad(y: f32, loc: f32, scale: f32, df: f32) -> vec4<f32> {
  let z = (y - loc) / scale;
  let t = z / sqrt(df);
  // w z^2 = (df + 1) t^2 / (1 + t^2), kept finite for huge t.
  let tt = t * t;
  let wzz = select((df + 1.0) * tt / (1.0 + tt), (df + 1.0) / (1.0 / tt + 1.0), tt > 1.0);
  let w_z = (df + 1.0) * (t / (1.0 + tt)) / sqrt(df);
  let d_df = -0.5 * half_step_digamma(0.5 * df) + 0.5 * log1p_square(t) - wzz / (2.0 * df);
  return vec4<f32>(-w_z / scale, (1.0 - wzz) / scale, d_df, df * d_df);
}

/**
 * (mean, variance) of StudentT(df, loc, scale): (loc, scale^2 df/(df - 2)) for df > 2. For df <= 2
 * the variance is infinite (1 < df <= 2) or undefined (df <= 1, where the mean is too: loc is
 * returned as the location): the variance comes back as -1, a value no variance takes (WGSL has no
 * infinity constant), which the caller must test for (src/math/likelihoods.ts studentTMoments).
 */
fn student_t_moments(loc: f32, scale: f32, df: f32) -> vec2<f32> {
  if (df <= 2.0) {
    return vec2<f32>(loc, -1.0);
  }
  return vec2<f32>(loc, scale * scale * (df / (df - 2.0)));
}
