/** Pieces every inference kernel shares: the chunk uniform and the RNG key. */
import type { KernelBinding } from '../../src/gpu/kernel.js';
import { chunkStructWgsl } from '../lib/chunk.wgsl.js';
import { activationExpression } from '../lib/math.wgsl.js';
import type { LayerLayout } from '../../src/model/gpu-layout.js';
import { f32Literal } from '../../src/kernels/wgsl.js';

export const WORKGROUP_SIZE = 64;

export type TypedBinding = KernelBinding & { readonly type: string };

export const chunkBinding: TypedBinding = { name: 'chunk', kind: 'uniform', type: 'Chunk' };
export const readArray = (name: string): TypedBinding => ({ name, kind: 'read', type: 'array<f32>' });
export const writeArray = (name: string): TypedBinding => ({ name, kind: 'read_write', type: 'array<f32>' });

export const kernelPrelude = `${chunkStructWgsl}
fn seed_key() -> vec2<u32> {
  return vec2<u32>(chunk.seedLo, chunk.seedHi);
}

/** Flat thread index of a grid folded into x and y (the host folds past maxComputeWorkgroupsPerDimension). */
fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
}
`;

/** Entry-point parameters for kernels indexed by flat_index. */
export const flatParams = '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>';

/** Strips the WGSL `type` from bindings for the bind-group layout. */
export function untyped(bindings: readonly TypedBinding[]): KernelBinding[] {
  return bindings.map(({ name, kind }) => ({ name, kind }));
}

/**
 * WGSL declarations shared by the layer kernels: the layer's constants and `finish_unit`, which
 * applies folded batch-norm and the activation to a pre-activation of unit j. Reads `params`.
 */
export function layerCommonWgsl(layer: LayerLayout): string {
  const slope =
    layer.activation === 'prelu'
      ? `params[${layer.preluSlope}u + ${layer.preluCount > 1 ? 'j' : '0u'}]`
      : f32Literal(layer.leakySlope);
  const bn = layer.bnScale >= 0 ? `z = z * params[${layer.bnScale}u + j] + params[${layer.bnShift}u + j];` : '';
  return `
const IN: u32 = ${layer.inputs}u;
const OUT: u32 = ${layer.units}u;
const IN_P: u32 = ${layer.inputsPadded}u;
const OUT_P: u32 = ${layer.unitsPadded}u;
const WEIGHT_COUNT: u32 = ${layer.inputs * layer.units}u;
const PARAM_COUNT: u32 = ${layer.paramCount}u;
const W_LOC: u32 = ${Math.max(layer.weightLoc, 0)}u;
const B_LOC: u32 = ${Math.max(layer.biasLoc, 0)}u;
const W_SCALE: u32 = ${Math.max(layer.weightScale, 0)}u;
const B_SCALE: u32 = ${Math.max(layer.biasScale, 0)}u;

fn finish_unit(pre: f32, j: u32) -> f32 {
  var z = pre;
  ${bn}
  return ${activationExpression(layer.activation, 'z', slope)};
}

/** Posterior scale of parameter element e (0 for a point-valued part). */
fn param_scale(e: u32) -> f32 {
  if (e < WEIGHT_COUNT) {
    return ${layer.weightIsNormal ? 'params[W_SCALE + e]' : '0.0'};
  }
  return ${layer.biasIsNormal ? 'params[B_SCALE + e - WEIGHT_COUNT]' : '0.0'};
}

fn param_loc(e: u32) -> f32 {
  if (e < WEIGHT_COUNT) {
    return params[W_LOC + e];
  }
  return params[B_LOC + e - WEIGHT_COUNT];
}
`;
}

/** Whether any element of the layer is drawn (so the kernel needs the RNG). */
export function layerIsRandom(layer: LayerLayout): boolean {
  return layer.weightIsNormal || layer.biasIsNormal;
}

/** Cache-key fragment: everything about a layer that is compiled into its kernels. */
export function layerKey(layer: LayerLayout): string {
  return [
    layer.index, layer.inputs, layer.units, layer.activation, layer.leakySlope, layer.keepThreshold,
    layer.weightIsNormal, layer.biasIsNormal, layer.weightLoc, layer.weightScale, layer.biasLoc,
    layer.biasScale, layer.preluSlope, layer.preluCount, layer.bnScale, layer.bnShift,
    layer.sampleWeightOffset, layer.maskOffset,
  ].join(',');
}
