// Exposes lib/likelihood, lib/likelihood-classes (CLASSES = 3) and lib/observation-draws for checking
// against their float64 twins (test/support/likelihood-probe.ts). probe_mode = [count, key0, key1,
// then one mode per entry]; entry i has 8 f32 inputs at probe_in[8i..] and 8 f32 outputs at
// probe_out[8i..] (sample and element indices travel as exact f32 integers):
//   0 bernoulli  (f, y)                      -> log p, d(-log p)/df, entropy, log_sigmoid(f)
//   1 beta       (f_a, f_b, y, min)          -> log p, grad f_a, grad f_b, mean, variance
//   2 student-t  (y, loc, scale, df)         -> log p, grad loc, scale, df, log df, variance (-1: none)
//   3 categorical(f0, f1, f2, label)         -> log p, grad f0..f2, entropy, p0, p1, p2
//   4 dirichlet  (f0, f1, f2, y0, y1, y2, min) -> log p, grad f0..f2, mean0, variance0, entropy of y
//   5 special    (x, b)                      -> digamma(x), log_beta(x, b), concentration(x, b)
//   6 draws      (sample, element, a, b, p, loc, scale, df) -> log Gamma(a) draw, Bernoulli(p),
//                Beta(a, b), Student-t(df, loc, scale), the observation uniform
//   7 class draws(sample, n, q0, q1, q2)     -> Categorical(q / sum q) class, Dirichlet(q) y0..y2 (elements 3n + k)
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= probe_mode[0]) {
    return;
  }
  let mode = probe_mode[3u + i];
  let key = vec2<u32>(probe_mode[1], probe_mode[2]);
  var a: array<f32, 8>;
  for (var k = 0u; k < 8u; k++) {
    a[k] = probe_in[8u * i + k];
  }
  var o: array<f32, 8>;
  switch mode {
    case 0u: {
      o[0] = bernoulli_log_lik(a[0], a[1]);
      o[1] = bernoulli_nll_grad(a[0], a[1]);
      o[2] = bernoulli_entropy(a[0]);
      o[3] = log_sigmoid(a[0]);
    }
    case 1u: {
      o[0] = beta_log_lik(a[0], a[1], a[2], a[3]);
      let g = beta_nll_grad(a[0], a[1], a[2], a[3]);
      o[1] = g.x;
      o[2] = g.y;
      let m = beta_moments(a[0], a[1], a[3]);
      o[3] = m.x;
      o[4] = m.y;
    }
    case 2u: {
      o[0] = student_t_log_pdf(a[0], a[1], a[2], a[3]);
      let g = student_t_nll_grad(a[0], a[1], a[2], a[3]);
      o[1] = g.x;
      o[2] = g.y;
      o[3] = g.z;
      o[4] = g.w;
      o[5] = student_t_moments(a[1], a[2], a[3]).y;
    }
    case 3u: {
      let f = array<f32, CLASSES>(a[0], a[1], a[2]);
      let label = u32(a[3]);
      o[0] = categorical_log_lik(f, label);
      let g = categorical_nll_grad(f, label);
      o[1] = g[0];
      o[2] = g[1];
      o[3] = g[2];
      o[4] = categorical_entropy(f);
      let p = softmax(f);
      o[5] = p[0];
      o[6] = p[1];
      o[7] = p[2];
    }
    case 4u: {
      let f = array<f32, CLASSES>(a[0], a[1], a[2]);
      let y = array<f32, CLASSES>(a[3], a[4], a[5]);
      o[0] = dirichlet_log_lik(f, y, a[6]);
      let g = dirichlet_nll_grad(f, y, a[6]);
      o[1] = g[0];
      o[2] = g[1];
      o[3] = g[2];
      o[4] = dirichlet_mean(f, a[6])[0];
      o[5] = dirichlet_variance(f, a[6])[0];
      o[6] = probs_entropy(y);
    }
    case 5u: {
      o[0] = digamma(a[0]);
      o[1] = log_beta(a[0], a[1]);
      o[2] = concentration(a[0], a[1]);
    }
    case 6u: {
      let s = u32(a[0]);
      let e = u32(a[1]);
      o[0] = log_gamma_draw_at(s, e, key, a[2]);
      o[1] = bernoulli_draw(s, e, key, a[4]);
      o[2] = beta_draw(s, e, key, a[2], a[3]);
      o[3] = student_t_draw(s, e, key, a[5], a[6], a[7]);
      o[4] = observation_uniform(s, e, key);
    }
    case 7u: {
      let s = u32(a[0]);
      let n = u32(a[1]);
      let q = array<f32, CLASSES>(a[2], a[3], a[4]);
      let total = a[2] + a[3] + a[4];
      let probs = array<f32, CLASSES>(a[2] / total, a[3] / total, a[4] / total);
      o[0] = f32(categorical_draw(observation_uniform(s, n, key), probs));
      var lg: array<f32, CLASSES>;
      for (var k = 0u; k < CLASSES; k++) {
        lg[k] = log_gamma_draw_at(s, CLASSES * n + k, key, q[k]);
      }
      let y = softmax(lg);
      o[1] = y[0];
      o[2] = y[1];
      o[3] = y[2];
    }
    default: {
    }
  }
  for (var k = 0u; k < 8u; k++) {
    probe_out[8u * i + k] = o[k];
  }
}
