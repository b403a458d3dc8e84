// Draws of the observations y for the non-Normal likelihoods from their parameters, in f32: the twin
// of src/random/observation-draws.ts, which lists the stream, element and words of each kind.
// Gamma(a, 1) draws are Marsaglia-Tsang in log space, attempt k on block (k, sample,
// STREAM_OBSERVATION_GAMMA, element). Dirichlet: y = softmax of log_gamma_draw_at over elements
// n K + k (lib/likelihood-classes softmax); categorical: categorical_draw(observation_uniform(s, n),
// probs) in lib/likelihood-classes. Needs lib/random, lib/math and the constants STREAM_OBSERVATION,
// STREAM_OBSERVATION_GAMMA (and GAMMA_MAX_ATTEMPTS from lib/random).

/**
 * log(1 + s) - s for s > -1: its series through s^12 below |s| = 1/8 (relative error < 2e-11),
 * where the difference cancels and WGSL's log is only held to 2^-21 absolute.
 */
fn log1p_minus_x(s: f32) -> f32 {
  if (abs(s) < 0.125) {
    return s * s * (-0.5 + s * (1.0 / 3.0 + s * (-0.25 + s * (0.2 + s * (-1.0 / 6.0 + s * (1.0 / 7.0 + s * (-0.125 + s * (1.0 / 9.0 + s * (-0.1 + s * (1.0 / 11.0 + s * (-1.0 / 12.0)))))))))));
  }
  return log(1.0 + s) - s;
}

/** log of a Gamma(concentration, 1) draw of (sample, element); log d when every attempt is rejected. */
fn log_gamma_draw_at(sample_index: u32, element: u32, key: vec2<u32>, concentration: f32) -> f32 {
  let boost = concentration < 1.0;
  let a = select(concentration, concentration + 1.0, boost);
  let d = a - 1.0 / 3.0;
  let c = 1.0 / sqrt(9.0 * d);
  for (var k = 0u; k < GAMMA_MAX_ATTEMPTS; k++) {
    let w = philox4x32(vec4<u32>(k, sample_index, STREAM_OBSERVATION_GAMMA, element), key);
    let x = box_muller(w.x, w.y).x;
    let s = c * x;
    if (s <= -1.0) {
      continue;
    }
    let u = uniform_open_closed(w.z);
    let lm = log1p_minus_x(s);
    if (log(u) < 0.5 * x * x + d * (-s * s * (3.0 + s) + 3.0 * lm)) {
      let log_g = log(d) + 3.0 * (s + lm);
      if (boost) {
        return log_g + log(uniform_open_closed(w.w)) / concentration;
      }
      return log_g;
    }
  }
  return log(d);
}

/** The uniform in [0, 1) of (sample, element): word `element` of the observation stream. */
fn observation_uniform(sample_index: u32, element: u32, key: vec2<u32>) -> f32 {
  let w = philox4x32(vec4<u32>(element / 4u, sample_index, STREAM_OBSERVATION, 0u), key);
  return uniform_closed_open(w[element % 4u]);
}

/** y ~ Bernoulli(p): 1 iff u < p. */
fn bernoulli_draw(sample_index: u32, element: u32, key: vec2<u32>, p: f32) -> f32 {
  return select(0.0, 1.0, observation_uniform(sample_index, element, key) < p);
}

/** y ~ Beta(alpha, beta) = sigmoid(log G1 - log G2), G1 at element 2e, G2 at 2e + 1. */
fn beta_draw(sample_index: u32, element: u32, key: vec2<u32>, alpha: f32, beta: f32) -> f32 {
  let g1 = log_gamma_draw_at(sample_index, 2u * element, key, alpha);
  let g2 = log_gamma_draw_at(sample_index, 2u * element + 1u, key, beta);
  return sigmoid(g1 - g2);
}

/** y ~ StudentT(df, loc, scale) = loc + scale Z exp((log(df/2) - log G)/2), Z the Normal's eps of the element, G ~ Gamma(df/2). */
fn student_t_draw(sample_index: u32, element: u32, key: vec2<u32>, loc: f32, scale: f32, df: f32) -> f32 {
  let z = normals4(element / 4u, sample_index, STREAM_OBSERVATION, key)[element % 4u];
  let log_g = log_gamma_draw_at(sample_index, element, key, 0.5 * df);
  return loc + scale * z * exp(0.5 * (log(0.5 * df) - log_g));
}
