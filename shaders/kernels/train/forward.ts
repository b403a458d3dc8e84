/** Forward pass of one layer for every (model, K-sample, batch slot), for each VI estimator. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { STREAM_MARGINAL, layerStream } from '../../../src/random/streams.js';
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
  locAt,
  stdAt,
  deltaAt,
  flipIn,
  flipOut,
  estimatorBindings,
  layerBindings,
  layerConstants,
  mkbPrelude,
  slopeExpr
} from './common.js';

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
