/**
 * The 'lanes' training strategy: one program per step for the masks, forward pass, loss and
 * gradient of a one-hidden-layer network with one Normal output (shaders/train/lanes-mlp.wgsl),
 * one thread per model carrying its batch 16 rows at a time in the lanes of four vec4 quads. The
 * units are unrolled by statements generated per shape (each unit's accumulators and activations
 * are variables of their own), the inputs and the mask blocks stay loops: fully unrolled, the
 * 13-50-1 step took SwiftShader 30-40 s to compile (13-20-1: 20 s; its compile time grows faster
 * than the code). A weight read (a per-lane gather on SwiftShader, bench/README.md "The network
 * and lanes kernels") feeds four vec4 multiply-adds, and the masks, activations and gradients never
 * go through storage. Same maths and random streams as 'fused' and the layer-by-layer kernels (the
 * float64 oracle checks it); its sums over rows run in another order, so θ agrees with 'tiled' to
 * rounding, not to the bit. A thread per model suits a CPU adapter with many models a call (the
 * UCI grid); a GPU would leave most of its lanes idle. Where the device binds 10 storage buffers
 * it gathers the step's rows itself (one shuffle key a model, no round trip through xb), to the bit
 * what the gather program would have given it.
 */
import { dataRows, type TrainShape } from '../../objective/shape.js';
import { STREAM_SHUFFLE } from '../../random/train-streams.js';
import { readF32, readU32 } from '../bindings.js';
import { SHUFFLE } from '../library.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32, type BindingSpec } from '../wgsl.js';
import { stepDims } from './dims.js';
import { oneHiddenModule, type OneHiddenModule } from './one-hidden.js';
import { MODEL_CONSTANTS, STEP } from './step.js';

/** Threads (models) per workgroup: a few SIMD groups, so a call of tens of models still spreads over the cores. */
const LANES_WORKGROUP_SIZE = 16;

/**
 * Quads (4 rows each) a chunk: each private-array access of a weight or its gradient (the costly
 * part on SwiftShader: bench/README.md) serves 4 QN rows; more quads hold more masks in private
 * memory. The UCI grid step's kernel (MC dropout / MAP) took 41-42 / 32.7 ms at 2, 39.5-40 / 28.0
 * at 4 and 44 / 26.5 at 8. Even, so a chunk's masks are whole blocks.
 */
const QUADS_PER_CHUNK = 4;
const QUADS = Array.from({ length: QUADS_PER_CHUNK }, (_, q) => q);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const splat = (scalar: string) => `vec4<f32>(${scalar})`;
const sum4 = (v: string) => `(${v}.x + ${v}.y) + (${v}.z + ${v}.w)`;

/** A multiply-add chain: init + Σ terms[k].a * terms[k].b in order, as nested fma calls. */
function fmaChain(init: string, terms: readonly (readonly [string, string])[]): string {
  return terms.reduce((acc, [a, b]) => `fma(${a}, ${b}, ${acc})`, init);
}

function lossStatements(method: 'map' | 'mc-dropout', q: number): string[] {
  if (method === 'map') {
    return [
      `    let res${q} = y${q} - f${q};`,
      `    let g${q} = -res${q} * inv_var * inv_nb * v${q};`,
      `    loss = loss + dot(0.5 * res${q} * res${q} * inv_var + log_norm, v${q}) * inv_nb;`,
      `    d_u = d_u + dot(1.0 - res${q} * res${q} * inv_var, v${q}) * inv_nb;`,
    ];
  }
  return [`    let res${q} = y${q} - f${q};`, `    let g${q} = -2.0 * res${q} * inv_nb * v${q};`, `    loss = loss + dot(res${q} * res${q}, v${q}) * inv_nb;`];
}

/** What the kernel reads in place of train/gather's xb, yb and valid when it gathers its own rows. */
const GATHERED_DATA: readonly BindingSpec[] = [readF32('data_x'), readF32('data_y'), readU32('rows'), readF32('x_mean'), readF32('x_std')];
const GATHERED_SCRATCH = new Set(['xb', 'yb', 'valid']);

/** The module's bindings, with the data, row and statistics arrays for the scratch ones where the kernel gathers. */
function lanesBindings(module: OneHiddenModule, gather: boolean): BindingSpec[] {
  return gather ? [...module.bindings.filter((b) => !GATHERED_SCRATCH.has(b.name)), ...GATHERED_DATA] : module.bindings;
}

/**
 * Storage buffers the gathering kernel binds (10: the default device limit is 8). Where the device
 * allows them (SwiftShader: 12), the step runs without train/gather: 8.8 of a 50 ms UCI grid step
 * went to that program, whose thread per row draws its own shuffle key and stores what the lanes
 * kernel loads back (bench/README.md "The lanes trainer gathers its own rows").
 */
export function lanesGatherStorageBuffers(shape: TrainShape): number {
  return lanesBindings(oneHiddenModule(shape, 'lanes'), true).filter((b) => b.access !== 'uniform').length;
}

/**
 * The step's masks, forward pass, loss and θ gradient of every model, a thread each; with `gather`,
 * also the step's minibatch (train/gather's rows and standardisation) in place of that program.
 */
export function lanesMlpProgram(shape: TrainShape, gather: boolean): Program<void> {
  const module = oneHiddenModule(shape, 'lanes');
  const { inputs, hidden } = module;
  const method = shape.layout.method === 'map' ? 'map' : 'mc-dropout';
  const dims = stepDims(shape);
  const units = range(hidden);
  const masked = (value: string, u: number, q: number) => (shape.dropout ? `${value} * hm[${QUADS_PER_CHUNK * u + q}]` : value);
  const chunkRows = gather
    ? ['    fill_chunk_rows(m, r0, keys);', ...QUADS.map((q) => `    let rows${q} = vec4<u32>(${[0, 1, 2, 3].map((c) => `rc[${4 * q + c}u]`).join(', ')});`)]
    : [];
  const quadRows = QUADS.flatMap((q) =>
    gather
      ? [`    let v${q} = rows_valid(rows${q});`, `    let y${q} = gathered_y(m, rows${q});`]
      : [`    let v${q} = quad_valid(m, r0 + ${4 * q}u);`, `    let y${q} = quad_y(m, r0 + ${4 * q}u);`],
  );
  const quadX = (q: number) => (gather ? `gathered_x(m, rows${q}, i)` : `quad_x(m, r0 + ${4 * q}u, i)`);
  const xQuads = QUADS.map((q) => `      let x${q} = xc[i * QN + ${q}u];`);
  const blocks = range(QUADS_PER_CHUNK / 2);
  const keep = (k: number, pair: string) => (shape.dropout ? ` * keep_quad(words${k}.${pair}, keep_threshold, keep_scale)` : '');
  const draw = (k: number, width: string, index: string, stream: string) =>
    `      let words${k} = philox4x32(vec4<u32>((r0 / 8u + ${k}u) * ${width} + ${index}, at, ${stream}, word), key);`;
  const xMasks = blocks.flatMap((k) => [
    ...(shape.dropout ? [draw(k, 'IN0', 'i', 'STREAM0')] : []),
    `      xc[i * QN + ${2 * k}u] = ${quadX(2 * k)}${keep(k, 'xy')};`,
    `      xc[i * QN + ${2 * k + 1}u] = ${quadX(2 * k + 1)}${keep(k, 'zw')};`,
  ]);
  const hMasks = blocks.flatMap((k) => [
    draw(k, 'HID', 'u', 'STREAM1'),
    `      hm[u * QN + ${2 * k}u] = keep_quad(words${k}.xy, keep_threshold, keep_scale);`,
    `      hm[u * QN + ${2 * k + 1}u] = keep_quad(words${k}.zw, keep_threshold, keep_scale);`,
  ]);
  const sumOver = (term: (q: number) => string) => QUADS.map(term).join(' + ');

  const theta = [
    ...units.map((u) => `  let b0_${u} = theta[base + B0_OFFSET + ${u}u];`),
    ...units.map((u) => `  let w1_${u} = theta[base + W1_OFFSET + ${u}u];`),
    '  let b1 = theta[base + B1_OFFSET];',
    ...units.map((u) => `  var gb0_${u} = vec4<f32>(0.0);`),
    ...units.map((u) => `  var gw1_${u} = vec4<f32>(0.0);`),
    '  var gb1 = vec4<f32>(0.0);',
  ];
  const zs = units.flatMap((u) => QUADS.map((q) => `    var z${u}_${q} = ${splat(`b0_${u}`)};`));
  const forward = units.flatMap((u) => [`      let wt${u} = ${splat(`w0[${u * inputs}u + i]`)};`, ...QUADS.map((q) => `      z${u}_${q} = fma(x${q}, wt${u}, z${u}_${q});`)]);
  const finish = [
    ...units.flatMap((u) =>
      QUADS.flatMap((q) => [
        `    let a${u}_${q} = act4(z${u}_${q});`,
        `    let h${u}_${q} = ${masked(`a${u}_${q}`, u, q)};`,
        `    let d${u}_${q} = ${masked(`act_grad4(z${u}_${q}, a${u}_${q})`, u, q)};`,
      ]),
    ),
    ...QUADS.map(
      (q) =>
        `    let f${q} = ${fmaChain(
          splat('b1'),
          units.map((u) => [`h${u}_${q}`, splat(`w1_${u}`)]),
        )};`,
    ),
    ...QUADS.flatMap((q) => lossStatements(method, q)),
    `    gb1 = gb1 + ${sumOver((q) => `g${q}`)};`,
    ...units.flatMap((u) => [
      `    gw1_${u} = ${fmaChain(
        `gw1_${u}`,
        QUADS.map((q) => [`g${q}`, `h${u}_${q}`]),
      )};`,
      ...QUADS.map((q) => `    let dz${u}_${q} = g${q} * ${splat(`w1_${u}`)} * d${u}_${q};`),
      `    gb0_${u} = gb0_${u} + ${sumOver((q) => `dz${u}_${q}`)};`,
    ]),
  ];
  const backward = units.flatMap((u) => [
    `      let s${u} = ${fmaChain(
      `dz${u}_0 * x0`,
      QUADS.slice(1).map((q) => [`dz${u}_${q}`, `x${q}`]),
    )};`,
    `      gw0[${u * inputs}u + i] = gw0[${u * inputs}u + i] + ${sum4(`s${u}`)};`,
  ]);
  const store = (offset: string, index: number, value: string, acc: string) => [
    `  own_penalty = own_penalty + penalty(m, ${value});`,
    `  grad[base + ${offset} + ${index}u] = ${sum4(acc)} + penalty_grad(m, ${value});`,
  ];
  const storeStatements = [
    ...units.flatMap((u) => store('B0_OFFSET', u, `b0_${u}`, `gb0_${u}`)),
    ...units.flatMap((u) => store('W1_OFFSET', u, `w1_${u}`, `gw1_${u}`)),
    ...store('B1_OFFSET', 0, 'b1', 'gb1'),
  ];
  return defineProgram({
    family: 'train_lanes_mlp',
    params: { ...module.params, gather },
    uniform: STEP,
    wgsl: {
      consts: {
        ...module.consts,
        THREADS: u32(LANES_WORKGROUP_SIZE),
        QN: u32(QUADS_PER_CHUNK),
        ...(gather ? { BD: u32(dataRows(shape)), STREAM_SHUFFLE: u32(STREAM_SHUFFLE) } : {}),
      },
      structs: [MODEL_CONSTANTS],
      bindings: lanesBindings(module, gather),
      libraries: gather ? [...module.libraries, SHUFFLE] : module.libraries,
      body: ['train/lanes-mlp'],
      defines: { ...module.defines, GATHER: gather },
      inserts: {
        THETA: theta.join('\n'),
        CHUNK_ROWS: chunkRows.join('\n'),
        X_MASKS: xMasks.join('\n'),
        H_MASKS: hMasks.join('\n'),
        QUAD_ROWS: quadRows.join('\n'),
        X_QUADS: xQuads.join('\n'),
        ZS: zs.join('\n'),
        FORWARD: forward.join('\n'),
        FINISH: finish.join('\n'),
        BACKWARD: backward.join('\n'),
        STORE: storeStatements.join('\n'),
      },
    },
    workgroups: (_, max) => flatGrid(dims.models, max, LANES_WORKGROUP_SIZE),
  });
}
