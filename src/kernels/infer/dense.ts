/**
 * The six forms of a dense layer over every (sample, input) of a chunk. All compute
 *   out[s][n][j] = finish_unit(b_j + sum_i W_ji * in[s][n][i])
 * and differ in where W comes from (shaders/infer/dense-*.wgsl say how):
 * - materialized: W read from the `weights` buffer filled by the sample-weights program;
 * - fused: each workgroup (one sample, a tile of inputs) draws W tile by tile into workgroup memory;
 * - tiled: a GPU GEMM's shape, each workgroup one (input tile, unit tile, sample) with 4 x 4
 *   outputs per thread, staging inputs and drawn weights in workgroup memory tile by tile;
 * - subgroups: W read from the same buffer, each weight loaded once per subgroup and shared by
 *   subgroupShuffle (the device's 'subgroups' feature);
 * - registers: each thread draws W row by row into private memory for a tile of inputs;
 * - marginal (local reparameterisation): pre-activations drawn per input from their Gaussian.
 * Layer 0 reads x ([n][i], shared by all samples); later layers the previous activations.
 */
import type { LayerLayout } from '../../model/gpu-layout.js';
import { STREAM_MARGINAL, STREAM_WEIGHTS, layerStream } from '../../random/streams.js';
import { RANDOM, FLAT_INDEX } from '../library.js';
import { WORKGROUP_SIZE, defineProgram, flatGrid, type Program } from '../program.js';
import { u32, type WgslConst, type WgslLibrary } from '../wgsl.js';
import { readF32, readVec4, writeF32, writeVec4 } from '../bindings.js';
import { CHUNK, chunkBinding } from './chunk.js';
import { LAYER, LAYER_INPUT, layerConsts, layerDefines, layerIsRandom, layerParams, type LayerParams } from './layer.js';
import { CHUNK_KEY } from './libraries.js';

/** The extent of one chunk's run of a program. */
export interface ChunkRun {
  readonly sampleCount: number;
  readonly nCount: number;
}

/** Register blocking of the materialised matmul: inputs and 4-unit groups per thread. */
export interface MatmulBlocking {
  readonly inputs: number;
  readonly unitQuads: number;
}

export const DEFAULT_MATMUL_BLOCKING: MatmulBlocking = { inputs: 8, unitQuads: 1 };

const LIBRARIES = [FLAT_INDEX, CHUNK_KEY, RANDOM, LAYER, LAYER_INPUT];

function maskConsts(layer: LayerLayout, masksPerSample: number): Record<string, WgslConst> {
  return { MASK_STRIDE: u32(masksPerSample), MASK_OFFSET: u32(Math.max(layer.maskOffset, 0)) };
}

/** drawn_param and input_mask of shaders/infer/drawn-weights.wgsl. */
const DRAWN_WEIGHTS: WgslLibrary = { file: 'infer/drawn-weights', needs: [LAYER] };

/**
 * What every kernel that draws the layer's weights itself (fused, tiled, registers) compiles in:
 * the layer's constants with its mask offsets and weight stream, its bindings (masks only with
 * dropout on its input) and defines.
 */
function drawingLayerWgsl(layer: LayerLayout, p: LayerParams, masksPerSample: number) {
  const hasMask = layer.maskOffset >= 0;
  return {
    consts: { ...layerConsts(p), ...maskConsts(layer, masksPerSample), STREAM: u32(layerStream(layer.index, STREAM_WEIGHTS)) },
    bindings: [chunkBinding, readF32('params'), ...(hasMask ? [readF32('masks')] : []), readF32('layer_in'), writeF32('layer_out')],
    defines: { ...layerDefines(p), RANDOM: layerIsRandom(p), HAS_MASK: hasMask },
  };
}

/**
 * The unrolled statements of an NI x JQ register block (shaders/infer/dense-materialized.wgsl's
 * #insert points): one vec4 accumulator per (input, unit quad), fed by vec4 loads.
 */
function materializedBlock(NI: number, JQ: number): Record<string, string> {
  const ins = Array.from({ length: NI }, (_, r) => r);
  const quads = Array.from({ length: JQ }, (_, q) => q);
  return {
    INPUT_ROWS: inputRows(NI),
    BLOCK_SETUP: [
      ...quads.map((q) => `    let q${q} = min(jb + ${q}u, OUT4 - 1u);\n    let r${q} = w_base + 4u * q${q} * IN4;\n    let bias${q} = weights[b_base + q${q}];`),
      ...ins.flatMap((r) => quads.map((q) => `    var a${r}_${q} = bias${q};`)),
    ].join('\n'),
    BLOCK_BODY: [
      ...ins.map((r) => `      let h${r} = layer_in[i${r} + i];`),
      ...quads.map((q) => [0, 1, 2, 3].map((k) => `      let w${q}_${k} = weights[r${q} + ${k}u * IN4 + i];`).join('\n')),
      ...ins.flatMap((r) => quads.map((q) => `      a${r}_${q} = a${r}_${q} + vec4<f32>(dot(w${q}_0, h${r}), dot(w${q}_1, h${r}), dot(w${q}_2, h${r}), dot(w${q}_3, h${r}));`)),
    ].join('\n'),
    BLOCK_STORE: ins
      .map(
        (r) => `    if (n0 + ${r}u < chunk.nCount) {
      let out_row = (s * chunk.nCount + n0 + ${r}u) * OUT4;
${quads.map((q) => `      if (jb + ${q}u < OUT4) {\n        layer_out[out_row + jb + ${q}u] = finish4(a${r}_${q}, 4u * (jb + ${q}u));\n      }`).join('\n')}
    }`,
      )
      .join('\n'),
  };
}

/**
 * What the kernels that read materialised weights (materialized, subgroups) compile in: the
 * layer's constants with the vec4 offsets of a sample's weights and the rows' vec4 widths, NI
 * inputs a thread, the bindings and the layer's defines.
 */
function materializedLayerWgsl(layer: LayerLayout, p: LayerParams, weightsPerSample: number, inputsPerThread: number) {
  return {
    consts: {
      ...layerConsts(p),
      SLOT4: u32(weightsPerSample / 4),
      DST4: u32(layer.sampleWeightOffset / 4),
      IN4: u32(layer.inputsPadded / 4),
      OUT4: u32(layer.unitsPadded / 4),
      NI: u32(inputsPerThread),
    },
    bindings: [chunkBinding, readF32('params'), readVec4('weights'), readVec4('layer_in'), writeVec4('layer_out')],
    defines: layerDefines(p),
  };
}

/** The vec4 offsets of a thread's NI input rows (rows past the chunk's last input read the last). */
function inputRows(NI: number): string {
  return Array.from({ length: NI }, (_, r) => `  let i${r} = input_base(s, min(n0 + ${r}u, chunk.nCount - 1u)) / 4u;`).join('\n');
}

/** The statements of shaders/infer/dense-subgroups.wgsl's #insert points: one vec4 accumulator per input, the shuffled w0..w3 applied as the materialised kernel applies its rows. */
function subgroupsBlock(NI: number): Record<string, string> {
  const ins = Array.from({ length: NI }, (_, r) => r);
  return {
    INPUT_ROWS: inputRows(NI),
    BLOCK_SETUP: ins.map((r) => `    var a${r} = bias;`).join('\n'),
    BLOCK_BODY: ins
      .map((r) => `        let h${r} = layer_in[i${r} + i];\n        a${r} = a${r} + vec4<f32>(dot(w0, h${r}), dot(w1, h${r}), dot(w2, h${r}), dot(w3, h${r}));`)
      .join('\n'),
    BLOCK_STORE: ins.map((r) => `    if (n0 + ${r}u < chunk.nCount) {\n      layer_out[(s * chunk.nCount + n0 + ${r}u) * OUT4 + jb] = finish4(a${r}, 4u * jb);\n    }`).join('\n'),
  };
}

/**
 * Inputs per thread of the subgroups kernel for chunks of `inputsPerChunk` inputs: the power of two
 * (1 to 8) that fills a workgroup's threads with a sample's inputs where it can, since every thread
 * of a workgroup runs the whole loop whether or not it has inputs of its own.
 */
export function subgroupsInputsPerThread(inputsPerChunk: number): number {
  let ni = 1;
  while (ni < 8 && ni * 2 * WORKGROUP_SIZE <= inputsPerChunk) ni *= 2;
  return ni;
}

export function denseSubgroupsProgram(layer: LayerLayout, weightsPerSample: number, inputsPerThread: number): Program<ChunkRun> {
  const p = { layer: layerParams(layer), weightsPerSample, sampleWeightOffset: layer.sampleWeightOffset, inputsPerThread };
  return defineProgram({
    family: 'dense_subgroups',
    label: `dense_subgroups_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      ...materializedLayerWgsl(layer, p.layer, weightsPerSample, inputsPerThread),
      enables: ['subgroups'],
      libraries: [CHUNK_KEY, LAYER, LAYER_INPUT],
      body: ['infer/dense-finish4', 'infer/dense-subgroups'],
      inserts: subgroupsBlock(inputsPerThread),
    },
    // One workgroup per (sample, run of WORKGROUP_SIZE threads' inputs), folded like flatGrid's.
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(Math.ceil(run.nCount / inputsPerThread) / WORKGROUP_SIZE) * WORKGROUP_SIZE, max),
  });
}

export function denseMaterializedProgram(layer: LayerLayout, weightsPerSample: number, blocking: MatmulBlocking = DEFAULT_MATMUL_BLOCKING): Program<ChunkRun> {
  const p = { layer: layerParams(layer), weightsPerSample, sampleWeightOffset: layer.sampleWeightOffset, blocking };
  const NI = blocking.inputs;
  const shared = materializedLayerWgsl(layer, p.layer, weightsPerSample, NI);
  return defineProgram({
    family: 'dense_materialized',
    label: `dense_materialized_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      ...shared,
      consts: { ...shared.consts, JQ: u32(blocking.unitQuads) },
      libraries: [FLAT_INDEX, CHUNK_KEY, LAYER, LAYER_INPUT],
      body: ['infer/dense-finish4', 'infer/dense-materialized'],
      inserts: materializedBlock(NI, blocking.unitQuads),
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(run.nCount / NI), max),
  });
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

export function denseFusedProgram(layer: LayerLayout, masksPerSample: number, tiling: FusedTiling): Program<ChunkRun> {
  const p = { layer: layerParams(layer), masksPerSample, maskOffset: layer.maskOffset, tiling };
  const JT = tiling.rowsPerTile;
  const drawing = drawingLayerWgsl(layer, p.layer, masksPerSample);
  return defineProgram({
    family: 'dense_fused',
    label: `dense_fused_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: {
        ...drawing.consts,
        JT: u32(JT),
        N_TILE: u32(tiling.inputsPerWorkgroup),
        TILE_FLOATS: u32(JT * layer.inputs + JT),
      },
      bindings: drawing.bindings,
      libraries: [...LIBRARIES, DRAWN_WEIGHTS],
      body: ['infer/dense-fused'],
      defines: drawing.defines,
    },
    workgroups: (run) => [Math.ceil(run.nCount / tiling.inputsPerWorkgroup), run.sampleCount, 1],
  });
}

/** Inputs, units and reduction steps of one workgroup of the tiled kernel (shaders/infer/dense-tiled.wgsl). */
export const TILED_TILE = { inputs: 32, units: 32, depth: 16 } as const;

export function denseTiledProgram(layer: LayerLayout, masksPerSample: number): Program<ChunkRun> {
  const p = { layer: layerParams(layer), masksPerSample, maskOffset: layer.maskOffset };
  const drawing = drawingLayerWgsl(layer, p.layer, masksPerSample);
  return defineProgram({
    family: 'dense_tiled',
    label: `dense_tiled_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: { ...drawing.consts, TN: u32(TILED_TILE.inputs), TJ: u32(TILED_TILE.units), TK: u32(TILED_TILE.depth) },
      bindings: drawing.bindings,
      libraries: [...LIBRARIES, DRAWN_WEIGHTS],
      body: ['infer/dense-tiled'],
      defines: drawing.defines,
    },
    workgroups: (run) => [Math.ceil(run.nCount / TILED_TILE.inputs), Math.ceil(layer.units / TILED_TILE.units), run.sampleCount],
  });
}

export function denseRegistersProgram(layer: LayerLayout, masksPerSample: number, inputsPerThread: number): Program<ChunkRun> {
  const p = { layer: layerParams(layer), masksPerSample, maskOffset: layer.maskOffset, inputsPerThread };
  const drawing = drawingLayerWgsl(layer, p.layer, masksPerSample);
  return defineProgram({
    family: 'dense_registers',
    label: `dense_registers_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: { ...drawing.consts, TILE: u32(inputsPerThread) },
      bindings: drawing.bindings,
      libraries: LIBRARIES,
      body: ['infer/dense-registers'],
      defines: drawing.defines,
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(run.nCount / inputsPerThread), max),
  });
}

export function denseMarginalProgram(layer: LayerLayout, masksPerSample: number): Program<ChunkRun> {
  const hasMask = layer.maskOffset >= 0;
  const p = { layer: layerParams(layer), masksPerSample, maskOffset: layer.maskOffset };
  return defineProgram({
    family: 'dense_marginal',
    label: `dense_marginal_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: { ...layerConsts(p.layer), ...maskConsts(layer, masksPerSample), STREAM: u32(layerStream(layer.index, STREAM_MARGINAL)) },
      bindings: [chunkBinding, readF32('params'), ...(hasMask ? [readF32('masks')] : []), readF32('layer_in'), writeF32('layer_out')],
      libraries: LIBRARIES,
      body: ['infer/dense-marginal'],
      defines: { ...layerDefines(p.layer), HAS_MASK: hasMask },
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * run.nCount, max),
  });
}
