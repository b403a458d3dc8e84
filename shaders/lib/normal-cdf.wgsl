// Phi(z) = erfc(-z / sqrt 2) / 2 with Numerical Recipes' erfc (a Chebyshev fit, fractional error
// below 1.2e-7 for every argument): WGSL has no erf.
fn erfc_approx(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(-z * z + poly);
  return select(2.0 - r, r, x >= 0.0);
}

fn normal_cdf(z: f32) -> f32 {
  return 0.5 * erfc_approx(-z * 0.7071067811865476);
}
