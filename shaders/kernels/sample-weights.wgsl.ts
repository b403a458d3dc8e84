/**
 * Materialised path, step 1: draw one layer's weights and biases for every sample of a chunk into
 * weights[s][layer slot], w = (loc + scale * eps) * mask(input). One thread per Philox block
 * (4 consecutive elements of the layer's flat [W, b] space).
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import type { LayerLayout } from '../../src/kernels/model-layout.js';
import { STREAM_WEIGHTS, layerStream } from '../../src/random/streams.js';
import { mathWgsl } from '../lib/math.wgsl.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import { WORKGROUP_SIZE, chunkBinding, flatParams, kernelPrelude, layerCommonWgsl, layerKey, readArray, untyped, writeArray } from './common.js';

export function sampleWeightsKernel(layer: LayerLayout, weightsPerSample: number, masksPerSample: number): Kernel {
  const hasMask = layer.maskOffset >= 0;
  const bindings = [chunkBinding, readArray('params'), ...(hasMask ? [readArray('masks')] : []), writeArray('weights')];
  const maskExpr = hasMask ? `select(1.0, masks[s * ${masksPerSample}u + ${layer.maskOffset}u + e % IN], e < WEIGHT_COUNT)` : '1.0';
  const source = `
${kernelPrelude}
${randomWgsl}
${mathWgsl}
${bindingDeclarations(bindings)}
${layerCommonWgsl(layer)}
const STREAM: u32 = ${layerStream(layer.index, STREAM_WEIGHTS)}u;
const SLOT: u32 = ${weightsPerSample}u;
const DST: u32 = ${layer.sampleWeightOffset}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let blocks = (PARAM_COUNT + 3u) / 4u;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let block = t % blocks;
  if (s >= chunk.sampleCount) {
    return;
  }
  let eps = normals4(block, chunk.sampleOffset + s, STREAM, seed_key());
  for (var lane = 0u; lane < 4u; lane++) {
    let e = block * 4u + lane;
    if (e < PARAM_COUNT) {
      // Padded layout: W row j at j * IN_P, biases after OUT_P rows.
      let at = select(OUT_P * IN_P + e - WEIGHT_COUNT, (e / IN) * IN_P + e % IN, e < WEIGHT_COUNT);
      weights[s * SLOT + DST + at] = (param_loc(e) + param_scale(e) * eps[lane]) * ${maskExpr};
    }
  }
}
`;
  return {
    name: `sample_weights_l${layer.index}`,
    cacheKey: `sample_weights|${layerKey(layer)}|${weightsPerSample}|${masksPerSample}`,
    source,
    bindings: untyped(bindings),
  };
}
