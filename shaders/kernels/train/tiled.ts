/**
 * Register-tiled forward and weight-gradient kernels for layers whose weights are shared by every
 * batch slot of a (model, K-sample): 'mc-dropout', 'map', 'ensemble' and 'vi' with the plain
 * reparameterisation estimator. Same maths as forward.ts / backward.ts (types.ts), different work
 * split: a thread owns a rows x units tile of pre-activations (forward) or a units x inputs tile of
 * parameter gradients (bias = input column IN), so each value loaded from memory feeds a row or
 * column of the tile instead of one multiply-add. On SwiftShader every storage load is a per-lane
 * gather and dominates these loops (bench/train.bench.ts measures the split); on a GPU the tile
 * trades occupancy for reuse, so the tile shape is a training option (TrainOptions.tile).
 */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { type TrainLayerLayout } from '../../../src/train/layout.js';
import { f32Literal } from '../../../src/kernels/wgsl.js';
import { activationExpression } from '../../lib/math.wgsl.js';
import {
  type TrainShape,
  f32Array,
  kernel,
  weightAt,
  biasAt,
  inputAt,
  layerBindings,
  layerConstants,
  slopeExpr,
  weightGradBindings,
  parameterGradientWgsl,
  rhoIndexWgsl,
  preluSlopeGradientWgsl,
} from './common.js';

/** Tile of the tiled kernels: forward = rows x units; weight gradient = units x inputs (bias column included). */
export interface TrainTile {
  readonly rows: number;
  readonly units: number;
  readonly inputs: number;
}

/** Whether a layer's forward and weight gradient can run tiled: one weight draw shared by the batch. */
export function tiledEstimator(shape: TrainShape): boolean {
  return shape.layout.method !== 'vi' || shape.estimator === 'reparameterization';
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The tile for one layer: no side larger than what it covers (an output layer of 1 unit gets 1). */
export function layerTile(shape: TrainShape, layer: TrainLayerLayout, tile: TrainTile): TrainTile {
  return { rows: Math.min(tile.rows, shape.batch), units: Math.min(tile.units, layer.units), inputs: Math.min(tile.inputs, layer.inputs + 1) };
}
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

export function tiledForwardThreads(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): number {
  const tile = layerTile(shape, layer, wanted);
  return shape.models * shape.samples * ceilDiv(shape.batch, tile.rows) * ceilDiv(layer.units, tile.units);
}

export function tiledWeightGradThreads(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): number {
  const tile = layerTile(shape, layer, wanted);
  const tiles = ceilDiv(layer.units, tile.units) * ceilDiv(layer.inputs + 1, tile.inputs);
  return shape.models * (tiles + (layer.prelu >= 0 ? layer.units : 0));
}

/** Forward of layer l: a thread computes z and h for TR batch slots x TU units of one (model, K-sample). */
export function trainForwardTiledKernel(shape: TrainShape, layer: TrainLayerLayout, leakySlope: number, wanted: TrainTile): Kernel {
  const tile = layerTile(shape, layer, wanted);
  const R = range(tile.rows);
  const U = range(tile.units);
  const bindings = layerBindings(shape, layer, [f32Array('z', 'read_write'), f32Array('h', 'read_write')]);
  const slope = layer.prelu >= 0 ? slopeExpr(layer) : f32Literal(leakySlope);
  // Out-of-range rows and units load a clamped (valid) index and are not written.
  const body = `
  let t = flat_index(gid, groups);
  if (t >= M * K * ROW_TILES * UNIT_TILES) {
    return;
  }
  let m = t / (K * ROW_TILES * UNIT_TILES);
  let k = (t / (ROW_TILES * UNIT_TILES)) % K;
  let b0 = ((t / UNIT_TILES) % ROW_TILES) * TR;
  let j0 = (t % UNIT_TILES) * TU;
${R.map((r) => `  let row${r} = min(b0 + ${r}u, B - 1u);`).join('\n')}
${U.map((u) => `  let unit${u} = min(j0 + ${u}u, OUT - 1u);`).join('\n')}
${U.map((u) => `  let bias${u} = ${biasAt(shape, layer, `unit${u}`)};`).join('\n')}
${R.flatMap((r) => U.map((u) => `  var acc${r}_${u} = bias${u};`)).join('\n')}
  for (var i = 0u; i < IN; i++) {
${R.map((r) => `    let x${r} = ${inputAt(shape, layer, 'i', `row${r}`)};`).join('\n')}
${U.map((u) => `    let w${u} = ${weightAt(shape, layer, `unit${u}`, 'i')};`).join('\n')}
${R.flatMap((r) => U.map((u) => `    acc${r}_${u} = acc${r}_${u} + w${u} * x${r};`)).join('\n')}
  }
${R.flatMap((r) =>
  U.map(
    (u) => `  if (b0 + ${r}u < B && j0 + ${u}u < OUT && valid[m * B + b0 + ${r}u] != 0.0) {
    let j = j0 + ${u}u;
    let acc = acc${r}_${u};
    let at = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b0 + ${r}u) * OUT + j;
    z[at] = acc;
    h[at] = ${activationExpression(layer.activation, 'acc', slope)};
  }`,
  ),
).join('\n')}
`;
  return kernel(`train_forward_tiled_l${layer.index}`, shape, bindings, body, `${layerConstants(layer)}\n${tileConstants(shape, layer, tile)}`);
}

function tileConstants(shape: TrainShape, layer: TrainLayerLayout, tile: TrainTile): string {
  return `const TR: u32 = ${tile.rows}u;
const TU: u32 = ${tile.units}u;
const TI: u32 = ${tile.inputs}u;
const ROW_TILES: u32 = ${ceilDiv(shape.batch, tile.rows)}u;
const UNIT_TILES: u32 = ${ceilDiv(layer.units, tile.units)}u;
const COL_TILES: u32 = ${ceilDiv(layer.inputs + 1, tile.inputs)}u;`;
}

/**
 * Parameter gradients of layer l: a thread sums dz (x) input over the K-samples and batch slots for
 * TU units x TI inputs (input column IN is the bias), then applies the regulariser per element
 * exactly as trainWeightGradKernel does. PReLU slopes get one thread per unit after the tiles.
 */
export function trainWeightGradTiledKernel(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): Kernel {
  const tile = layerTile(shape, layer, wanted);
  const method = shape.layout.method;
  const W = layer.inputs * layer.units;
  const U = range(tile.units);
  const C = range(tile.inputs);
  const tiles = ceilDiv(layer.units, tile.units) * ceilDiv(layer.inputs + 1, tile.inputs);
  const bindings = weightGradBindings(shape, layer);
  const regulariser =
    method === 'vi'
      ? `
    let rho_at = ${rhoIndexWgsl(layer)};
    let rho = theta[m * P + rho_at];${parameterGradientWgsl(shape, layer)}`
      : parameterGradientWgsl(shape, layer);
  const cells = U.flatMap((u) => C.map((c) => ({ u, c, id: `${u}_${c}` })));
  const prelu =
    layer.prelu >= 0
      ? `
  if (t >= M * TILES) {
    let m = (t - M * TILES) / OUT;
    let j = (t - M * TILES) % OUT;
    ${preluSlopeGradientWgsl(layer)}
    return;
  }`
      : '';
  const body = `
  let t = flat_index(gid, groups);
  if (t >= M * (TILES + ${layer.prelu >= 0 ? 'OUT' : '0u'})) {
    return;
  }${prelu}
  let m = t / TILES;
  let j0 = ((t % TILES) / COL_TILES) * TU;
  let i0 = ((t % TILES) % COL_TILES) * TI;
${U.map((u) => `  let unit${u} = min(j0 + ${u}u, OUT - 1u);`).join('\n')}
${C.map((c) => `  let col${c} = min(i0 + ${c}u, IN - 1u);\n  let is_bias${c} = i0 + ${c}u == IN;`).join('\n')}
${cells.map((x) => `  var g_loc${x.id} = 0.0;${method === 'vi' ? `\n  var g_s${x.id} = 0.0;` : ''}`).join('\n')}
  for (var k = 0u; k < K; k++) {
${cells.map((x) => `    var g${x.id} = 0.0;`).join('\n')}
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        continue;
      }
      let base = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT;
${U.map((u) => `      let d${u} = dz[base + unit${u}];`).join('\n')}
${C.map((c) => `      let x${c} = select(${inputAt(shape, layer, `col${c}`)}, 1.0, is_bias${c});`).join('\n')}
${cells.map((x) => `      g${x.id} = g${x.id} + d${x.u} * x${x.c};`).join('\n')}
    }
${cells.map((x) => `    g_loc${x.id} = g_loc${x.id} + g${x.id};`).join('\n')}
${
  method === 'vi'
    ? cells
        .map(
          (x) =>
            `    g_s${x.id} = g_s${x.id} + g${x.id} * eps[(m * K + k) * PW + ${layer.drawnOffset}u + select(unit${x.u} * IN + col${x.c}, ${W}u + unit${x.u}, is_bias${x.c})];`,
        )
        .join('\n')
    : ''
}
  }
${cells
  .map(
    (x) => `  if (j0 + ${x.u}u < OUT && i0 + ${x.c}u <= IN) {
    let is_weight = !is_bias${x.c};
    let e = select(${W}u + unit${x.u}, unit${x.u} * IN + col${x.c}, is_weight);
    let g_loc = g_loc${x.id};${method === 'vi' ? `\n    let g_s = g_s${x.id};` : ''}
    let loc_at = select(${layer.bias}u + e - ${W}u, ${layer.weight}u + e, is_weight);
    let loc = theta[m * P + loc_at];${regulariser}
  }`,
  )
  .join('\n')}
`;
  return kernel(`train_wgrad_tiled_l${layer.index}`, shape, bindings, body, `${layerConstants(layer)}\n${tileConstants(shape, layer, tile)}\nconst TILES: u32 = ${tiles}u;`);
}

export function tiledDhPrevThreads(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): number {
  const tile = layerTile(shape, layer, wanted);
  return shape.models * shape.samples * ceilDiv(shape.batch, tile.rows) * ceilDiv(layer.inputs, tile.inputs);
}

/** dh of layer l-1 = mask * W^T dz: a thread owns TR batch slots x TI inputs of one (model, K-sample). */
export function trainDhPrevTiledKernel(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): Kernel {
  const tile = layerTile(shape, layer, wanted);
  const R = range(tile.rows);
  const C = range(tile.inputs);
  const bindings = layerBindings(shape, layer, [f32Array('dz', 'read'), f32Array('dh', 'read_write')]).filter((b) => b.name !== 'xb');
  const mask = (r: number, c: number) => (shape.dropout ? ` * masks[MASK_OFFSETS[${layer.index}] + (m * B + b0 + ${r}u) * IN + i0 + ${c}u]` : '');
  const body = `
  let t = flat_index(gid, groups);
  if (t >= M * K * ROW_TILES * IN_TILES) {
    return;
  }
  let m = t / (K * ROW_TILES * IN_TILES);
  let k = (t / (ROW_TILES * IN_TILES)) % K;
  let b0 = ((t / IN_TILES) % ROW_TILES) * TR;
  let i0 = (t % IN_TILES) * TI;
${R.map((r) => `  let row${r} = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + min(b0 + ${r}u, B - 1u)) * OUT;`).join('\n')}
${C.map((c) => `  let col${c} = min(i0 + ${c}u, IN - 1u);`).join('\n')}
${R.flatMap((r) => C.map((c) => `  var acc${r}_${c} = 0.0;`)).join('\n')}
  for (var j = 0u; j < OUT; j++) {
${R.map((r) => `    let d${r} = dz[row${r} + j];`).join('\n')}
${C.map((c) => `    let w${c} = ${weightAt(shape, layer, 'j', `col${c}`)};`).join('\n')}
${R.flatMap((r) => C.map((c) => `    acc${r}_${c} = acc${r}_${c} + d${r} * w${c};`)).join('\n')}
  }
${R.flatMap((r) =>
  C.map(
    (c) => `  if (b0 + ${r}u < B && i0 + ${c}u < IN && valid[m * B + b0 + ${r}u] != 0.0) {
    dh[ACT_OFFSETS[${layer.index - 1}] + ((m * K + k) * B + b0 + ${r}u) * IN + i0 + ${c}u] = acc${r}_${c}${mask(r, c)};
  }`,
  ),
).join('\n')}
`;
  return kernel(
    `train_dhprev_tiled_l${layer.index}`,
    shape,
    bindings,
    body,
    `${layerConstants(layer)}\nconst TR: u32 = ${tile.rows}u;\nconst TI: u32 = ${tile.inputs}u;\nconst ROW_TILES: u32 = ${ceilDiv(shape.batch, tile.rows)}u;\nconst IN_TILES: u32 = ${ceilDiv(layer.inputs, tile.inputs)}u;`,
  );
}
