/**
 * The 'lanes' training strategy: one program per step for the masks, forward pass, loss and
 * gradient of a one-hidden-layer network with one Normal output (shaders/train/lanes-mlp.wgsl),
 * one thread per model carrying its batch 8 rows at a time in the lanes of two vec4 quads. The
 * units are unrolled by statements generated per shape (each unit's accumulators and activations
 * are variables of their own), the inputs and the mask blocks stay loops: fully unrolled, the
 * 13-50-1 step took SwiftShader 30-40 s to compile (13-20-1: 20 s; its compile time grows faster
 * than the code). A weight read (a per-lane gather on SwiftShader, bench/README.md "The network
 * and lanes kernels") feeds two vec4 multiply-adds, and the masks, activations and gradients never
 * go through storage. Same maths and random streams as 'fused' and the layer-by-layer kernels (the
 * float64 oracle checks it); its sums over rows run in another order, so θ agrees with 'tiled' to
 * rounding, not to the bit. A thread per model suits a CPU adapter with many models a call (the
 * UCI grid); a GPU would leave most of its lanes idle.
 */
import type { TrainShape } from '../../objective/shape.js';
import { defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { stepDims } from './dims.js';
import { oneHiddenModule } from './one-hidden.js';
import { MODEL_CONSTANTS, STEP } from './step.js';

/** Threads (models) per workgroup: a few SIMD groups, so a call of tens of models still spreads over the cores. */
const LANES_WORKGROUP_SIZE = 16;

const QUADS = [0, 1] as const;

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

/** The step's masks, forward pass, loss and θ gradient of every model, a thread each. */
export function lanesMlpProgram(shape: TrainShape): Program<void> {
  const module = oneHiddenModule(shape, 'lanes');
  const { inputs, hidden } = module;
  const method = shape.layout.method === 'map' ? 'map' : 'mc-dropout';
  const dims = stepDims(shape);
  const units = range(hidden);
  const masked = (value: string, u: number, q: number) => (shape.dropout ? `${value} * hm[${2 * u + q}]` : value);

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
    '    gb1 = gb1 + g0 + g1;',
    ...units.flatMap((u) => [
      `    gw1_${u} = fma(g1, h${u}_1, fma(g0, h${u}_0, gw1_${u}));`,
      ...QUADS.map((q) => `    let dz${u}_${q} = g${q} * ${splat(`w1_${u}`)} * d${u}_${q};`),
      `    gb0_${u} = gb0_${u} + dz${u}_0 + dz${u}_1;`,
    ]),
  ];
  const backward = units.flatMap((u) => [`      let s${u} = fma(dz${u}_1, x1, dz${u}_0 * x0);`, `      gw0[${u * inputs}u + i] = gw0[${u * inputs}u + i] + ${sum4(`s${u}`)};`]);
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
    params: module.params,
    uniform: STEP,
    wgsl: {
      consts: { ...module.consts, THREADS: u32(LANES_WORKGROUP_SIZE) },
      structs: [MODEL_CONSTANTS],
      bindings: module.bindings,
      libraries: module.libraries,
      body: ['train/lanes-mlp'],
      defines: module.defines,
      inserts: {
        THETA: theta.join('\n'),
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
