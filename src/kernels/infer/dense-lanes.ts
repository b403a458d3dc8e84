/**
 * The 'lanes' kernel: one dense layer over the materialised weights with the inputs in vec4 lanes
 * (the network kernel's form, src/kernels/infer/dense-network.ts, for one layer of any width):
 * one thread per (sample, run of 8 inputs, block of UNITS units), so each vec4 weight load feeds 8
 * vec4 multiply-adds where the dot-product matmul (dense-materialized.wgsl) gets 2.
 */
import type { LayerLayout } from '../../model/gpu-layout.js';
import { FLAT_INDEX } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { readF32, readVec4, writeVec4 } from '../bindings.js';
import { CHUNK, chunkBinding } from './chunk.js';
import type { ChunkRun } from './dense.js';
import { CHUNK_KEY } from './libraries.js';
import { LAYER, LAYER_INPUT, layerConsts, layerDefines, layerParams } from './layer.js';
import { LANES, laneFma, range, rowFeatures } from './lanes-statements.js';

/** Input quads per thread (8 inputs, as the network kernel). */
const QUADS = 2;
const INPUTS = 4 * QUADS;

/** Units per thread unless the layer is narrower, a multiple of 4 (B in Node: 8, 16, 32 units 2677, 2212, 2182 ms; 32 compiles twice as long). */
export const LANES_UNITS_PER_THREAD = 16;

function statements(units: number): Record<string, string> {
  const inputs = range(INPUTS);
  const groups = range(QUADS);
  const js = range(units);
  return {
    INPUT_ROWS: inputs.map((r) => `  let x${r} = input_base(s, min(n0 + ${r}u, last)) / 4u;`).join('\n'),
    BLOCK: [
      ...range(units / 4).map((q) => `  let b${q} = weights[b_base + min(q0 + ${q}u, OUT4 - 1u)];`),
      ...js.map((j) => `  let row${j} = w_base + min(q0 * 4u + ${j}u, OUT_P - 1u) * IN4;`),
      ...js.flatMap((j) => groups.map((g) => `  var a${j}_${g} = vec4<f32>(b${j >> 2}.${LANES[j & 3]});`)),
      '  for (var i = 0u; i < IN4; i++) {',
      ...rowFeatures(QUADS, '    '),
      ...js.flatMap((j) => [`    let w${j} = weights[row${j} + i];`, ...groups.map((g) => laneFma(`a${j}_${g}`, `w${j}`, g, '    '))]),
      '  }',
    ].join('\n'),
    STORE: inputs
      .map((r) => {
        const g = Math.floor(r / 4);
        const c = LANES[r % 4] as string;
        return `  if (n0 + ${r}u < chunk.nCount) {
    let out_row = (s * chunk.nCount + n0 + ${r}u) * OUT4;
${range(units / 4)
  .map(
    (q) =>
      `    if (q0 + ${q}u < OUT4) {\n      layer_out[out_row + q0 + ${q}u] = finish4(vec4<f32>(${range(4)
        .map((u) => `a${4 * q + u}_${g}.${c}`)
        .join(', ')}), 4u * (q0 + ${q}u));\n    }`,
  )
  .join('\n')}
  }`;
      })
      .join('\n'),
  };
}

export function denseLanesProgram(layer: LayerLayout, weightsPerSample: number): Program<ChunkRun> {
  const units = Math.min(LANES_UNITS_PER_THREAD, layer.unitsPadded);
  const p = { layer: layerParams(layer), weightsPerSample, sampleWeightOffset: layer.sampleWeightOffset, units };
  const blocks = Math.ceil(layer.unitsPadded / units);
  return defineProgram({
    family: 'dense_lanes',
    label: `dense_lanes_l${layer.index}`,
    params: p,
    uniform: CHUNK,
    wgsl: {
      consts: {
        ...layerConsts(p.layer),
        SLOT4: u32(weightsPerSample / 4),
        DST4: u32(layer.sampleWeightOffset / 4),
        IN4: u32(layer.inputsPadded / 4),
        OUT4: u32(layer.unitsPadded / 4),
        INPUTS: u32(INPUTS),
        UNIT_QUADS: u32(units / 4),
        BLOCKS: u32(blocks),
      },
      bindings: [chunkBinding, readF32('params'), readVec4('weights'), readVec4('layer_in'), writeVec4('layer_out')],
      libraries: [FLAT_INDEX, CHUNK_KEY, LAYER, LAYER_INPUT],
      body: ['infer/dense-finish4', 'infer/dense-lanes'],
      defines: layerDefines(p.layer),
      inserts: statements(units),
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(run.nCount / INPUTS) * blocks, max),
  });
}
