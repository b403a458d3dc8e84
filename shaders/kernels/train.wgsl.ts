/**
 * Training kernels: one minibatch step of M models at once (src/train/types.ts defines the maths).
 * Models are independent: every thread works inside one model, so M models cost one set of
 * dispatches. Activations, their gradients and dropout masks are kept per (model, K-sample, batch
 * slot) for the backward pass. Shapes (M, B, K, layer widths) are compile-time constants of one
 * train() call; the step, epoch and learning rate travel in the per-step uniform.
 */
import { bindingDeclarations, type Kernel } from '../../src/gpu/kernel.js';
import { STREAM_DROPOUT, STREAM_FLIP, STREAM_MARGINAL, STREAM_NOISE, STREAM_WEIGHTS, layerStream } from '../../src/random/streams.js';
import { ENSEMBLE_MIN_SCALE, type TrainLayerLayout, type TrainLayout } from '../../src/train/layout.js';
import { STREAM_SHUFFLE } from '../../src/train/streams.js';
import { f32Literal } from '../../src/kernels/model-layout.js';
import { activationExpression, mathWgsl } from '../lib/math.wgsl.js';
import { randomWgsl } from '../lib/random.wgsl.js';
import { shuffleWgsl } from '../lib/shuffle.wgsl.js';
import { WORKGROUP_SIZE, untyped, type TypedBinding } from './common.js';

export const STEP_FIELDS = ['t', 'epoch', 's', 'lr', 'seedLo', 'seedHi', 'pad0', 'pad1'] as const;

/** Per-model metadata words (u32) and values (f32); see the gather and loss kernels. */
export const META_U32 = 4; // rowOffset, rowCount, stepsPerEpoch, keepThreshold
export const META_F32 = 8; // invKeep, sigmaStd, lambda, priorScale, yMean, yStd, N, unused

export interface TrainShape {
  readonly layout: TrainLayout;
  readonly models: number;
  readonly batch: number;
  readonly samples: number;
  readonly dropout: boolean;
  readonly sigmaPrior: { readonly concentration: number; readonly rate: number };
  readonly optimizer: 'adam' | 'sgd';
  readonly clipNorm: number;
  /** 'vi' gradient estimator (types.ts). */
  readonly estimator: 'reparameterization' | 'local' | 'flipout';
  readonly hierarchical: boolean;
}

const u32Array = (name: string, kind: 'read' | 'read_write'): TypedBinding => ({ name, kind, type: 'array<u32>' });
const f32Array = (name: string, kind: 'read' | 'read_write'): TypedBinding => ({ name, kind, type: 'array<f32>' });
const stepBinding: TypedBinding = { name: 'step', kind: 'uniform', type: 'Step' };

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

const flatParams = '@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>';

function kernel(name: string, shape: TrainShape, bindings: TypedBinding[], body: string, extra = ''): Kernel {
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

/** Gather: the batch rows of every model, standardised with the model's own statistics. */
export function gatherKernel(shape: TrainShape, inputDim: number): Kernel {
  const bindings = [
    stepBinding,
    f32Array('data_x', 'read'),
    f32Array('data_y', 'read'),
    u32Array('rows', 'read'),
    u32Array('meta_u', 'read'),
    f32Array('meta_f', 'read'),
    f32Array('xstats', 'read'),
    f32Array('xb', 'read_write'),
    f32Array('yb', 'read_write'),
    f32Array('valid', 'read_write'),
  ];
  return kernel(
    'train_gather',
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * B) {
    return;
  }
  let m = t / B;
  let b = t % B;
  let n_m = meta_u[m * ${META_U32}u + 1u];
  let position = step.s * B + b;
  let in_batch = step.s < meta_u[m * ${META_U32}u + 2u] && position < n_m;
  valid[t] = select(0.0, 1.0, in_batch);
  if (!in_batch) {
    for (var i = 0u; i < IN0; i++) {
      xb[t * IN0 + i] = 0.0;
    }
    yb[t] = 0.0;
    return;
  }
  let keys = philox4x32(vec4<u32>(0u, step.epoch, STREAM_SHUFFLE, m + 1u), seed_key());
  let row = rows[meta_u[m * ${META_U32}u] + permute(position, n_m, keys)];
  for (var i = 0u; i < IN0; i++) {
    xb[t * IN0 + i] = (data_x[row * IN0 + i] - xstats[m * 2u * IN0 + i]) / xstats[m * 2u * IN0 + IN0 + i];
  }
  yb[t] = (data_y[row] - meta_f[m * ${META_F32}u + 4u]) / meta_f[m * ${META_F32}u + 5u];
`,
    `const IN0: u32 = ${inputDim}u;`,
  );
}

/** Dropout masks of layer l's input, per (model, batch slot, unit): keep ? 1/(1-p) : 0. */
export function trainMasksKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const bindings = [stepBinding, u32Array('meta_u', 'read'), f32Array('meta_f', 'read'), f32Array('masks', 'read_write')];
  return kernel(
    `train_masks_l${layer.index}`,
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * B * IN) {
    return;
  }
  let m = t / (B * IN);
  let e = t % (B * IN);
  let w = philox4x32(vec4<u32>(e / 4u, step.t, ${layerStream(layer.index, STREAM_DROPOUT)}u, m + 1u), seed_key());
  let keep = (w[e % 4u] >> 8u) < meta_u[m * ${META_U32}u + 3u];
  masks[MASK_OFFSETS[${layer.index}] + t] = select(0.0, meta_f[m * ${META_F32}u], keep);
`,
    `const IN: u32 = ${layer.inputs}u;`,
  );
}

/** 'vi': draw w = loc + softplus(rho) * eps for layer l, every (model, K-sample), keeping eps. */
export function trainSampleKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const bindings = [stepBinding, f32Array('theta', 'read'), f32Array('drawn', 'read_write'), f32Array('eps', 'read_write')];
  const W = layer.inputs * layer.units;
  return kernel(
    `train_sample_l${layer.index}`,
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  let count = ${W + layer.units}u;
  if (t >= M * K * count) {
    return;
  }
  let mk = t / count;
  let e = t % count;
  let m = mk / K;
  let k = mk % K;
  let z = normals4w(e / 4u, step.t * K + k, ${layerStream(layer.index, STREAM_WEIGHTS)}u, m + 1u, seed_key())[e % 4u];
  let base = m * P;
  var loc: f32;
  var rho: f32;
  if (e < ${W}u) {
    loc = theta[base + ${layer.weight}u + e];
    rho = theta[base + ${layer.weightRho}u + e];
  } else {
    loc = theta[base + ${layer.bias}u + e - ${W}u];
    rho = theta[base + ${layer.biasRho}u + e - ${W}u];
  }
  let at = mk * PW + ${layer.drawnOffset}u + e;
  drawn[at] = loc + softplus(rho) * z;
  eps[at] = z;
`,
  );
}

/** 'vi': sigma per (model, K-sample): log sigma = sigma_loc + softplus(sigma_rho) z. */
export function trainSigmaKernel(shape: TrainShape): Kernel {
  const bindings = [stepBinding, f32Array('theta', 'read'), f32Array('sig', 'read_write')];
  return kernel(
    'train_sigma',
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * K) {
    return;
  }
  let m = t / K;
  let k = t % K;
  let w = philox4x32(vec4<u32>(0u, step.t * K + k, TRAIN_STREAM_NOISE, m + 1u), seed_key());
  let z = box_muller(w.x, w.y).x;
  let u = theta[m * P + ${shape.layout.noise}u] + softplus(theta[m * P + ${shape.layout.noise + 1}u]) * z;
  sig[2u * t] = exp(u);
  sig[2u * t + 1u] = z;
`,
  );
}

/** WGSL: the prior std of layer l's weights for model m (learned precision when hierarchical). */
function priorStd(shape: TrainShape, layer: number): string {
  return shape.hierarchical
    ? `inverseSqrt(exp(theta[m * P + ${shape.layout.precision + layer}u]))`
    : `meta_f[m * ${META_F32}u + 3u]`;
}

/** Flipout: the per-example sign vectors of layer l (input signs, then output signs). */
export function trainFlipKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const bindings = [stepBinding, f32Array('flip', 'read_write')];
  const width = layer.inputs + layer.units;
  return kernel(
    `train_flip_l${layer.index}`,
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * K * B * ${width}u) {
    return;
  }
  let mkb = t / ${width}u;
  let c = t % ${width}u;
  let m = mkb / (K * B);
  let k = (mkb / B) % K;
  let b = mkb % B;
  let e = b * ${width}u + c;
  let w = philox4x32(vec4<u32>(e / 4u, step.t * K + k, ${layerStream(layer.index, STREAM_FLIP)}u, m + 1u), seed_key());
  flip[FLIP_OFFSETS[${layer.index}] + t] = select(-1.0, 1.0, w[e % 4u] < 0x80000000u);
`,
  );
}

/** WGSL expression of parameter (j, i) of layer l for thread (m, k) — drawn ('vi') or θ. */
function weightAt(shape: TrainShape, layer: TrainLayerLayout, j: string, i: string): string {
  return shape.layout.method === 'vi'
    ? `drawn[(m * K + k) * PW + ${layer.drawnOffset}u + (${j}) * IN + ${i}]`
    : `theta[m * P + ${layer.weight}u + (${j}) * IN + ${i}]`;
}

function biasAt(shape: TrainShape, layer: TrainLayerLayout, j: string): string {
  return shape.layout.method === 'vi'
    ? `drawn[(m * K + k) * PW + ${layer.drawnOffset + layer.inputs * layer.units}u + ${j}]`
    : `theta[m * P + ${layer.bias}u + ${j}]`;
}

/** Input i of layer l for (m, k, b) as the layer sees it (dropout applied). */
function inputAt(shape: TrainShape, layer: TrainLayerLayout, i: string): string {
  const raw =
    layer.index === 0
      ? `xb[(m * B + b) * IN + ${i}]`
      : `h[ACT_OFFSETS[${layer.index - 1}] + ((m * K + k) * B + b) * IN + ${i}]`;
  return shape.dropout ? `(${raw} * masks[MASK_OFFSETS[${layer.index}] + (m * B + b) * IN + ${i}])` : raw;
}

/** WGSL: W_loc (j, i) and its posterior std, read from θ ('vi'). */
function locAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `theta[m * P + ${layer.weight}u + (${j}) * IN + ${i}]`;
}
function stdAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `softplus(theta[m * P + ${layer.weightRho}u + (${j}) * IN + ${i}])`;
}
/** Flipout's perturbation s * E of W (j, i) for K-sample k. */
function deltaAt(layer: TrainLayerLayout, j: string, i: string): string {
  return `(${stdAt(layer, j, i)} * eps[(m * K + k) * PW + ${layer.drawnOffset}u + (${j}) * IN + ${i}])`;
}
function flipIn(layer: TrainLayerLayout, i: string): string {
  return `flip[FLIP_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * ${layer.inputs + layer.units}u + ${i}]`;
}
function flipOut(layer: TrainLayerLayout, j: string): string {
  return `flip[FLIP_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * ${layer.inputs + layer.units}u + IN + ${j}]`;
}

function estimatorBindings(shape: TrainShape, forLocal: TypedBinding[]): TypedBinding[] {
  if (shape.layout.method !== 'vi') return [];
  if (shape.estimator === 'local') return forLocal;
  if (shape.estimator === 'flipout') return [f32Array('eps', 'read'), f32Array('flip', 'read')];
  return [];
}

function layerBindings(shape: TrainShape, layer: TrainLayerLayout, extra: TypedBinding[]): TypedBinding[] {
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

const layerConstants = (layer: TrainLayerLayout) => `const IN: u32 = ${layer.inputs}u;\nconst OUT: u32 = ${layer.units}u;`;

const mkbPrelude = `
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

function slopeExpr(layer: TrainLayerLayout): string {
  return layer.prelu >= 0 ? `theta[m * P + ${layer.prelu}u + j]` : f32Literal(0.01);
}

/** Forward of layer l for every (model, K-sample, batch slot): pre-activations z and outputs h. */
export function trainForwardKernel(shape: TrainShape, layer: TrainLayerLayout, leakySlope: number): Kernel {
  const local = shape.layout.method === 'vi' && shape.estimator === 'local';
  const flipout = shape.layout.method === 'vi' && shape.estimator === 'flipout';
  const bindings = layerBindings(shape, layer, [
    ...estimatorBindings(shape, [f32Array('lr_eps', 'read_write'), f32Array('lr_sd', 'read_write')]),
    f32Array('z', 'read_write'),
    f32Array('h', 'read_write'),
  ]);
  const slope = layer.prelu >= 0 ? slopeExpr(layer) : f32Literal(leakySlope);
  let pre: string;
  if (local) {
    // Local reparameterisation: z = mu + sqrt(v) eps, eps per (model, K-sample, slot, unit).
    pre = `
    let bias_std = softplus(theta[m * P + ${layer.biasRho}u + j]);
    var mu = theta[m * P + ${layer.bias}u + j];
    var v = bias_std * bias_std;
    for (var i = 0u; i < IN; i++) {
      let hi = ${inputAt(shape, layer, 'i')};
      let sd = ${stdAt(layer, 'j', 'i')};
      mu = mu + ${locAt(layer, 'j', 'i')} * hi;
      v = v + sd * sd * hi * hi;
    }
    let e = b * OUT + j;
    let noise = normals4w(e / 4u, step.t * K + k, ${layerStream(layer.index, STREAM_MARGINAL)}u, m + 1u, seed_key())[e % 4u];
    let sd_z = sqrt(v);
    lr_eps[out_base + j] = noise;
    lr_sd[out_base + j] = sd_z;
    let acc = mu + sd_z * noise;`;
  } else if (flipout) {
    // Flipout: shared perturbation s*E decorrelated per example by sign flips r_j q_i.
    pre = `
    var acc = ${biasAt(shape, layer, 'j')};
    var flipped = 0.0;
    for (var i = 0u; i < IN; i++) {
      let hi = ${inputAt(shape, layer, 'i')};
      acc = acc + ${locAt(layer, 'j', 'i')} * hi;
      flipped = flipped + ${deltaAt(layer, 'j', 'i')} * ${flipIn(layer, 'i')} * hi;
    }
    acc = acc + ${flipOut(layer, 'j')} * flipped;`;
  } else {
    pre = `
    var acc = ${biasAt(shape, layer, 'j')};
    for (var i = 0u; i < IN; i++) {
      acc = acc + ${weightAt(shape, layer, 'j', 'i')} * ${inputAt(shape, layer, 'i')};
    }`;
  }
  return kernel(
    `train_forward_l${layer.index}`,
    shape,
    bindings,
    `${mkbPrelude}
  let out_base = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT;
  for (var j = 0u; j < OUT; j++) {${pre}
    z[out_base + j] = acc;
    h[out_base + j] = ${activationExpression(layer.activation, 'acc', slope)};
  }
`,
    layerConstants(layer),
  );
}

/**
 * The loss of every model and the gradient of its step objective with respect to the network
 * outputs (written to dh of the last layer) and the noise parameters (written to grad). One thread
 * per model; it also accumulates the epoch's loss.
 */
export function trainLossKernel(shape: TrainShape, leakyUnused = 0): Kernel {
  void leakyUnused;
  const L = shape.layout;
  const last = L.layers[L.layers.length - 1] as TrainLayerLayout;
  const method = L.method;
  const bindings = [
    stepBinding,
    f32Array('theta', 'read'),
    f32Array('yb', 'read'),
    f32Array('valid', 'read'),
    f32Array('meta_f', 'read'),
    f32Array('h', 'read'),
    ...(method === 'vi' ? [f32Array('sig', 'read')] : []),
    f32Array('dh', 'read_write'),
    f32Array('grad', 'read_write'),
    f32Array('model_active', 'read_write'),
    f32Array('epoch_loss', 'read_write'),
  ];
  const out = (k: string, b: string, unit: string) => `h[ACT_OFFSETS[${last.index}] + ((m * K + ${k}) * B + ${b}) * ${last.units}u + ${unit}]`;
  const dOut = (k: string, b: string, unit: string) => `dh[ACT_OFFSETS[${last.index}] + ((m * K + ${k}) * B + ${b}) * ${last.units}u + ${unit}]`;
  const a = f32Literal(shape.sigmaPrior.concentration);
  const rate = f32Literal(shape.sigmaPrior.rate);
  let body: string;
  if (method === 'vi') {
    // Objective: (N/nb)(1/K) sum NLL + KL(weights) + (1/K) sum_k [log q(sigma_k) - log p(sigma_k)].
    body = `
  let scale = n_total / nb / f32(K);
  var loss = 0.0;
  var g_mu = 0.0;
  var g_s = 0.0;
  let s_sigma = softplus(theta[m * P + ${L.noise + 1}u]);
  for (var k = 0u; k < K; k++) {
    let sigma = sig[2u * (m * K + k)];
    let z_sigma = sig[2u * (m * K + k) + 1u];
    var d_u = 0.0;
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        ${dOut('k', 'b', '0u')} = 0.0;
        continue;
      }
      let f = ${out('k', 'b', '0u')};
      let r = yb[m * B + b] - f;
      loss = loss + scale * (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI);
      ${dOut('k', 'b', '0u')} = scale * (-r) / (sigma * sigma);
      // d NLL / d log sigma = 1 - r^2 / sigma^2
      d_u = d_u + scale * (1.0 - r * r / (sigma * sigma));
    }
    // log q(sigma) - log p(sigma) with u = log sigma = mu + s z:
    // log q = -u - log s - 0.5 log 2pi - 0.5 z^2; log p = a log b - lgamma(a) + (a - 1) u - b e^u.
    let u = log(sigma);
    let log_q = -u - log(s_sigma) - HALF_LOG_TWO_PI - 0.5 * z_sigma * z_sigma;
    let log_p = gamma_log_pdf(sigma, ${a}, ${rate});
    loss = loss + (log_q - log_p) / f32(K);
    // d/du of -log p = -(a - 1) + b sigma; log q depends on mu as -1 and on s as -z - 1/s.
    let d_u_total = d_u + (-(${a} - 1.0) + ${rate} * sigma) / f32(K);
    g_mu = g_mu + d_u_total - 1.0 / f32(K);
    g_s = g_s + z_sigma * d_u_total + (-z_sigma - 1.0 / s_sigma) / f32(K);
  }
  // KL of the Gaussian weights against N(0, prior^2), closed form; with a hierarchical prior the
  // layer's precision lambda = 1/prior^2 is learned under Gamma(1, 1): the objective adds
  // -log Gamma(lambda | 1, 1) and d/d log lambda of each KL term is -1/2 + lambda (s^2 + mu^2) / 2.
${L.layers
  .map(
    (l) => `  {
    let prior = ${priorStd(shape, l.index)};
    var second_moment = 0.0;
    for (var e = 0u; e < ${l.inputs * l.units}u; e++) {
      let mu = theta[m * P + ${l.weight}u + e];
      let s = softplus(theta[m * P + ${l.weightRho}u + e]);
      loss = loss + kl_normal(mu, s, prior);
      second_moment = second_moment + s * s + mu * mu;
    }
    for (var e = 0u; e < ${l.units}u; e++) {
      let mu = theta[m * P + ${l.bias}u + e];
      let s = softplus(theta[m * P + ${l.biasRho}u + e]);
      loss = loss + kl_normal(mu, s, prior);
      second_moment = second_moment + s * s + mu * mu;
    }${
      shape.hierarchical
        ? `
    let lambda = 1.0 / (prior * prior);
    loss = loss - gamma_log_pdf(lambda, 1.0, 1.0);
    grad[m * P + ${L.precision + l.index}u] = -0.5 * f32(${l.inputs * l.units + l.units}u) + 0.5 * lambda * second_moment + lambda;`
        : ''
    }
  }`,
  )
  .join('\n')}
  grad[m * P + ${L.noise}u] = g_mu;
  grad[m * P + ${L.noise + 1}u] = g_s * sigmoid(theta[m * P + ${L.noise + 1}u]);
  let reported = loss / n_total;`;
  } else if (method === 'map') {
    body = `
  let sigma = exp(theta[m * P + ${L.noise}u]);
  var loss = 0.0;
  var d_u = 0.0;
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      ${dOut('0u', 'b', '0u')} = 0.0;
      continue;
    }
    let r = yb[m * B + b] - ${out('0u', 'b', '0u')};
    loss = loss + (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI) / nb;
    ${dOut('0u', 'b', '0u')} = -r / (sigma * sigma) / nb;
    d_u = d_u + (1.0 - r * r / (sigma * sigma)) / nb;
  }
  let prior = meta_f[m * ${META_F32}u + 3u];
  var penalty = 0.0;
${L.layers
  .map(
    (l) => `  for (var e = 0u; e < ${l.inputs * l.units}u; e++) {
    penalty = penalty - normal_log_pdf(theta[m * P + ${l.weight}u + e], 0.0, prior);
  }
  for (var e = 0u; e < ${l.units}u; e++) {
    penalty = penalty - normal_log_pdf(theta[m * P + ${l.bias}u + e], 0.0, prior);
  }`,
  )
  .join('\n')}
  loss = loss + penalty / n_total;
  grad[m * P + ${L.noise}u] = d_u;
  let reported = loss;`;
  } else if (method === 'mc-dropout') {
    body = `
  var loss = 0.0;
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      ${dOut('0u', 'b', '0u')} = 0.0;
      continue;
    }
    let r = yb[m * B + b] - ${out('0u', 'b', '0u')};
    loss = loss + r * r / nb;
    ${dOut('0u', 'b', '0u')} = -2.0 * r / nb;
  }
  let lambda = meta_f[m * ${META_F32}u + 2u];
  var penalty = 0.0;
${L.layers
  .map(
    (l) => `  for (var e = 0u; e < ${l.inputs * l.units + l.units}u; e++) {
    let w = theta[m * P + ${l.weight}u + e];
    penalty = penalty + w * w;
  }`,
  )
  .join('\n')}
  loss = loss + lambda * penalty;
  let reported = loss;`;
  } else {
    body = `
  var loss = 0.0;
  for (var b = 0u; b < B; b++) {
    if (valid[m * B + b] == 0.0) {
      ${dOut('0u', 'b', '0u')} = 0.0;
      ${dOut('0u', 'b', '1u')} = 0.0;
      continue;
    }
    let raw = ${out('0u', 'b', '1u')};
    let sigma = softplus(raw) + ${f32Literal(ENSEMBLE_MIN_SCALE)};
    let r = yb[m * B + b] - ${out('0u', 'b', '0u')};
    loss = loss + (0.5 * r * r / (sigma * sigma) + log(sigma) + HALF_LOG_TWO_PI) / nb;
    ${dOut('0u', 'b', '0u')} = -r / (sigma * sigma) / nb;
    ${dOut('0u', 'b', '1u')} = (1.0 / sigma - r * r / (sigma * sigma * sigma)) * sigmoid(raw) / nb;
  }
  let reported = loss;`;
  }
  return kernel(
    'train_loss',
    shape,
    bindings,
    `
  let m = flat_index(gid, groups);
  if (m >= M) {
    return;
  }
  var nb = 0.0;
  for (var b = 0u; b < B; b++) {
    nb = nb + valid[m * B + b];
  }
  model_active[m] = select(0.0, 1.0, nb > 0.0);
  if (nb == 0.0) {
    return;
  }
  let n_total = meta_f[m * ${META_F32}u + 6u];
${body}
  epoch_loss[2u * m] = epoch_loss[2u * m] + reported;
  epoch_loss[2u * m + 1u] = epoch_loss[2u * m + 1u] + 1.0;
`,
    `
fn kl_normal(mu: f32, s: f32, prior: f32) -> f32 {
  return log(prior / s) + (s * s + mu * mu) / (2.0 * prior * prior) - 0.5;
}`,
  );
}

/** WGSL derivative of the activation at (z, h). */
function activationDerivative(activation: string, slope: string): string {
  switch (activation) {
    case 'relu':
      return 'select(0.0, 1.0, zz > 0.0)';
    case 'leaky_relu':
    case 'prelu':
      return `select(${slope}, 1.0, zz > 0.0)`;
    case 'tanh':
      return '1.0 - hh * hh';
    case 'sigmoid':
      return 'hh * (1.0 - hh)';
    case 'gelu':
      return 'gelu_tanh_grad(zz)';
    default:
      return '1.0';
  }
}

/** dz = dh * act'(z) of layer l, for every (model, K-sample, batch slot). */
export function trainDzKernel(shape: TrainShape, layer: TrainLayerLayout, leakySlope: number): Kernel {
  const bindings = layerBindings(shape, layer, [f32Array('z', 'read'), f32Array('h', 'read'), f32Array('dh', 'read'), f32Array('dz', 'read_write')]).filter(
    (b) => b.name !== 'drawn' && b.name !== 'xb' && b.name !== 'masks',
  );
  const slope = layer.prelu >= 0 ? slopeExpr(layer) : f32Literal(leakySlope);
  return kernel(
    `train_dz_l${layer.index}`,
    shape,
    bindings,
    `${mkbPrelude}
  let base = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT;
  for (var j = 0u; j < OUT; j++) {
    let zz = z[base + j];
    let hh = h[base + j];
    dz[base + j] = dh[base + j] * (${activationDerivative(layer.activation, slope)});
  }
`,
    `${layerConstants(layer)}
fn gelu_tanh_grad(x: f32) -> f32 {
  let inner = GELU_C * (x + 0.044715 * x * x * x);
  let th = tanh(inner);
  return 0.5 * (1.0 + th) + 0.5 * x * (1.0 - th * th) * GELU_C * (1.0 + 3.0 * 0.044715 * x * x);
}`,
  );
}

/**
 * dh of layer l-1 = mask * (dz/dh)^T dz of layer l: W^T dz for a shared weight draw; local
 * reparameterisation adds eps_j s_ji^2 h_i / sd_j; Flipout adds r_j (s E)_ji q_i.
 */
export function trainDhPrevKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const local = shape.layout.method === 'vi' && shape.estimator === 'local';
  const flipout = shape.layout.method === 'vi' && shape.estimator === 'flipout';
  const bindings = layerBindings(shape, layer, [
    ...estimatorBindings(shape, [f32Array('lr_eps', 'read'), f32Array('lr_sd', 'read'), f32Array('h', 'read')]),
    f32Array('dz', 'read'),
    f32Array('dh', 'read_write'),
  ]).filter((b) => b.name !== 'xb');
  const mask = shape.dropout ? ` * masks[MASK_OFFSETS[${layer.index}] + (m * B + b) * IN + i]` : '';
  let term: string;
  if (local) {
    term = `(${locAt(layer, 'j', 'i')} + lr_eps[base + j] * ${stdAt(layer, 'j', 'i')} * ${stdAt(layer, 'j', 'i')} * hi / lr_sd[base + j])`;
  } else if (flipout) {
    term = `(${locAt(layer, 'j', 'i')} + ${flipOut(layer, 'j')} * ${deltaAt(layer, 'j', 'i')} * ${flipIn(layer, 'i')})`;
  } else {
    term = weightAt(shape, layer, 'j', 'i');
  }
  return kernel(
    `train_dhprev_l${layer.index}`,
    shape,
    bindings,
    `${mkbPrelude}
  let base = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT;
  let prev = ACT_OFFSETS[${layer.index - 1}] + ((m * K + k) * B + b) * IN;
  for (var i = 0u; i < IN; i++) {
    ${local ? 'let hi = h[prev + i];' : ''}
    var acc = 0.0;
    for (var j = 0u; j < OUT; j++) {
      acc = acc + ${term} * dz[base + j];
    }
    dh[prev + i] = acc${mask};
  }
`,
    layerConstants(layer),
  );
}

/**
 * Parameter gradients of layer l: sums over K-samples and batch slots of dz (x) input, then the
 * regulariser's gradient ('vi': KL; 'map': -log prior / N; 'mc-dropout': 2 lambda w) and, for 'vi',
 * the chain rule to (loc, rho). One thread per (model, parameter element).
 */
export function trainWeightGradKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const L = shape.layout;
  const method = L.method;
  const W = layer.inputs * layer.units;
  const count = W + layer.units + (layer.prelu >= 0 ? layer.units : 0);
  const bindings = [
    stepBinding,
    f32Array('theta', 'read'),
    ...(layer.index === 0 ? [f32Array('xb', 'read')] : []),
    ...(shape.dropout ? [f32Array('masks', 'read')] : []),
    f32Array('valid', 'read'),
    f32Array('meta_f', 'read'),
    ...(layer.index > 0 ? [f32Array('h', 'read')] : []),
    ...(layer.prelu >= 0 ? [f32Array('z', 'read'), f32Array('dh', 'read')] : []),
    f32Array('dz', 'read'),
    ...(method === 'vi' && shape.estimator !== 'local' ? [f32Array('eps', 'read')] : []),
    ...(method === 'vi' && shape.estimator === 'local' ? [f32Array('lr_eps', 'read'), f32Array('lr_sd', 'read')] : []),
    ...(method === 'vi' && shape.estimator === 'flipout' ? [f32Array('flip', 'read')] : []),
    f32Array('grad', 'read_write'),
  ];
  const local = method === 'vi' && shape.estimator === 'local';
  const flipout = method === 'vi' && shape.estimator === 'flipout';
  const kEps = `eps[(m * K + k) * PW + ${layer.drawnOffset}u + e]`;
  // How the loss reaches the posterior std s of this element, per estimator (types.ts):
  // shared draw: dz x * eps; local: dz eps_j s x^2 / sd_j; Flipout: dz r_j q_i x * E (bias: dz * E).
  const gradStdTerm = local
    ? `g_std = g_std + d * lr_eps[at] * x_in * x_in / lr_sd[at];`
    : flipout
      ? `g_std = g_std + select(d, d * ${flipOut(layer, 'j')} * ${flipIn(layer, 'i')} * x_in, is_weight);`
      : '';
  const gradStdAfter = local
    ? 'g_s = g_s + g_std * softplus(rho);'
    : flipout
      ? `g_s = g_s + g_std * ${kEps};`
      : method === 'vi'
        ? `g_s = g_s + g * ${kEps};`
        : '';
  const regulariser =
    method === 'vi'
      ? `
    let prior = ${priorStd(shape, layer.index)};
    let s = softplus(rho);
    grad[m * P + loc_at] = g_loc + loc / (prior * prior);
    grad[m * P + rho_at] = (g_s - 1.0 / s + s / (prior * prior)) * sigmoid(rho);`
      : method === 'map'
        ? `
    let prior = meta_f[m * ${META_F32}u + 3u];
    grad[m * P + loc_at] = g_loc + loc / (prior * prior) / meta_f[m * ${META_F32}u + 6u];`
        : method === 'mc-dropout'
          ? `
    grad[m * P + loc_at] = g_loc + 2.0 * meta_f[m * ${META_F32}u + 2u] * loc;`
          : `
    grad[m * P + loc_at] = g_loc;`;
  return kernel(
    `train_wgrad_l${layer.index}`,
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * ${count}u) {
    return;
  }
  let m = t / ${count}u;
  let e = t % ${count}u;
  ${
    layer.prelu >= 0
      ? `if (e >= ${W + layer.units}u) {
    let j = e - ${W + layer.units}u;
    var g = 0.0;
    for (var k = 0u; k < K; k++) {
      for (var b = 0u; b < B; b++) {
        let at = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT + j;
        g = g + dh[at] * min(z[at], 0.0);
      }
    }
    grad[m * P + ${layer.prelu}u + j] = g;
    return;
  }`
      : ''
  }
  let is_weight = e < ${W}u;
  let j = select(e - ${W}u, e / IN, is_weight);
  let i = e % IN;
  ${method === 'vi' ? `let rho_at = select(${layer.biasRho}u + e - ${W}u, ${layer.weightRho}u + e, is_weight);\n  let rho = theta[m * P + rho_at];` : ''}
  var g_loc = 0.0;
  var g_s = 0.0;
  for (var k = 0u; k < K; k++) {
    var g = 0.0;
    var g_std = 0.0;
    for (var b = 0u; b < B; b++) {
      if (valid[m * B + b] == 0.0) {
        continue;
      }
      let at = ACT_OFFSETS[${layer.index}] + ((m * K + k) * B + b) * OUT + j;
      let d = dz[at];
      let x_in = select(1.0, ${inputAt(shape, layer, 'i')}, is_weight);
      g = g + d * x_in;
      ${gradStdTerm}
    }
    g_loc = g_loc + g;
    ${gradStdAfter}
  }
  let loc_at = select(${layer.bias}u + e - ${W}u, ${layer.weight}u + e, is_weight);
  let loc = theta[m * P + loc_at];
  ${regulariser}
`,
    layerConstants(layer),
  );
}

/** Per model: count the update (Adam's bias correction) and the gradient-clipping factor. */
export function trainClipKernel(shape: TrainShape): Kernel {
  const bindings = [stepBinding, f32Array('grad', 'read'), f32Array('model_active', 'read'), f32Array('counts', 'read_write'), f32Array('clip', 'read_write')];
  return kernel(
    'train_clip',
    shape,
    bindings,
    `
  let m = flat_index(gid, groups);
  if (m >= M || model_active[m] == 0.0) {
    return;
  }
  counts[m] = counts[m] + 1.0;
  ${
    shape.clipNorm > 0
      ? `var norm2 = 0.0;
  for (var e = 0u; e < P; e++) {
    let g = grad[m * P + e];
    norm2 = norm2 + g * g;
  }
  clip[m] = min(1.0, ${f32Literal(shape.clipNorm)} / max(sqrt(norm2), 1e-30));`
      : 'clip[m] = 1.0;'
  }
`,
  );
}

/** Adam (bias-corrected) or SGD with momentum 0.9, for every (model, θ element) of active models. */
export function trainOptimizerKernel(shape: TrainShape): Kernel {
  const bindings = [
    stepBinding,
    f32Array('grad', 'read'),
    f32Array('model_active', 'read'),
    f32Array('counts', 'read'),
    f32Array('clip', 'read'),
    f32Array('theta', 'read_write'),
    f32Array('moment1', 'read_write'),
    f32Array('moment2', 'read_write'),
  ];
  const update =
    shape.optimizer === 'adam'
      ? `
  let m1 = 0.9 * moment1[t] + 0.1 * g;
  let m2 = 0.999 * moment2[t] + 0.001 * g * g;
  moment1[t] = m1;
  moment2[t] = m2;
  let c = counts[m];
  let m_hat = m1 / (1.0 - pow(0.9, c));
  let v_hat = m2 / (1.0 - pow(0.999, c));
  theta[t] = theta[t] - step.lr * m_hat / (sqrt(v_hat) + 1e-8);`
      : `
  let u = 0.9 * moment1[t] + g;
  moment1[t] = u;
  theta[t] = theta[t] - step.lr * u;`;
  return kernel(
    'train_optimizer',
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * P) {
    return;
  }
  let m = t / P;
  if (model_active[m] == 0.0) {
    return;
  }
  let g = grad[t] * clip[m];
${update}
`,
  );
}
