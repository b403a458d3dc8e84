/**
 * The 'network' kernel: every dense layer of the model in one dispatch over the materialised
 * weights (shaders/infer/dense-network.wgsl), for networks whose layers are narrow enough that a
 * thread keeps one accumulator per unit. The statements are generated per layer with the layer's
 * offsets as literals, so layers with different activations and widths share one module.
 */
import type { Activation } from '../../math/activations.js';
import type { LayerLayout, ModelLayout } from '../../model/gpu-layout.js';
import { FLAT_INDEX, MATH } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { readF32, readVec4, writeVec4 } from '../bindings.js';
import { CHUNK, chunkBinding } from './chunk.js';
import type { ChunkRun } from './dense.js';
import { layerParams, type LayerParams } from './layer.js';
import { LANES, laneFma, range, rowFeatures } from './lanes-statements.js';

/**
 * Widest layer (units) the network kernel takes: each unit is an accumulator per input quad of its
 * thread, all live across the layer's loop, and the unrolled statements grow with the units.
 */
export const NETWORK_MAX_UNITS = 64;

/** Input quads (4 inputs each) per thread (A N=256 in Node: 1, 2, 3, 4 quads 564, 466, 480, 474 ms; bench/README.md). */
const QUADS = 2;

/** Why the network kernel cannot run this model, or null when it can. */
export function networkRefusal(layout: ModelLayout): string | null {
  const wide = layout.layers.find((l) => l.units > NETWORK_MAX_UNITS);
  return wide ? `layer ${wide.index} has ${wide.units} units, beyond the network kernel's ${NETWORK_MAX_UNITS}` : null;
}

/** An activation of one f32 expression (the twin of lib/activation's activate()). */
function activateScalar(activation: Activation, z: string): string {
  switch (activation) {
    case 'relu':
      return `max(${z}, 0.0)`;
    case 'tanh':
      return `tanh_safe(${z})`;
    case 'sigmoid':
      return `sigmoid(${z})`;
    case 'gelu':
      return `gelu_tanh(${z})`;
    case 'silu':
      return `silu(${z})`;
    case 'leaky_relu':
    case 'prelu':
      return `select(slope * ${z}, ${z}, ${z} > 0.0)`;
    case 'identity':
      return z;
  }
}

/** finish_l<index>(pre, j): batch norm and activation of unit j over 4 inputs (the twin of infer/layer's finish_unit). */
function finishFunction(p: LayerParams): string {
  const lines = [`fn finish_l${p.index}(pre: vec4<f32>, j: u32) -> vec4<f32> {`, '  var z = pre;'];
  if (p.bnScale >= 0) lines.push(`  z = z * params[${p.bnScale}u + j] + params[${p.bnShift}u + j];`);
  if (p.activation === 'prelu') lines.push(`  let slope = params[${p.preluSlope}u${p.preluCount > 1 ? ' + j' : ''}];`);
  if (p.activation === 'leaky_relu') lines.push(`  let slope = f32(${p.leakySlope});`);
  if (p.activation === 'relu') lines.push('  return max(z, vec4<f32>(0.0));');
  else if (p.activation === 'identity') lines.push('  return z;');
  else lines.push(`  return vec4<f32>(${LANES.map((c) => activateScalar(p.activation, `z.${c}`)).join(', ')});`);
  lines.push('}');
  return lines.join('\n');
}

/**
 * One layer: the units' accumulators (a<l>_<j>_<g>: unit j, input quad g) start at the bias and
 * take every input quad's 4 features (f<g>_<k>: feature 4i + k of the quad's 4 inputs); then the
 * finish, into the next layer's private array h<l>_<g> or, for the last layer, v<j>_<g>.
 */
function layerStatements(layer: LayerLayout, last: boolean, quads: number): string {
  const l = layer.index;
  const in4 = layer.inputsPadded / 4;
  const w4 = layer.sampleWeightOffset / 4;
  const b4 = (layer.sampleWeightOffset + layer.unitsPadded * layer.inputsPadded) / 4;
  const units = range(layer.units);
  const groups = range(quads);
  const features = l === 0 ? rowFeatures(quads, '    ') : groups.flatMap((g) => range(4).map((k) => `    let f${g}_${k} = h${l - 1}_${g}[4u * i + ${k}u];`));
  return [
    `  // Layer ${l}: ${layer.inputs} -> ${layer.units}.`,
    ...range(layer.unitsPadded / 4).map((q) => `  let b${l}_${q} = weights[slot + ${b4 + q}u];`),
    ...units.flatMap((j) => groups.map((g) => `  var a${l}_${j}_${g} = vec4<f32>(b${l}_${j >> 2}.${LANES[j & 3]});`)),
    `  for (var i = 0u; i < ${in4}u; i++) {`,
    ...features,
    ...units.flatMap((j) => [`    let w${j} = weights[slot + ${w4 + j * in4}u + i];`, ...groups.map((g) => laneFma(`a${l}_${j}_${g}`, `w${j}`, g, '    '))]),
    '  }',
    ...(last
      ? units.flatMap((j) => groups.map((g) => `  let v${j}_${g} = finish_l${l}(a${l}_${j}_${g}, ${j}u);`))
      : groups.flatMap((g) => [`  var h${l}_${g}: array<vec4<f32>, ${layer.unitsPadded}>;`, ...units.map((j) => `  h${l}_${g}[${j}] = finish_l${l}(a${l}_${j}_${g}, ${j}u);`)])),
  ].join('\n');
}

/** The vec4 offsets of the thread's input rows in x (rows past the chunk's last input read the last). */
function inputRows(quads: number): string {
  return range(4 * quads)
    .map((r) => `  let x${r} = ${r === 0 ? 'n0' : `min(n0 + ${r}u, last)`} * X4;`)
    .join('\n');
}

/** The last layer's outputs: input n0 + 4g + c's row is lane c of every v<j>_<g> (padded units 0). */
function storeStatements(layer: LayerLayout, quads: number): string {
  const unit = (j: number, g: number, c: string) => (j < layer.units ? `v${j}_${g}.${c}` : '0.0');
  return range(quads)
    .flatMap((g) =>
      LANES.map((c, k) => {
        const r = 4 * g + k;
        return `  if (n0 + ${r}u < chunk.nCount) {
    let row = (s * chunk.nCount + n0 + ${r}u) * OUT4_LAST;
${range(layer.unitsPadded / 4)
  .map(
    (q) =>
      `    layer_out[row + ${q}u] = vec4<f32>(${range(4)
        .map((u) => unit(4 * q + u, g, c))
        .join(', ')});`,
  )
  .join('\n')}
  }`;
      }),
    )
    .join('\n');
}

export function denseNetworkProgram(layout: ModelLayout): Program<ChunkRun> {
  const quads = QUADS;
  const refusal = networkRefusal(layout);
  if (refusal) throw new RangeError(`internal: ${refusal}`);
  const layers = layout.layers;
  const first = layers[0];
  const lastLayer = layers[layers.length - 1];
  if (!first || !lastLayer) throw new RangeError('internal: a model without layers');
  const params = {
    layers: layers.map((layer) => ({ ...layerParams(layer), sampleWeightOffset: layer.sampleWeightOffset })),
    weightsPerSample: layout.weightsPerSample,
    quads,
  };
  const inputs = 4 * quads;
  return defineProgram({
    family: 'dense_network',
    label: 'dense_network',
    params,
    uniform: CHUNK,
    wgsl: {
      consts: {
        SLOT4: u32(layout.weightsPerSample / 4),
        X4: u32(first.inputsPadded / 4),
        OUT4_LAST: u32(lastLayer.unitsPadded / 4),
        INPUTS: u32(inputs),
      },
      bindings: [chunkBinding, readF32('params'), readVec4('weights'), readVec4('layer_in'), writeVec4('layer_out')],
      libraries: [FLAT_INDEX, MATH],
      body: ['infer/dense-network'],
      inserts: {
        FINISH: layers.map((layer) => finishFunction(layerParams(layer))).join('\n'),
        INPUT_ROWS: inputRows(quads),
        LAYERS: layers.map((layer) => layerStatements(layer, layer === lastLayer, quads)).join('\n'),
        STORE: storeStatements(lastLayer, quads),
      },
    },
    workgroups: (run, max) => flatGrid(run.sampleCount * Math.ceil(run.nCount / inputs), max),
  });
}
