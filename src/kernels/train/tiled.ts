/**
 * Register-tiled forward, dh and weight-gradient programs for layers whose weights every batch slot
 * of a (model, K-sample) shares: 'mc-dropout', 'map', 'ensemble' and 'vi' with the plain
 * reparameterisation estimator. Same maths as forward.ts / backward.ts, another work split: a
 * thread owns a rows x units tile of pre-activations (forward), a rows x inputs tile of dh, or a
 * units x inputs tile of parameter gradients (bias = input column IN), so each value loaded from
 * memory feeds a row or column of the tile instead of one multiply-add. On SwiftShader every
 * storage load is a per-lane gather and dominates these loops (bench/train.bench.ts measures the
 * split); on a GPU the tile trades occupancy for reuse, so the tile shape is a training option
 * (TrainOptions.tile). The tile's unrolled statements are written here for the .wgsl files'
 * #insert points (WGSL has no loops over registers).
 */
import type { TrainLayerLayout } from '../../objective/layout.js';
import type { TrainShape } from '../../objective/shape.js';
import { writeF32 } from '../bindings.js';
import { FLAT_INDEX } from '../library.js';
import type { Inserts } from '../preprocess.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { weightGradBindings, weightGradLibraries } from './backward.js';
import {
  INPUTS,
  PREV_GRAD,
  SLOPE,
  WEIGHTS,
  layerInputBindings,
  needsPreActivation,
  prevLayerGrad,
  trainLayerConsts,
  trainLayerDefines,
  trainLayerParams,
  type TrainLayerParams,
} from './layer.js';
import { MODEL_CONSTANTS } from './step.js';

/** Tile of the tiled programs: forward = rows x units; dh = rows x inputs; weight gradient = units x inputs (bias column included). */
export interface TrainTile {
  readonly rows: number;
  readonly units: number;
  readonly inputs: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
const lines = (items: readonly string[]) => items.join('\n');

/** Whether a layer's forward and gradients can run tiled: one weight draw (or θ) shared by the batch. */
export function tiledEstimator(shape: TrainShape): boolean {
  return shape.layout.method !== 'vi' || shape.estimator === 'reparameterization';
}

/**
 * The tile for one layer: no side larger than what it covers (an output layer of 1 unit gets 1),
 * and each side the smallest that keeps its number of tiles, so the last tile wastes as little as
 * can be (13 inputs and a bias in tiles of 8: two of 7, not 8 and 6 with two clamped repeats).
 * Each sum runs in the same order whatever the tile, so θ does not change by a bit.
 */
export function layerTile(shape: TrainShape, layer: TrainLayerLayout, tile: TrainTile): TrainTile {
  const side = (wanted: number, extent: number) => ceilDiv(extent, ceilDiv(extent, Math.min(wanted, extent)));
  return { rows: side(tile.rows, shape.batch), units: side(tile.units, layer.units), inputs: side(tile.inputs, layer.inputs + 1) };
}

/** The forward tile's statements: rows row{r}, units unit{u}, accumulators acc{r}_{u} from the bias. */
function forwardTile(tile: TrainTile): Inserts {
  const R = range(tile.rows);
  const U = range(tile.units);
  const RU = R.flatMap((r) => U.map((u) => ({ r, u })));
  return {
    TILE_SETUP: lines([
      ...R.map((r) => `  let row${r} = min(b0 + ${r}u, B - 1u);`),
      ...R.map((r) => `  let live${r} = b0 + ${r}u < B && valid[m * B + row${r}] != 0.0;`),
      ...U.map((u) => `  let unit${u} = min(j0 + ${u}u, OUT - 1u);`),
      ...U.map((u) => `  let bias${u} = bias_at(m, k, unit${u});`),
      ...RU.map(({ r, u }) => `  var acc${r}_${u} = bias${u};`),
    ]),
    TILE_BODY: lines([
      ...R.map((r) => `    let x${r} = input_at(m, k, row${r}, i);`),
      ...U.map((u) => `    let w${u} = weight_at(m, k, unit${u}, i);`),
      ...RU.map(({ r, u }) => `    acc${r}_${u} = acc${r}_${u} + w${u} * x${r};`),
    ]),
    TILE_STORE: lines(RU.map(({ r, u }) => `  store_unit(m, k, b0 + ${r}u, j0 + ${u}u, acc${r}_${u}, live${r});`)),
  };
}

/** Forward of layer l: a thread computes z and h for TR batch slots x TU units (shaders/train/forward-tiled.wgsl). */
export function forwardTiledProgram(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): Program<void> {
  const p = trainLayerParams(shape, layer);
  const tile = layerTile(shape, layer, wanted);
  const rowTiles = ceilDiv(shape.batch, tile.rows);
  const unitTiles = ceilDiv(layer.units, tile.units);
  return defineProgram({
    family: 'train_forward_tiled',
    label: `train_forward_tiled_l${layer.index}`,
    params: { layer: p, tile },
    wgsl: {
      consts: { ...trainLayerConsts(p), TR: u32(tile.rows), TU: u32(tile.units), ROW_TILES: u32(rowTiles), UNIT_TILES: u32(unitTiles) },
      bindings: [...layerInputBindings(p), ...(needsPreActivation(p.activation) ? [writeF32('z')] : []), writeF32('h')],
      libraries: [FLAT_INDEX, SLOPE, WEIGHTS, INPUTS],
      body: ['train/forward-tiled'],
      defines: trainLayerDefines(p),
      inserts: forwardTile(tile),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * p.dims.samples * rowTiles * unitTiles, max),
  });
}

/** The dh tile's statements: rows row{r} (activation offsets), inputs col{c}, accumulators acc{r}_{c}. */
function dhPrevTile(tile: TrainTile): Inserts {
  const R = range(tile.rows);
  const C = range(tile.inputs);
  const RC = R.flatMap((r) => C.map((c) => ({ r, c })));
  return {
    TILE_SETUP: lines([
      ...R.map((r) => `  let row${r} = ACT_OFFSET + ((m * K + k) * B + min(b0 + ${r}u, B - 1u)) * OUT;`),
      ...R.map((r) => `  let live${r} = b0 + ${r}u < B && valid[m * B + min(b0 + ${r}u, B - 1u)] != 0.0;`),
      ...C.map((c) => `  let col${c} = min(i0 + ${c}u, IN - 1u);`),
      ...RC.map(({ r, c }) => `  var acc${r}_${c} = 0.0;`),
    ]),
    TILE_BODY: lines([
      ...R.map((r) => `    let d${r} = dz[row${r} + j];`),
      ...C.map((c) => `    let w${c} = weight_at(m, k, j, col${c});`),
      ...RC.map(({ r, c }) => `    acc${r}_${c} = acc${r}_${c} + d${r} * w${c};`),
    ]),
    TILE_STORE: lines(RC.map(({ r, c }) => `  store_dh(m, k, b0 + ${r}u, i0 + ${c}u, acc${r}_${c}, live${r});`)),
  };
}

/** dh of layer l-1 = mask * W^T dz, stored as its dz: a thread owns TR batch slots x TI inputs (shaders/train/dh-prev-tiled.wgsl). */
export function dhPrevTiledProgram(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): Program<void> {
  const p = trainLayerParams(shape, layer);
  if (p.index === 0) throw new Error('internal: layer 0 has no previous layer');
  const tile = layerTile(shape, layer, wanted);
  const rowTiles = ceilDiv(shape.batch, tile.rows);
  const inTiles = ceilDiv(layer.inputs, tile.inputs);
  const prev = prevLayerGrad(shape, layer);
  return defineProgram({
    family: 'train_dh_prev_tiled',
    label: `train_dh_prev_tiled_l${layer.index}`,
    params: { layer: p, tile, prev: prev.params },
    wgsl: {
      consts: { ...trainLayerConsts(p), ...prev.consts, TR: u32(tile.rows), TI: u32(tile.inputs), ROW_TILES: u32(rowTiles), IN_TILES: u32(inTiles) },
      bindings: [...layerInputBindings(p), ...prev.bindings],
      libraries: [FLAT_INDEX, WEIGHTS, PREV_GRAD],
      body: ['train/dh-prev-tiled'],
      defines: { ...trainLayerDefines(p), ...prev.defines },
      inserts: dhPrevTile(tile),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * p.dims.samples * rowTiles * inTiles, max),
  });
}

/**
 * The weight-gradient tile's statements: units unit{u}, inputs col{c} with is_bias{c} (column IN
 * is the bias), sums g_loc{u}_{c} (and g_s{u}_{c}, 'vi') over the K-samples of per-sample sums
 * g{u}_{c}; then each element's gradient through store_param_grad (shaders/train/param-grad.wgsl).
 */
function weightGradTile(p: TrainLayerParams, tile: TrainTile): Inserts {
  const vi = p.method === 'vi';
  const U = range(tile.units);
  const C = range(tile.inputs);
  const cells = U.flatMap((u) => C.map((c) => ({ u, c, id: `${u}_${c}` })));
  return {
    TILE_SETUP: lines([
      ...U.map((u) => `  let unit${u} = min(j0 + ${u}u, OUT - 1u);`),
      ...C.map((c) => `  let col${c} = min(i0 + ${c}u, IN - 1u);\n  let is_bias${c} = i0 + ${c}u == IN;`),
      ...cells.map((x) => `  var g_loc${x.id} = 0.0;${vi ? `\n  var g_s${x.id} = 0.0;` : ''}`),
    ]),
    SAMPLE_SETUP: lines(cells.map((x) => `    var g${x.id} = 0.0;`)),
    TILE_BODY: lines([
      ...U.map((u) => `      let d${u} = dz[base + unit${u}];`),
      ...C.map((c) => `      let x${c} = select(input_at(m, k, b, col${c}), 1.0, is_bias${c});`),
      ...cells.map((x) => `      g${x.id} = g${x.id} + d${x.u} * x${x.c};`),
    ]),
    SAMPLE_STORE: lines([
      ...cells.map((x) => `    g_loc${x.id} = g_loc${x.id} + g${x.id};`),
      ...(vi
        ? cells.map(
            (x) => `    g_s${x.id} = g_s${x.id} + g${x.id} * eps[(m * K + k) * PW + DRAWN_OFFSET + select(unit${x.u} * IN + col${x.c}, WEIGHT_COUNT + unit${x.u}, is_bias${x.c})];`,
          )
        : []),
    ]),
    TILE_STORE: lines(
      cells.map(
        (x) => `  if (j0 + ${x.u}u < OUT && i0 + ${x.c}u <= IN) {
    store_param_grad(m, select(WEIGHT_COUNT + unit${x.u}, unit${x.u} * IN + col${x.c}, !is_bias${x.c}), g_loc${x.id}, ${vi ? `g_s${x.id}` : '0.0'});
  }`,
      ),
    ),
  };
}

/**
 * Parameter gradients of layer l: a thread sums dz (x) input over the K-samples and batch slots for
 * TU units x TI inputs (shaders/train/weight-grad-tiled.wgsl); PReLU slopes get one thread per unit
 * after the tiles.
 */
export function weightGradTiledProgram(shape: TrainShape, layer: TrainLayerLayout, wanted: TrainTile): Program<void> {
  const p = trainLayerParams(shape, layer);
  const tile = layerTile(shape, layer, wanted);
  const colTiles = ceilDiv(layer.inputs + 1, tile.inputs);
  const tiles = ceilDiv(layer.units, tile.units) * colTiles;
  const slopeThreads = layer.prelu >= 0 ? layer.units : 0;
  return defineProgram({
    family: 'train_weight_grad_tiled',
    label: `train_weight_grad_tiled_l${layer.index}`,
    params: { layer: p, tile },
    wgsl: {
      consts: { ...trainLayerConsts(p), TU: u32(tile.units), TI: u32(tile.inputs), COL_TILES: u32(colTiles), TILES: u32(tiles), SLOPE_THREADS: u32(slopeThreads) },
      structs: [MODEL_CONSTANTS],
      bindings: weightGradBindings(p),
      libraries: weightGradLibraries(p),
      body: ['train/weight-grad-tiled'],
      defines: trainLayerDefines(p),
      inserts: weightGradTile(p, tile),
    },
    workgroups: (_, max) => flatGrid(p.dims.models * (tiles + slopeThreads), max),
  });
}
