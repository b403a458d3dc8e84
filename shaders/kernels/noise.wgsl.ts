/**
 * The observation scale of every sample of a chunk (before output de-standardisation):
 * sigma from the fixed value, a LogNormal, LogitNormal or Gamma posterior, then the link (sigma or
 * sigma^2). LogitNormal is AutoNormal's guide for an interval (low, high): sigma = low + (high - low)
 * * sigmoid(u), u = loc + scale z, z the same normal a LogNormal sigma uses.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import type { NoiseLayout } from '../../src/kernels/model-layout.js';
import { mathWgsl } from '../lib/math.wgsl.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import { WORKGROUP_SIZE, chunkBinding, kernelPrelude, readArray, untyped, writeArray } from './common.js';

export function noiseKernel(noise: NoiseLayout): Kernel {
  const spec = noise.spec;
  if (spec.kind === 'heteroscedastic') throw new Error('heteroscedastic noise has no per-sample kernel');
  const bindings = [chunkBinding, readArray('params'), writeArray('scales')];
  let sigma: string;
  if (spec.kind === 'fixed') sigma = `params[${noise.first}u]`;
  else if (spec.kind === 'lognormal') sigma = `exp(params[${noise.first}u] + params[${noise.second}u] * noise_normal(gs, seed_key()))`;
  else if (spec.kind === 'logitnormal') {
    const [low, high] = [`params[${noise.bounds}u]`, `params[${noise.bounds + 1}u]`];
    sigma = `${low} + (${high} - ${low}) * sigmoid(params[${noise.first}u] + params[${noise.second}u] * noise_normal(gs, seed_key()))`;
  } else sigma = `gamma_draw(gs, seed_key(), params[${noise.first}u]) / params[${noise.second}u]`;
  const source = `
${kernelPrelude}
${randomWgsl}
${spec.kind === 'logitnormal' ? mathWgsl : ''}
${bindingDeclarations(bindings)}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.x;
  if (s >= chunk.sampleCount) {
    return;
  }
  let gs = chunk.sampleOffset + s;
  let sigma = ${sigma};
  scales[s] = ${noise.link === 'sigma2' ? 'sigma * sigma' : 'sigma'};
}
`;
  return {
    name: `noise_${spec.kind}`,
    cacheKey: `noise|${spec.kind}|${noise.first}|${noise.second}|${noise.bounds}|${noise.link}`,
    source,
    bindings: untyped(bindings),
  };
}
