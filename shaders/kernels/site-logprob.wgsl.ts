/**
 * Log prior of parameter values, one workgroup per latent site: sum over the site's elements of
 * log Normal(v | loc, scale) or log Gamma(v | concentration, rate). Values are read from `params`;
 * `sites` holds 5 words per site: offset, count, kind (0 normal, 1 gamma), then the two prior
 * parameters as f32 bits.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import { mathWgsl } from '../lib/math.wgsl.js';
import { WORKGROUP_SIZE, readArray, untyped, writeArray, type TypedBinding } from './common.js';

export const SITE_WORDS = 5;
export const SITE_KIND_NORMAL = 0;
export const SITE_KIND_GAMMA = 1;

export function siteLogProbKernel(): Kernel {
  const bindings: TypedBinding[] = [readArray('params'), { name: 'sites', kind: 'read', type: 'array<u32>' }, writeArray('site_lp')];
  const source = `
${mathWgsl}
${bindingDeclarations(bindings)}
const WG: u32 = ${WORKGROUP_SIZE}u;
var<workgroup> partial: array<f32, ${WORKGROUP_SIZE}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let m = wid.x * ${SITE_WORDS}u;
  let offset = sites[m];
  let count = sites[m + 1u];
  let kind = sites[m + 2u];
  let p1 = bitcast<f32>(sites[m + 3u]);
  let p2 = bitcast<f32>(sites[m + 4u]);
  var total = 0.0;
  for (var e = lid; e < count; e += WG) {
    let v = params[offset + e];
    total = total + select(normal_log_pdf(v, p1, p2), gamma_log_pdf(v, p1, p2), kind == ${SITE_KIND_GAMMA}u);
  }
  partial[lid] = total;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    site_lp[wid.x] = partial[0];
  }
}
`;
  return { name: 'site_logprob', cacheKey: 'site_logprob', source, bindings: untyped(bindings) };
}
