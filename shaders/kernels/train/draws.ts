/** 'vi' draws of a step: weights (reparameterisation / Flipout), sigma, and Flipout's sign vectors. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { STREAM_FLIP, STREAM_WEIGHTS, layerStream } from '../../../src/random/streams.js';
import { type TrainLayerLayout } from '../../../src/train/layout.js';
import {
  type TrainShape,
  f32Array,
  stepBinding,
  kernel
} from './common.js';

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
