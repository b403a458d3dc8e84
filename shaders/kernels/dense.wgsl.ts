/**
 * The three forms of a dense layer over every (sample, input) of a chunk. All compute
 *   out[s][n][j] = finish_unit(b_j + sum_i W_ji * in[s][n][i])
 * and differ in where W comes from:
 * - materialized: W read from the `weights` buffer filled by sample_weights;
 * - fused: each workgroup (one sample, a tile of inputs) draws W tile by tile into workgroup memory
 *   and never writes it to global memory;
 * - marginal (local reparameterisation): pre-activations drawn per input from
 *   N(sum_i loc_ji h_i + loc_bj, sum_i scale_ji^2 h_i^2 + scale_bj^2).
 * Layer 0 reads x ([n][i], shared by all samples); later layers read the previous activations.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import type { LayerLayout } from '../../src/kernels/model-layout.js';
import { STREAM_MARGINAL, STREAM_WEIGHTS, layerStream } from '../../src/random/streams.js';
import { mathWgsl } from '../lib/math.wgsl.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import {
  WORKGROUP_SIZE,
  chunkBinding,
  kernelPrelude,
  layerCommonWgsl,
  layerIsRandom,
  layerKey,
  readArray,
  untyped,
  writeArray,
} from './common.js';

/** Index of the first input element of (s, n) in the layer's input buffer. */
function inputBase(layer: LayerLayout, n: string): string {
  return layer.index === 0 ? `(${n}) * IN` : `(s * chunk.nCount + ${n}) * IN`;
}

export function denseMaterializedKernel(layer: LayerLayout, weightsPerSample: number): Kernel {
  const bindings = [chunkBinding, readArray('params'), readArray('weights'), readArray('layer_in'), writeArray('layer_out')];
  const source = `
${kernelPrelude}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const SLOT: u32 = ${weightsPerSample}u;
const DST: u32 = ${layer.sampleWeightOffset}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  let s = gid.y;
  if (s >= chunk.sampleCount || idx >= chunk.nCount * OUT) {
    return;
  }
  let n = idx / OUT;
  let j = idx % OUT;
  let base = s * SLOT + DST;
  let row = base + j * IN;
  let in_base = ${inputBase(layer, 'n')};
  var acc = weights[base + WEIGHT_COUNT + j];
  for (var i = 0u; i < IN; i++) {
    acc = acc + weights[row + i] * layer_in[in_base + i];
  }
  layer_out[(s * chunk.nCount + n) * OUT + j] = finish_unit(acc, j);
}
`;
  return {
    name: `dense_materialized_l${layer.index}`,
    cacheKey: `dense_materialized|${layerKey(layer)}|${weightsPerSample}`,
    source,
    bindings: untyped(bindings),
  };
}

export interface FusedTiling {
  /** Weight rows (output units) held in workgroup memory at once. */
  readonly rowsPerTile: number;
  /** Inputs handled by one workgroup. */
  readonly inputsPerWorkgroup: number;
}

/** Rows per tile that fit `maxFloats` of workgroup memory, or 0 if not even one row fits. */
export function fusedRowsPerTile(layer: LayerLayout, maxFloats: number): number {
  return Math.min(layer.units, Math.floor(maxFloats / (layer.inputs + 1)));
}

export function denseFusedKernel(layer: LayerLayout, masksPerSample: number, tiling: FusedTiling): Kernel {
  const hasMask = layer.maskOffset >= 0;
  const random = layerIsRandom(layer);
  const bindings = [chunkBinding, readArray('params'), ...(hasMask ? [readArray('masks')] : []), readArray('layer_in'), writeArray('layer_out')];
  const JT = tiling.rowsPerTile;
  const maskExpr = hasMask ? `masks[s * ${masksPerSample}u + ${layer.maskOffset}u + e % IN]` : '1.0';
  const draw = (target: string, scaleByMask: boolean) =>
    random
      ? `let eps = normals4(b, gs, STREAM, key);
      for (var lane = 0u; lane < 4u; lane++) {
        let e = b * 4u + lane;
        if (e >= lo && e < hi) {
          ${target} = (param_loc(e) + param_scale(e) * eps[lane])${scaleByMask ? ` * ${maskExpr}` : ''};
        }
      }`
      : `for (var lane = 0u; lane < 4u; lane++) {
        let e = b * 4u + lane;
        if (e >= lo && e < hi) {
          ${target} = param_loc(e)${scaleByMask ? ` * ${maskExpr}` : ''};
        }
      }`;
  const source = `
${kernelPrelude}
${randomWgsl}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const STREAM: u32 = ${layerStream(layer.index, STREAM_WEIGHTS)}u;
const JT: u32 = ${JT}u;
const N_TILE: u32 = ${tiling.inputsPerWorkgroup}u;
const WG: u32 = ${WORKGROUP_SIZE}u;
var<workgroup> tile: array<f32, ${JT * layer.inputs + JT}>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let s = wid.y;
  let n0 = wid.x * N_TILE;
  if (s >= chunk.sampleCount || n0 >= chunk.nCount) {
    return;
  }
  let n_tile = min(N_TILE, chunk.nCount - n0);
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  for (var j0 = 0u; j0 < OUT; j0 += JT) {
    let rows = min(JT, OUT - j0);
    {
      let lo = j0 * IN;
      let hi = lo + rows * IN;
      for (var b = lo / 4u + lid; b * 4u < hi; b += WG) {
        ${draw('tile[e - lo]', true)}
      }
    }
    {
      let lo = WEIGHT_COUNT + j0;
      let hi = lo + rows;
      for (var b = lo / 4u + lid; b * 4u < hi; b += WG) {
        ${draw('tile[JT * IN + e - lo]', false)}
      }
    }
    workgroupBarrier();
    for (var p = lid; p < n_tile * rows; p += WG) {
      let n = n0 + p / rows;
      let jj = p % rows;
      let in_base = ${inputBase(layer, 'n')};
      var acc = tile[JT * IN + jj];
      let row = jj * IN;
      for (var i = 0u; i < IN; i++) {
        acc = acc + tile[row + i] * layer_in[in_base + i];
      }
      layer_out[(s * chunk.nCount + n) * OUT + j0 + jj] = finish_unit(acc, j0 + jj);
    }
    workgroupBarrier();
  }
}
`;
  return {
    name: `dense_fused_l${layer.index}`,
    cacheKey: `dense_fused|${layerKey(layer)}|${masksPerSample}|${JT}|${tiling.inputsPerWorkgroup}`,
    source,
    bindings: untyped(bindings),
  };
}

export function denseMarginalKernel(layer: LayerLayout, masksPerSample: number): Kernel {
  const hasMask = layer.maskOffset >= 0;
  const bindings = [chunkBinding, readArray('params'), ...(hasMask ? [readArray('masks')] : []), readArray('layer_in'), writeArray('layer_out')];
  const maskedInput = hasMask
    ? `layer_in[in_base + i] * masks[s * ${masksPerSample}u + ${layer.maskOffset}u + i]`
    : 'layer_in[in_base + i]';
  const source = `
${kernelPrelude}
${randomWgsl}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const STREAM: u32 = ${layerStream(layer.index, STREAM_MARGINAL)}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = gid.y;
  // Element e = (global input) * OUT + unit: draws depend on the global input, not the chunk.
  let e_first = chunk.nOffset * OUT;
  let e_end = (chunk.nOffset + chunk.nCount) * OUT;
  let b = e_first / 4u + gid.x;
  if (s >= chunk.sampleCount || b * 4u >= e_end) {
    return;
  }
  let eps = normals4(b, chunk.sampleOffset + s, STREAM, seed_key());
  for (var lane = 0u; lane < 4u; lane++) {
    let e = b * 4u + lane;
    if (e < e_first || e >= e_end) {
      continue;
    }
    let n = e / OUT - chunk.nOffset;
    let j = e % OUT;
    let in_base = ${inputBase(layer, 'n')};
    var mu = param_loc(WEIGHT_COUNT + j);
    let bias_scale = param_scale(WEIGHT_COUNT + j);
    var variance = bias_scale * bias_scale;
    for (var i = 0u; i < IN; i++) {
      let h = ${maskedInput};
      mu = mu + param_loc(j * IN + i) * h;
      let sh = param_scale(j * IN + i) * h;
      variance = variance + sh * sh;
    }
    layer_out[(s * chunk.nCount + n) * OUT + j] = finish_unit(mu + sqrt(variance) * eps[lane], j);
  }
}
`;
  return {
    name: `dense_marginal_l${layer.index}`,
    cacheKey: `dense_marginal|${layerKey(layer)}|${masksPerSample}`,
    source,
    bindings: untyped(bindings),
  };
}
