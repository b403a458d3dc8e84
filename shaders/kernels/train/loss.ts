/** Per-model loss of a step and its gradient with respect to the network outputs and noise parameters. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { ENSEMBLE_MIN_SCALE, type TrainLayerLayout } from '../../../src/train/layout.js';
import { f32Literal } from '../../../src/kernels/wgsl.js';
import {
  META_F32,
  type TrainShape,
  f32Array,
  stepBinding,
  kernel,
  priorStd
} from './common.js';

/**
 * The loss of every model and the gradient of its step objective with respect to the network
 * outputs (written to dh of the last layer) and the noise parameters (written to grad). One thread
 * per model; it also accumulates the epoch's loss, unless `accumulate` is false (adversarial
 * training's first pass, which only needs the gradient over the inputs).
 */
export function trainLossKernel(shape: TrainShape, accumulate = true): Kernel {
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
    accumulate ? 'train_loss' : 'train_loss_input_pass',
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
${
  accumulate
    ? `  epoch_loss[2u * m] = epoch_loss[2u * m] + reported;
  epoch_loss[2u * m + 1u] = epoch_loss[2u * m + 1u] + 1.0;`
    : '  _ = reported;'
}
`,
    `
fn kl_normal(mu: f32, s: f32, prior: f32) -> f32 {
  return log(prior / s) + (s * s + mu * mu) / (2.0 * prior * prior) - 0.5;
}`,
  );
}
