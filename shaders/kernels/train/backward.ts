/** Backward pass of one layer: dz from dh, dh of the previous layer, and the parameter gradients. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { type TrainLayerLayout } from '../../../src/train/layout.js';
import { f32Literal } from '../../../src/kernels/wgsl.js';
import {
  type TrainShape,
  f32Array,
  kernel,
  weightAt,
  inputAt,
  locAt,
  stdAt,
  deltaAt,
  flipIn,
  flipOut,
  estimatorBindings,
  layerBindings,
  layerConstants,
  mkbPrelude,
  slopeExpr,
  weightGradBindings,
  parameterGradientWgsl,
  rhoIndexWgsl,
  preluSlopeGradientWgsl,
  stepBinding,
} from './common.js';

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
    layerConstants(layer),
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
 * The gradient over layer 0's inputs (the standardised x of each batch slot) for adversarial
 * training: dx = W_0^T dz_0, written to dx [M, B, IN]. Only the point methods train adversarially
 * (no dropout, no draws, K = 1).
 */
export function trainInputGradKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  if (layer.index !== 0 || shape.layout.method === 'vi' || shape.dropout) throw new Error('internal: the input gradient is for layer 0 of a point method');
  const bindings = [stepBinding, f32Array('theta', 'read'), f32Array('valid', 'read'), f32Array('dz', 'read'), f32Array('dx', 'read_write')];
  return kernel(
    'train_input_grad',
    shape,
    bindings,
    `${mkbPrelude}
  let base = ACT_OFFSETS[0] + ((m * K + k) * B + b) * OUT;
  for (var i = 0u; i < IN; i++) {
    var acc = 0.0;
    for (var j = 0u; j < OUT; j++) {
      acc = acc + ${weightAt(shape, layer, 'j', 'i')} * dz[base + j];
    }
    dx[(m * B + b) * IN + i] = acc;
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
  const bindings = weightGradBindings(shape, layer);
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
  const regulariser = parameterGradientWgsl(shape, layer);
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
    ${preluSlopeGradientWgsl(layer)}
    return;
  }`
      : ''
  }
  let is_weight = e < ${W}u;
  let j = select(e - ${W}u, e / IN, is_weight);
  let i = e % IN;
  ${method === 'vi' ? `let rho_at = ${rhoIndexWgsl(layer)};\n  let rho = theta[m * P + rho_at];` : ''}
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
