/** Update of θ: update counting, gradient clipping, Adam or SGD with momentum. */
import type { Kernel } from '../../../src/gpu/kernel.js';
import { f32Literal } from '../../../src/kernels/wgsl.js';
import { META_F32, type TrainShape, f32Array, stepBinding, kernel } from './common.js';

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
    f32Array('meta_f', 'read'),
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
  theta[t] = theta[t] - lr * m_hat / (sqrt(v_hat) + 1e-8);`
      : `
  let u = 0.9 * moment1[t] + g;
  moment1[t] = u;
  theta[t] = theta[t] - lr * u;`;
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
  // The step's scheduled rate times this model's own (ModelHyper.lr / TrainOptions.lr).
  let lr = step.lr * meta_f[m * ${META_F32}u + 7u];
${update}
`,
  );
}
