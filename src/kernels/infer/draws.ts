/**
 * The per-sample draws that precede the layers: dropout masks of a layer's input, a layer's
 * materialised weights (the materialised path), and the observation scale (the noise model).
 */
import type { LayerLayout, NoiseLayout } from '../../model/gpu-layout.js';
import { STREAM_DROPOUT, STREAM_WEIGHTS, layerStream } from '../../random/streams.js';
import { MATH, RANDOM, FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, linearGrid, type Program } from '../program.js';
import { f32, u32 } from '../wgsl.js';
import { readF32, readVec4, writeF32, writeVec4 } from '../bindings.js';
import { CHUNK, chunkBinding } from './chunk.js';
import type { ChunkRun } from './dense.js';
import { LAYER, layerConsts, layerDefines, layerParams } from './layer.js';
import { CHUNK_KEY } from './libraries.js';

export function dropoutMasksProgram(layer: LayerLayout, masksPerSample: number): Program<ChunkRun> {
  const p = { index: layer.index, inputs: layer.inputs, keepThreshold: layer.keepThreshold, dropout: layer.dropout, maskOffset: layer.maskOffset, masksPerSample };
  return defineProgram({
    family: 'dropout_masks',
    label: `dropout_masks_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: {
        UNITS: u32(layer.inputs),
        STREAM: u32(layerStream(layer.index, STREAM_DROPOUT)),
        KEEP_THRESHOLD: u32(layer.keepThreshold),
        KEEP_SCALE: f32(1 / (1 - layer.dropout)),
        MASK_OFFSET: u32(layer.maskOffset),
        MASK_STRIDE: u32(masksPerSample),
      },
      bindings: [chunkBinding, writeF32('masks')],
      libraries: [FLAT_INDEX, CHUNK_KEY, RANDOM],
      body: ['infer/dropout-masks'],
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(layer.inputs / 4), max),
  });
}

/**
 * Samples one thread of sample_weights draws its Philox block for, loading the block's locs and scales
 * once. On a CPU adapter 32 (B's draws on SwiftShader, Node: 1.18 s at one sample and 4 blocks a
 * thread, 0.92 / 0.75 / 0.66 / 0.61 / 0.56 s at 4 / 8 / 16 / 32 / 64 samples; 64 leaves a chunk of 100
 * samples two unequal threads a block, and every sample in one thread took 0.96 s). On a GPU 4, the
 * work a thread had before (no GPU measured): its threads are what keeps the lanes busy.
 */
export function sampleWeightsSamplesPerThread(cpuAdapter: boolean): number {
  return cpuAdapter ? 32 : 4;
}

/**
 * One layer's weights for every sample of a chunk (the materialised path, shaders/infer/sample-weights.wgsl),
 * a thread per (Philox block, samplesPerThread samples). A layer whose inputs are a multiple of 4 (and its
 * weight tensors 4-aligned) takes its vec4 form (VEC4_ROWS: a Philox block's 4 weights are one row's 4
 * consecutive inputs, loaded and stored as vec4s).
 */
export function sampleWeightsProgram(layer: LayerLayout, weightsPerSample: number, masksPerSample: number, samplesPerThread: number): Program<ChunkRun> {
  const hasMask = layer.maskOffset >= 0;
  // The vec4 form reads the weights' locs and scales as vec4s: they must start on 4-float boundaries
  // (gpu-layout.ts places every tensor so; checked here rather than assumed).
  const aligned = [layer.weightLoc, layer.weightScale].every((offset) => offset < 0 || offset % 4 === 0);
  const rowsInVec4s = layer.inputs % 4 === 0 && aligned;
  const p = { layer: layerParams(layer), weightsPerSample, masksPerSample, sampleWeightOffset: layer.sampleWeightOffset, maskOffset: layer.maskOffset, samplesPerThread };
  return defineProgram({
    family: 'sample_weights',
    label: `sample_weights_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: {
        ...layerConsts(p.layer),
        STREAM: u32(layerStream(layer.index, STREAM_WEIGHTS)),
        SLOT: u32(weightsPerSample),
        DST: u32(layer.sampleWeightOffset),
        MASK_STRIDE: u32(masksPerSample),
        MASK_OFFSET: u32(Math.max(layer.maskOffset, 0)),
        SAMPLES_PER_THREAD: u32(samplesPerThread),
      },
      bindings: rowsInVec4s
        ? [chunkBinding, readVec4('params'), ...(hasMask ? [readF32('masks')] : []), writeVec4('weights')]
        : [chunkBinding, readF32('params'), ...(hasMask ? [readF32('masks')] : []), writeF32('weights')],
      // LAYER reads params as f32, so the vec4 kernel has only the layer's constants and defines.
      libraries: rowsInVec4s ? [FLAT_INDEX, CHUNK_KEY, RANDOM] : [FLAT_INDEX, CHUNK_KEY, RANDOM, LAYER],
      body: ['infer/sample-weights'],
      defines: { ...layerDefines(p.layer), HAS_MASK: hasMask, VEC4_ROWS: rowsInVec4s },
    },
    workgroups: (run, max) => flatGrid(Math.ceil(run.sampleCount / samplesPerThread) * Math.ceil((layer.inputs * layer.units + layer.units) / 4), max),
  });
}

export function noiseProgram(noise: NoiseLayout): Program<ChunkRun> {
  const spec = noise.spec;
  if (spec.kind === 'heteroscedastic') throw new Error('internal: heteroscedastic noise has no per-sample program');
  const p = { kind: spec.kind, first: noise.first, second: noise.second, bounds: noise.bounds, link: noise.link };
  return defineProgram({
    family: 'noise',
    label: `noise_${spec.kind}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: { FIRST: u32(Math.max(noise.first, 0)), SECOND: u32(Math.max(noise.second, 0)), BOUNDS: u32(Math.max(noise.bounds, 0)) },
      bindings: [chunkBinding, readF32('params'), writeF32('scales')],
      libraries: [CHUNK_KEY, RANDOM, MATH],
      body: ['infer/noise'],
      defines: {
        NOISE_FIXED: spec.kind === 'fixed',
        NOISE_LOGNORMAL: spec.kind === 'lognormal',
        NOISE_LOGITNORMAL: spec.kind === 'logitnormal',
        LINK_SIGMA2: noise.link === 'sigma2',
      },
    },
    workgroups: (run) => linearGrid(run.sampleCount),
  });
}
