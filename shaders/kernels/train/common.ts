/**
 * Shared pieces of the training kernels (one minibatch step of M models at once; src/train/types.ts
 * defines the maths): the per-step uniform, the generated WGSL header with the run's shapes as
 * constants, binding helpers and WGSL expression builders for parameters and inputs. Models are
 * independent: every thread works inside one model, so M models cost one set of dispatches.
 */
import { bindingDeclarations, type Kernel } from '../../../src/gpu/kernel.js';
import { STREAM_NOISE } from '../../../src/random/streams.js';
import type { TrainLayerLayout, TrainLayout } from '../../../src/train/layout.js';
import { STREAM_SHUFFLE } from '../../../src/random/train-streams.js';
import { f32Literal } from '../../../src/kernels/wgsl.js';
import { mathWgsl } from '../../lib/math.wgsl.js';
import { randomWgsl } from '../../lib/random.wgsl.js';
import { shuffleWgsl } from '../../lib/shuffle.wgsl.js';
import { WORKGROUP_SIZE, untyped, type TypedBinding } from '../common.js';

export const STEP_FIELDS = ['t', 'epoch', 's', 'lr', 'seedLo', 'seedHi', 'pad0', 'pad1'] as const;

/** Per-model metadata words (u32) and values (f32); see the gather and loss kernels. */
export const META_U32 = 4; // rowOffset, rowCount, stepsPerEpoch, keepThreshold
export const META_F32 = 8; // invKeep, sigmaStd, lambda, priorScale, yMean, yStd, N, lrScale

export interface TrainShape {
  readonly layout: TrainLayout;
  readonly models: number;
  /** Rows per step as the kernels see them: the data rows, then as many adversarial copies when adversarial. */
  readonly batch: number;
  readonly samples: number;
  readonly dropout: boolean;
  readonly sigmaPrior: { readonly concentration: number; readonly rate: number };
  readonly optimizer: 'adam' | 'sgd';
  readonly clipNorm: number;
  /** 'vi' gradient estimator (types.ts). */
  readonly estimator: 'reparameterization' | 'local' | 'flipout';
  readonly hierarchical: boolean;
  /** Adversarial training (types.ts): rows batch/2.. of a step hold the copies of rows 0..batch/2. */
  readonly adversarial: boolean;
}

/** Data rows of a step: the batch, or its first half when the second half holds adversarial copies. */
export function dataRows(shape: TrainShape): number {
  return shape.adversarial ? shape.batch / 2 : shape.batch;
}

export const u32Array = (name: string, kind: 'read' | 'read_write'): TypedBinding => ({ name, kind, type: 'array<u32>' });
export const f32Array = (name: string, kind: 'read' | 'read_write'): TypedBinding => ({ name, kind, type: 'array<f32>' });
export const stepBinding: TypedBinding = { name: 'step', kind: 'uniform', type: 'Step' };

function header(shape: TrainShape): string {
  const L = shape.layout;
  const actOffsets: number[] = [];
  const maskOffsets: number[] = [];
  const flipOffsets: number[] = [];
  let act = 0;
  let mask = 0;
  let flip = 0;
  for (const layer of L.layers) {
    actOffsets.push(act);
    maskOffsets.push(mask);
    flipOffsets.push(flip);
    act += shape.models * shape.samples * shape.batch * layer.units;
    mask += shape.models * shape.batch * layer.inputs;
    flip += shape.models * shape.samples * shape.batch * (layer.inputs + layer.units);
  }
  return `
struct Step {
${STEP_FIELDS.map((f) => `  ${f}: ${f === 'lr' ? 'f32' : 'u32'},`).join('\n')}
}
${randomWgsl}
${mathWgsl}
${shuffleWgsl}
const M: u32 = ${shape.models}u;
const B: u32 = ${shape.batch}u;
const K: u32 = ${shape.samples}u;
const P: u32 = ${L.size}u;
const PW: u32 = ${Math.max(L.drawnSize, 1)}u;
const STREAM_SHUFFLE: u32 = ${STREAM_SHUFFLE}u;
const TRAIN_STREAM_NOISE: u32 = ${STREAM_NOISE}u;
const ACT_OFFSETS = array<u32, ${L.layers.length}>(${actOffsets.map((o) => `${o}u`).join(', ')});
const MASK_OFFSETS = array<u32, ${L.layers.length}>(${maskOffsets.map((o) => `${o}u`).join(', ')});
const FLIP_OFFSETS = array<u32, ${L.layers.length}>(${flipOffsets.map((o) => `${o}u`).join(', ')});

fn seed_key() -> vec2<u32> {
  return vec2<u32>(step.seedLo, step.seedHi);
}

fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.x + gid.y * groups.x * ${WORKGROUP_SIZE}u;
}
`;
}

export const flatParams = '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>';

export function kernel(name: string, shape: TrainShape, bindings: TypedBinding[], body: string, extra = ''): Kernel {
  const source = `${header(shape)}
${bindingDeclarations(bindings)}
${extra}
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${flatParams}) {
${body}
}
`;
  return { name, cacheKey: `${name}|${source.length}|${hashString(source)}`, source, bindings: untyped(bindings) };
}

/** FNV-1a of the source: the cache key must change whenever the generated WGSL does. */
function hashString(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}


/** WGSL: the prior std of layer l's weights for model m (learned precision when hierarchical). */
export function priorStd(shape: TrainShape, layer: number): string {
  return shape.hierarchical
    ? `inverseSqrt(exp(theta[m * P + ${shape.layout.precision + layer}u]))`
    : `meta_f[m * ${META_F32}u + 3u]`;
}


/** WGSL expression of parameter (j, i) of layer l for thread (m, k) — drawn ('vi') or θ. */
export function weightAt(shape: TrainShape, layer: TrainLayerLayout, j: string, i: string): string {
  return shape.layout.method === 'vi'
    ? `drawn[(m * K + k) * PW + ${layer.drawnOffset}u + (${j}) * IN + ${i}]`
    : `theta[m * P + ${layer.weight}u + (${j}) * IN + ${i}]`;
}

export function biasAt(shape: TrainShape, layer: TrainLayerLayout, j: string): string {
  return shape.layout.method === 'vi'
    ? `drawn[(m * K + k) * PW + ${layer.drawnOffset + layer.inputs * layer.units}u + ${j}]`
    : `theta[m * P + ${layer.bias}u + ${j}]`;
}

/** Input i of layer l for (m, k, batch slot `b`) as the layer sees it (dropout applied). */
export function inputAt(shape: TrainShape, layer: TrainLayerLayout, i: string, b = 'b'): string {
  const raw =
    layer.index === 0
      ? `xb[(m * B + ${b}) * IN + ${i}]`
      : `h[ACT_OFFSETS[${layer.index - 1}] + ((m * K + k) * B + ${b}) * IN + ${i}]`;
  return shape.dropout ? `(${raw} * masks[MASK_OFFSETS[${layer.index}] + (m * B + ${b}) * IN + ${i}])` : raw;
}

/** WGSL: W_loc (j, i) and its posterior std, read from θ ('vi'). */
export function locAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `theta[m * P + ${layer.weight}u + (${j}) * IN + ${i}]`;
}
export function stdAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `softplus(theta[m * P + ${layer.weightRho}u + (${j}) * IN + ${i}])`;
}
/** Flipout's perturbation s * E of W (j, i) for K-sample k. */
export function deltaAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `(${stdAt(layer, j, i)} * eps[(m * K + k) * PW + ${layer.drawnOffset}u + (${j}) * IN + ${i}])`;
}
export function flipIn(layer: TrainLayerLayout, i: string): string {
  return `flip[FLIP_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * ${layer.inputs + layer.units}u + ${i}]`;
}
export function flipOut(layer: TrainLayerLayout, j: string): string {
  return `flip[FLIP_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * ${layer.inputs + layer.units}u + IN + ${j}]`;
}

export function estimatorBindings(shape: TrainShape, forLocal: TypedBinding[]): TypedBinding[] {
  if (shape.layout.method !== 'vi') return [];
  if (shape.estimator === 'local') return forLocal;
  if (shape.estimator === 'flipout') return [f32Array('eps', 'read'), f32Array('flip', 'read')];
  return [];
}

export function layerBindings(shape: TrainShape, layer: TrainLayerLayout, extra: TypedBinding[]): TypedBinding[] {
  return [
    stepBinding,
    f32Array('theta', 'read'),
    ...(shape.layout.method === 'vi' && shape.estimator !== 'local' ? [f32Array('drawn', 'read')] : []),
    ...(layer.index === 0 ? [f32Array('xb', 'read')] : []),
    ...(shape.dropout ? [f32Array('masks', 'read')] : []),
    f32Array('valid', 'read'),
    ...extra,
  ];
}

export const layerConstants = (layer: TrainLayerLayout) => `const IN: u32 = ${layer.inputs}u;\nconst OUT: u32 = ${layer.units}u;`;

export const mkbPrelude = `
  let t = flat_index(gid, groups);
  if (t >= M * K * B) {
    return;
  }
  let m = t / (K * B);
  let k = (t / B) % K;
  let b = t % B;
  if (valid[m * B + b] == 0.0) {
    return;
  }`;

export function slopeExpr(layer: TrainLayerLayout): string {
  return layer.prelu >= 0 ? `theta[m * P + ${layer.prelu}u + j]` : f32Literal(0.01);
}


/** Bindings of a weight-gradient kernel of layer l (backward.ts and tiled.ts). */
export function weightGradBindings(shape: TrainShape, layer: TrainLayerLayout): TypedBinding[] {
  const vi = shape.layout.method === 'vi';
  return [
    stepBinding,
    f32Array('theta', 'read'),
    ...(layer.index === 0 ? [f32Array('xb', 'read')] : []),
    ...(shape.dropout ? [f32Array('masks', 'read')] : []),
    f32Array('valid', 'read'),
    f32Array('meta_f', 'read'),
    ...(layer.index > 0 ? [f32Array('h', 'read')] : []),
    ...(layer.prelu >= 0 ? [f32Array('z', 'read'), f32Array('dh', 'read')] : []),
    f32Array('dz', 'read'),
    ...(vi && shape.estimator !== 'local' ? [f32Array('eps', 'read')] : []),
    ...(vi && shape.estimator === 'local' ? [f32Array('lr_eps', 'read'), f32Array('lr_sd', 'read')] : []),
    ...(vi && shape.estimator === 'flipout' ? [f32Array('flip', 'read')] : []),
    f32Array('grad', 'read_write'),
  ];
}

/**
 * WGSL: the gradient of one parameter element written to grad, from the data term g_loc (and g_s,
 * the data term's derivative in the posterior std, for 'vi') plus the regulariser's gradient
 * ('vi': KL and the rho chain rule; 'map': -log prior / N; 'mc-dropout': 2 lambda w). Expects m,
 * loc_at, loc, g_loc (and g_s, rho_at, rho for 'vi') in scope.
 */
export function parameterGradientWgsl(shape: TrainShape, layer: TrainLayerLayout): string {
  switch (shape.layout.method) {
    case 'vi':
      return `
    let prior = ${priorStd(shape, layer.index)};
    let s = softplus(rho);
    grad[m * P + loc_at] = g_loc + loc / (prior * prior);
    grad[m * P + rho_at] = (g_s - 1.0 / s + s / (prior * prior)) * sigmoid(rho);`;
    case 'map':
      return `
    let prior = meta_f[m * ${META_F32}u + 3u];
    grad[m * P + loc_at] = g_loc + loc / (prior * prior) / meta_f[m * ${META_F32}u + 6u];`;
    case 'mc-dropout':
      return `
    grad[m * P + loc_at] = g_loc + 2.0 * meta_f[m * ${META_F32}u + 2u] * loc;`;
    case 'ensemble':
      return `
    grad[m * P + loc_at] = g_loc;`;
  }
}

/** WGSL: θ index of the rho of element e (weights first, then biases) of layer l ('vi'). */
export function rhoIndexWgsl(layer: TrainLayerLayout): string {
  const W = layer.inputs * layer.units;
  return `select(${layer.biasRho}u + e - ${W}u, ${layer.weightRho}u + e, is_weight)`;
}

/** WGSL: the PReLU slope gradient of unit j of layer l for model m (sum of dh * min(z, 0)), written to grad. */
export function preluSlopeGradientWgsl(layer: TrainLayerLayout): string {
  return `var g = 0.0;
    for (var k = 0u; k < K; k++) {
      for (var b = 0u; b < B; b++) {
        let at = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT + j;
        g = g + dh[at] * min(z[at], 0.0);
      }
    }
    grad[m * P + ${layer.prelu}u + j] = g;`;
}
