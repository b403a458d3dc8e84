/**
 * Exact quantiles of the posterior predictive: for each (n, d) the predictive of y is the uniform
 * mixture over the S samples of N(f_s, scale_s^2), and its quantile at level p solves
 * (1/S) sum_s Phi((y - f_s) / scale_s) = p. One thread per (n, d) bisects on
 * [min_s(f_s - 10 scale_s), max_s(f_s + 10 scale_s)] (the mixture's CDF is below Phi(-10) ~ 8e-24
 * and above 1 - 8e-24 outside), reading the per-sample f and scale that the moments kernel stored
 * ([S, N, D], f_all / scale_all). The float64 twin is src/math/mixture-quantile.ts.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import { QUANTILE_BISECTION_STEPS, QUANTILE_BRACKET_SCALES } from '../../src/math/mixture-quantile.js';
import { WORKGROUP_SIZE, chunkBinding, kernelPrelude, readArray, untyped, writeArray } from './common.js';

/**
 * Phi(z) = erfc(-z / sqrt 2) / 2 with Numerical Recipes' erfc (Chebyshev fit, fractional error
 * below 1.2e-7 for every argument; WGSL has no erf).
 */
export const normalCdfWgsl = /* wgsl */ `
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
`;

export function quantileKernel(outputDim: number): Kernel {
  const bindings = [chunkBinding, readArray('f_all'), readArray('scale_all'), readArray('levels'), writeArray('quantiles')];
  const source = `
${kernelPrelude}
${bindingDeclarations(bindings)}
${normalCdfWgsl}
const D: u32 = ${outputDim}u;
const STEPS: u32 = ${QUANTILE_BISECTION_STEPS}u;
const BRACKET: f32 = ${QUANTILE_BRACKET_SCALES}.0;

fn mixture_cdf(y: f32, idx: u32, plane: u32) -> f32 {
  var total = 0.0;
  for (var s = 0u; s < chunk.totalSamples; s++) {
    total = total + normal_cdf((y - f_all[s * plane + idx]) / scale_all[s * plane + idx]);
  }
  return total / f32(chunk.totalSamples);
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let plane = chunk.totalInputs * D;
  let idx = gid.x;
  if (idx >= plane) {
    return;
  }
  var lo = 3.4028234663852886e38;
  var hi = -3.4028234663852886e38;
  for (var s = 0u; s < chunk.totalSamples; s++) {
    let f = f_all[s * plane + idx];
    let sc = scale_all[s * plane + idx];
    lo = min(lo, f - BRACKET * sc);
    hi = max(hi, f + BRACKET * sc);
  }
  // chunk.quantileCount, not arrayLength: buffers are padded and reused across calls.
  for (var q = 0u; q < chunk.quantileCount; q++) {
    let level = levels[q];
    var a = lo;
    var b = hi;
    for (var step = 0u; step < STEPS; step++) {
      let mid = 0.5 * (a + b);
      if (mixture_cdf(mid, idx, plane) < level) {
        a = mid;
      } else {
        b = mid;
      }
    }
    quantiles[q * plane + idx] = 0.5 * (a + b);
  }
}
`;
  return { name: 'quantile', cacheKey: `quantile|${outputDim}`, source, bindings: untyped(bindings) };
}
