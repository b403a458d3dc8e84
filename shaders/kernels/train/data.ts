/** Training inputs of a step: the minibatch gather (keyed Feistel shuffle, per-model standardisation) and the dropout masks. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { STREAM_DROPOUT, layerStream } from '../../../src/random/streams.js';
import { type TrainLayerLayout } from '../../../src/train/layout.js';
import {
  META_U32,
  META_F32,
  type TrainShape,
  dataRows,
  u32Array,
  f32Array,
  stepBinding,
  kernel
} from './common.js';

/**
 * Gather: the batch rows of every model, standardised with the model's own statistics. With
 * adversarial training, slots BD.. (the adversarial copies) are cleared and marked invalid until
 * trainAdversarialKernel fills them.
 */
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
  let position = step.s * BD + b;
  let in_batch = b < BD && step.s < meta_u[m * ${META_U32}u + 2u] && position < n_m;
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
    `const IN0: u32 = ${inputDim}u;\nconst BD: u32 = ${dataRows(shape)}u;`,
  );
}

/**
 * Adversarial copies (types.ts): slot BD + b of model m gets x_b + step_m ⊙ sign(dx_b), the target
 * and the validity of slot b. dx is the data term's gradient over the standardised inputs
 * (trainInputGradKernel); step is adversarialEpsilon x each input's range in standardised units.
 * One thread per (model, data slot).
 */
export function trainAdversarialKernel(shape: TrainShape, inputDim: number): Kernel {
  const bindings = [
    stepBinding,
    f32Array('adv_step', 'read'),
    f32Array('dx', 'read'),
    f32Array('xb', 'read_write'),
    f32Array('yb', 'read_write'),
    f32Array('valid', 'read_write'),
  ];
  return kernel(
    'train_adversarial',
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * BD) {
    return;
  }
  let m = t / BD;
  let src = m * B + t % BD;
  let dst = src + BD;
  valid[dst] = valid[src];
  yb[dst] = yb[src];
  for (var i = 0u; i < IN0; i++) {
    xb[dst * IN0 + i] = xb[src * IN0 + i] + adv_step[m * IN0 + i] * sign(dx[src * IN0 + i]);
  }
`,
    `const IN0: u32 = ${inputDim}u;\nconst BD: u32 = ${dataRows(shape)}u;`,
  );
}

/** Threads of trainMasksKernel: one per (model, group of 4 mask elements). */
export function trainMasksThreads(shape: TrainShape, layer: TrainLayerLayout): number {
  return shape.models * Math.ceil((shape.batch * layer.inputs) / 4);
}

/**
 * Dropout masks of layer l's input, per (model, batch slot, unit): keep ? 1/(1-p) : 0. Element e of
 * model m uses word e % 4 of Philox block e / 4, so a thread draws one block and writes its 4 masks.
 */
export function trainMasksKernel(shape: TrainShape, layer: TrainLayerLayout): Kernel {
  const bindings = [stepBinding, u32Array('meta_u', 'read'), f32Array('meta_f', 'read'), f32Array('masks', 'read_write')];
  return kernel(
    `train_masks_l${layer.index}`,
    shape,
    bindings,
    `
  let t = flat_index(gid, groups);
  if (t >= M * QUADS) {
    return;
  }
  let m = t / QUADS;
  let q = t % QUADS;
  let w = philox4x32(vec4<u32>(q, step.t, ${layerStream(layer.index, STREAM_DROPOUT)}u, m + 1u), seed_key());
  let threshold = meta_u[m * ${META_U32}u + 3u];
  let scale = meta_f[m * ${META_F32}u];
  for (var c = 0u; c < 4u; c++) {
    let e = q * 4u + c;
    if (e < B * IN) {
      masks[MASK_OFFSETS[${layer.index}] + m * B * IN + e] = select(0.0, scale, (w[c] >> 8u) < threshold);
    }
  }
`,
    `const IN: u32 = ${layer.inputs}u;\nconst QUADS: u32 = ${Math.ceil((shape.batch * layer.inputs) / 4)}u;`,
  );
}
