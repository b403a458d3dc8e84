/** Adversarial training's minibatch (src/objective/index.ts, ADVERSARIAL TRAINING). */
import type { TrainLayout } from '../../objective/layout.js';
import type { Minibatch, ObjectiveConfig } from './config.js';
import { backward, forward } from './network.js';
import { locParams, zerosLike } from './parameters.js';
import { pointDataTerm } from './point-objective.js';

/**
 * Adversarial training (src/objective/index.ts, ADVERSARIAL TRAINING): the minibatch followed by its fast-gradient-sign copies
 * x' = x + step ⊙ sign(d data term / d x) at θ, the targets repeated.
 */
export function adversarialMinibatch(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  masks: readonly (Float64Array | null)[],
  step: Float64Array,
): Minibatch {
  const { params, slopes } = locParams(layout, theta);
  const traces = forward(layout, params, slopes, batch.x, batch.rows, masks);
  const out = traces[traces.length - 1]?.out ?? new Float64Array(0);
  const dOut = new Float64Array(out.length);
  pointDataTerm(layout, cfg.method, theta, out, batch, dOut, new Float64Array(layout.size), cfg.fixedSigma);
  const dx = new Float64Array(batch.x.length);
  const scratch = layout.layers.map((layer) => new Float64Array(layer.units));
  backward(layout, params, slopes, traces, masks, batch.rows, dOut, zerosLike(params), scratch, dx);
  const x = new Float64Array(2 * batch.x.length);
  x.set(batch.x);
  const dim = step.length;
  for (let e = 0; e < batch.x.length; e++) x[batch.x.length + e] = (batch.x[e] ?? NaN) + (step[e % dim] ?? NaN) * Math.sign(dx[e] ?? NaN);
  const y = new Float64Array(2 * batch.y.length);
  y.set(batch.y);
  y.set(batch.y, batch.y.length);
  return { rows: 2 * batch.rows, x, y };
}
