/**
 * Dropout masks of one layer's input for every sample of a chunk: masks[s][maskOffset + i] =
 * keep ? 1/(1-p) : 0. One Philox block gives the words of 4 consecutive units.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import { STREAM_DROPOUT, layerStream } from '../../src/random/streams.js';
import type { LayerLayout } from '../../src/kernels/model-layout.js';
import { f32Literal } from '../../src/kernels/model-layout.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import { WORKGROUP_SIZE, chunkBinding, flatParams, kernelPrelude, untyped, writeArray } from './common.js';

export function dropoutMasksKernel(layer: LayerLayout, masksPerSample: number): Kernel {
  const bindings = [chunkBinding, writeArray('masks')];
  const source = `
${kernelPrelude}
${randomWgsl}
${bindingDeclarations(bindings)}
const UNITS: u32 = ${layer.inputs}u;
const STREAM: u32 = ${layerStream(layer.index, STREAM_DROPOUT)}u;
const KEEP_THRESHOLD: u32 = ${layer.keepThreshold}u;
const KEEP_SCALE: f32 = ${f32Literal(1 / (1 - layer.dropout))};
const MASK_OFFSET: u32 = ${layer.maskOffset}u;
const MASK_STRIDE: u32 = ${masksPerSample}u;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
  let blocks = (UNITS + 3u) / 4u;
  let t = flat_index(gid, groups);
  let s = t / blocks;
  let block = t % blocks;
  if (s >= chunk.sampleCount) {
    return;
  }
  let w = philox4x32(vec4<u32>(block, chunk.sampleOffset + s, STREAM, 0u), seed_key());
  for (var lane = 0u; lane < 4u; lane++) {
    let i = block * 4u + lane;
    if (i < UNITS) {
      masks[s * MASK_STRIDE + MASK_OFFSET + i] = select(0.0, KEEP_SCALE, (w[lane] >> 8u) < KEEP_THRESHOLD);
    }
  }
}
`;
  return {
    name: `dropout_masks_l${layer.index}`,
    cacheKey: `dropout_masks|${layer.index}|${layer.inputs}|${layer.keepThreshold}|${layer.maskOffset}|${masksPerSample}`,
    source,
    bindings: untyped(bindings),
  };
}
