// The K-class observation models in f32 on arrays of the K raw outputs of one input: the twins of
// src/math/likelihoods.ts (gradients are of -log p). Needs lib/likelihood and the constant CLASSES
// (K). Arrays are passed by value and copied into a var before dynamic indexing.

/**
 * log-softmax, max-subtracted: (f_k - max) - log(1 + sum_{j != argmax} exp(f_j - max)), finite for
 * any finite logits. The 1 of the arg max is kept out of the sum and log1p taken, as WGSL's log is
 * only held to 2^-21 absolute near 1: a confident prediction keeps its small log-probabilities' and
 * entropy's relative accuracy.
 */
fn log_softmax(logits: array<f32, CLASSES>) -> array<f32, CLASSES> {
  var f = logits;
  var top = 0u;
  for (var k = 1u; k < CLASSES; k++) {
    if (f[k] > f[top]) {
      top = k;
    }
  }
  let m = f[top];
  var others = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    others = others + select(exp(f[k] - m), 0.0, k == top);
  }
  let log_sum = log1p_nonnegative(others);
  for (var k = 0u; k < CLASSES; k++) {
    f[k] = (f[k] - m) - log_sum;
  }
  return f;
}

fn softmax(logits: array<f32, CLASSES>) -> array<f32, CLASSES> {
  var p = log_softmax(logits);
  for (var k = 0u; k < CLASSES; k++) {
    p[k] = exp(p[k]);
  }
  return p;
}

/** log Categorical(label | softmax(logits)); label < CLASSES (the caller validated it). */
fn categorical_log_lik(logits: array<f32, CLASSES>, label: u32) -> f32 {
  var lp = log_softmax(logits);
  return lp[min(label, CLASSES - 1u)];
}

/** d(-log p)/d f_k = softmax_k - [k = label]. */
fn categorical_nll_grad(logits: array<f32, CLASSES>, label: u32) -> array<f32, CLASSES> {
  var g = softmax(logits);
  for (var k = 0u; k < CLASSES; k++) {
    g[k] = g[k] - select(0.0, 1.0, k == label);
  }
  return g;
}

/** Entropy of softmax(logits) from the logits: sum p_k (-log p_k) with every log p_k finite. */
fn categorical_entropy(logits: array<f32, CLASSES>) -> f32 {
  var lp = log_softmax(logits);
  var h = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    h = h - exp(lp[k]) * lp[k];
  }
  return h;
}

/** Entropy -sum p log p of a probability vector (0 log 0 = 0). */
fn probs_entropy(p: array<f32, CLASSES>) -> f32 {
  var q = p;
  var h = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    h = h + entropy_term(q[k]);
  }
  return h;
}

fn concentrations(raw: array<f32, CLASSES>, min_concentration: f32) -> array<f32, CLASSES> {
  var a = raw;
  for (var k = 0u; k < CLASSES; k++) {
    a[k] = concentration(a[k], min_concentration);
  }
  return a;
}

/**
 * log Dirichlet(y | alpha(raw)) for y inside the simplex's interior. The normaliser log B(alpha) =
 * sum_k log B(alpha_k, alpha_{k+1} + ... + alpha_{K-1}) (a chain of Beta functions), each by
 * log_beta, so large concentrations do not cancel lgamma values of size alpha log alpha.
 */
fn dirichlet_log_lik(raw: array<f32, CLASSES>, y: array<f32, CLASSES>, min_concentration: f32) -> f32 {
  var a = concentrations(raw, min_concentration);
  var yy = y;
  var rest = a[CLASSES - 1u];
  var log_norm = 0.0;
  for (var i = 1u; i < CLASSES; i++) {
    let k = CLASSES - 1u - i;
    log_norm = log_norm + log_beta(a[k], rest);
    rest = rest + a[k];
  }
  var s = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    s = s + (a[k] - 1.0) * log_unit(yy[k]);
  }
  return s - log_norm;
}

/** d(-log p)/d f_k = -(psi(alpha_0) - psi(alpha_k) + log y_k) sigmoid(f_k). */
fn dirichlet_nll_grad(raw: array<f32, CLASSES>, y: array<f32, CLASSES>, min_concentration: f32) -> array<f32, CLASSES> {
  var f = raw;
  var yy = y;
  var a = concentrations(raw, min_concentration);
  var total = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    total = total + a[k];
  }
  let psi_total = digamma(total);
  var g = a;
  for (var k = 0u; k < CLASSES; k++) {
    g[k] = -(psi_total - digamma(a[k]) + log_unit(yy[k])) * sigmoid(f[k]);
  }
  return g;
}

/** Per component mean alpha_k / alpha_0 (the variances: dirichlet_variance). */
fn dirichlet_mean(raw: array<f32, CLASSES>, min_concentration: f32) -> array<f32, CLASSES> {
  var a = concentrations(raw, min_concentration);
  var total = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    total = total + a[k];
  }
  for (var k = 0u; k < CLASSES; k++) {
    a[k] = a[k] / total;
  }
  return a;
}

/** Per component variance (alpha_k/alpha_0)(others/alpha_0)/(alpha_0 + 1), others summed directly (no cancelling difference). */
fn dirichlet_variance(raw: array<f32, CLASSES>, min_concentration: f32) -> array<f32, CLASSES> {
  var a = concentrations(raw, min_concentration);
  var total = 0.0;
  for (var k = 0u; k < CLASSES; k++) {
    total = total + a[k];
  }
  var v = a;
  for (var k = 0u; k < CLASSES; k++) {
    var others = 0.0;
    for (var j = 0u; j < CLASSES; j++) {
      others = others + select(a[j], 0.0, j == k);
    }
    v[k] = (a[k] / total) * (others / total) / (total + 1.0);
  }
  return v;
}

/**
 * y ~ Categorical(probs) by the inverse CDF at the uniform u (observation_uniform of lib/observation-draws
 * at element n): the first k with u < p_0 + .. + p_k, else the last class with p > 0.
 */
fn categorical_draw(u: f32, probs: array<f32, CLASSES>) -> u32 {
  var p = probs;
  var cumulative = 0.0;
  var last = 0u;
  for (var k = 0u; k < CLASSES; k++) {
    if (p[k] > 0.0) {
      last = k;
    }
    cumulative = cumulative + p[k];
    if (u < cumulative) {
      return k;
    }
  }
  return last;
}
