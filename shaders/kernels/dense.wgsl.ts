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
  flatParams,
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
  return layer.index === 0 ? `(${n}) * IN_P` : `(s * chunk.nCount + ${n}) * IN_P`;
}

/** Register blocking of the materialised matmul: inputs and 4-unit groups per thread. */
export interface MatmulBlocking {
  readonly inputs: number;
  readonly unitQuads: number;
}

export const DEFAULT_MATMUL_BLOCKING: MatmulBlocking = { inputs: 8, unitQuads: 1 };

/**
 * Register-blocked batched matmul over materialised weights: one thread per (sample, block of
 * inputs) computes (inputs x 4*unitQuads) outputs from vec4 loads, reusing every loaded weight
 * across its inputs and every input across its units. (On SwiftShader loads dominate: a scalar dot
 * loop ran at 0.1 GFLOP/s, 4x4 vec4 blocks at 0.4-0.65.)
 */
export function denseMaterializedKernel(layer: LayerLayout, weightsPerSample: number, blocking: MatmulBlocking = DEFAULT_MATMUL_BLOCKING): Kernel {
  const vec = (name: string, kind: 'read' | 'read_write') => ({ name, kind, type: 'array<vec4<f32>>' }) as const;
  const bindings = [chunkBinding, readArray('params'), vec('weights', 'read'), vec('layer_in', 'read'), vec('layer_out', 'read_write')];
  const NI = blocking.inputs;
  const JQ = blocking.unitQuads;
  const ins = Array.from({ length: NI }, (_, r) => r);
  const quads = Array.from({ length: JQ }, (_, q) => q);
  const source = `
${kernelPrelude}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const SLOT4: u32 = ${weightsPerSample / 4}u;
const DST4: u32 = ${layer.sampleWeightOffset / 4}u;
const IN4: u32 = IN_P / 4u;
const OUT4: u32 = OUT_P / 4u;
const NI: u32 = ${NI}u;

fn finish4(acc: vec4<f32>, j: u32) -> vec4<f32> {
  var out = vec4<f32>(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (j + k < OUT) {
      out[k] = finish_unit(acc[k], j + k);
    }
  }
  return out;
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let blocks = (chunk.nCount + NI - 1u) / NI;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let n0 = (t % blocks) * NI;
  if (s >= chunk.sampleCount) {
    return;
  }
  // Rows past the chunk's last input read the last row (valid) and are not written.
${ins.map((r) => `  let i${r} = ${inputBase(layer, `min(n0 + ${r}u, chunk.nCount - 1u)`)} / 4u;`).join('\n')}
  let w_base = s * SLOT4 + DST4;
  let b_base = w_base + OUT_P * IN4;
  for (var jb = 0u; jb < OUT4; jb += ${JQ}u) {
${quads.map((q) => `    let q${q} = min(jb + ${q}u, OUT4 - 1u);\n    let r${q} = w_base + 4u * q${q} * IN4;\n    let bias${q} = weights[b_base + q${q}];`).join('\n')}
${ins.flatMap((r) => quads.map((q) => `    var a${r}_${q} = bias${q};`)).join('\n')}
    for (var i = 0u; i < IN4; i++) {
${ins.map((r) => `      let h${r} = layer_in[i${r} + i];`).join('\n')}
${quads.map((q) => [0, 1, 2, 3].map((k) => `      let w${q}_${k} = weights[r${q} + ${k}u * IN4 + i];`).join('\n')).join('\n')}
${ins.flatMap((r) => quads.map((q) => `      a${r}_${q} = a${r}_${q} + vec4<f32>(dot(w${q}_0, h${r}), dot(w${q}_1, h${r}), dot(w${q}_2, h${r}), dot(w${q}_3, h${r}));`)).join('\n')}
    }
${ins
  .map(
    (r) => `    if (n0 + ${r}u < chunk.nCount) {
      let out_row = (s * chunk.nCount + n0 + ${r}u) * OUT4;
${quads.map((q) => `      if (jb + ${q}u < OUT4) {\n        layer_out[out_row + jb + ${q}u] = finish4(a${r}_${q}, 4u * (jb + ${q}u));\n      }`).join('\n')}
    }`,
  )
  .join('\n')}
  }
}
`;
  return {
    name: `dense_materialized_l${layer.index}`,
    cacheKey: `dense_materialized|${layerKey(layer)}|${weightsPerSample}|${NI}x${JQ}`,
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
    // One thread per input: it reuses its input row across the tile's units (fewer invocations
    // and index divisions than one thread per (input, unit), which SwiftShader pays dearly for).
    for (var q = lid; q < n_tile; q += WG) {
      let n = n0 + q;
      let in_base = ${inputBase(layer, 'n')};
      let out_base = (s * chunk.nCount + n) * OUT_P + j0;
      for (var jj = 0u; jj < rows; jj++) {
        var acc = tile[JT * IN + jj];
        let row = jj * IN;
        for (var i = 0u; i < IN; i++) {
          acc = acc + tile[row + i] * layer_in[in_base + i];
        }
        layer_out[out_base + jj] = finish_unit(acc, j0 + jj);
      }
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

// One thread per (sample, input) computes all units. Element e = (global input) * OUT + unit, so
// draws depend on the global input, not the chunk; a Philox block straddling two inputs is drawn
// by both threads and each keeps its own lanes.
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let t = flat_index(gid, groups);
  let s = t / chunk.nCount;
  let n = t % chunk.nCount;
  if (s >= chunk.sampleCount) {
    return;
  }
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  let in_base = ${inputBase(layer, 'n')};
  let out_base = (s * chunk.nCount + n) * OUT_P;
  let e0 = (chunk.nOffset + n) * OUT;
  var eps = normals4(e0 / 4u, gs, STREAM, key);
  for (var j = 0u; j < OUT; j++) {
    let e = e0 + j;
    if (j > 0u && e % 4u == 0u) {
      eps = normals4(e / 4u, gs, STREAM, key);
    }
    var mu = param_loc(WEIGHT_COUNT + j);
    let bias_scale = param_scale(WEIGHT_COUNT + j);
    var variance = bias_scale * bias_scale;
    for (var i = 0u; i < IN; i++) {
      let h = ${maskedInput};
      mu = mu + param_loc(j * IN + i) * h;
      let sh = param_scale(j * IN + i) * h;
      variance = variance + sh * sh;
    }
    layer_out[out_base + j] = finish_unit(mu + sqrt(variance) * eps[e % 4u], j);
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

/**
 * Fused, weights in registers: one thread per (sample, tile of inputs) draws each weight row into a
 * private array once and applies it to every input of its tile. Nothing touches workgroup memory
 * (slow on CPU rasterisers such as SwiftShader); weights are redrawn once per input tile, so fewer,
 * larger tiles trade parallelism for RNG work.
 */
export function denseRegistersKernel(layer: LayerLayout, masksPerSample: number, inputsPerThread: number): Kernel {
  const hasMask = layer.maskOffset >= 0;
  const random = layerIsRandom(layer);
  const bindings = [chunkBinding, readArray('params'), ...(hasMask ? [readArray('masks')] : []), readArray('layer_in'), writeArray('layer_out')];
  const maskExpr = hasMask ? `masks[s * ${masksPerSample}u + ${layer.maskOffset}u + i]` : '1.0';
  const source = `
${kernelPrelude}
${randomWgsl}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const STREAM: u32 = ${layerStream(layer.index, STREAM_WEIGHTS)}u;
const TILE: u32 = ${inputsPerThread}u;

fn draw(e: u32, eps: vec4<f32>) -> f32 {
  return param_loc(e)${random ? ' + param_scale(e) * eps[e % 4u]' : ''};
}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let tiles = (chunk.nCount + TILE - 1u) / TILE;
  let t = flat_index(gid, groups);
  let s = t / tiles;
  let n0 = (t % tiles) * TILE;
  if (s >= chunk.sampleCount) {
    return;
  }
  let n1 = min(n0 + TILE, chunk.nCount);
  let gs = chunk.sampleOffset + s;
  let key = seed_key();
  var w: array<f32, IN>;
  var eps = vec4<f32>(0.0);
  for (var j = 0u; j < OUT; j++) {
    let row = j * IN;
    for (var i = 0u; i < IN; i++) {
      let e = row + i;
      ${random ? 'if (i == 0u || e % 4u == 0u) { eps = normals4(e / 4u, gs, STREAM, key); }' : ''}
      w[i] = draw(e, eps) * ${maskExpr};
    }
    let eb = WEIGHT_COUNT + j;
    ${random ? 'let bias = draw(eb, normals4(eb / 4u, gs, STREAM, key));' : 'let bias = param_loc(eb);'}
    for (var n = n0; n < n1; n++) {
      let in_base = ${inputBase(layer, 'n')};
      var acc = bias;
      for (var i = 0u; i < IN; i++) {
        acc = acc + w[i] * layer_in[in_base + i];
      }
      layer_out[(s * chunk.nCount + n) * OUT_P + j] = finish_unit(acc, j);
    }
  }
}
`;
  return {
    name: `dense_registers_l${layer.index}`,
    cacheKey: `dense_registers|${layerKey(layer)}|${masksPerSample}|${inputsPerThread}`,
    source,
    bindings: untyped(bindings),
  };
}
