/**
 * The minibatch objective of one model (src/objective/index.ts, OBJECTIVES) and its exact gradient
 * over θ, in float64: forward, loss and hand-written backward for every method and activation (PReLU
 * slopes included). Draws come in as data (draws.ts), so for a given step the objective is a
 * deterministic function of θ and its gradient is the reparameterisation gradient. 'vi' has three
 * estimators of the data term (vi-objective.ts) and an optional hierarchical prior (kl.ts); the
 * point methods' terms are in point-objective.ts, concrete dropout's masks and regulariser in concrete-objective.ts.
 */
import type { TrainLayout } from '../../objective/layout.js';
import { adversarialMinibatch } from './adversarial.js';
import { concreteLogitGradient, concreteMasks, concreteRegulariserTerm } from './concrete-objective.js';
import type { Minibatch, ObjectiveConfig, ObjectiveResult } from './config.js';
import type { StepDraws } from './draws.js';
import { backward, forward } from './network.js';
import { addAt, gatherLayer, layerSlopes, scatterLoc, zerosLike } from './parameters.js';
import { pointDataTerm, pointPriorTerm } from './point-objective.js';
import { viObjective } from './vi-objective.js';

/** The minibatch objective of one model at θ with the step's draws, and its gradient over θ. */
export function minibatchObjective(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, batch: Minibatch, draws: StepDraws): ObjectiveResult {
  if (theta.length !== layout.size) throw new RangeError(`θ has ${theta.length} values, the layout ${layout.size}`);
  const grad = new Float64Array(layout.size);
  const locs = layout.layers.map((layer) => gatherLayer(theta, layer, false));
  const slopes = layout.layers.map((layer) => layerSlopes(theta, layer));
  const gSlopes = layout.layers.map((layer) => new Float64Array(layer.units));
  let loss: number;
  if (cfg.method === 'vi') {
    loss = viObjective(layout, cfg, theta, batch, draws, locs, slopes, gSlopes, grad);
  } else if (cfg.method === 'concrete-dropout') {
    loss = concreteObjective(layout, cfg, theta, batch, draws, locs, slopes, gSlopes, grad);
  } else {
    const rows = cfg.adversarialStep ? adversarialMinibatch(layout, cfg, theta, batch, draws.masks, cfg.adversarialStep) : batch;
    const traces = forward(layout, locs, slopes, rows.x, rows.rows, draws.masks);
    const out = traces[traces.length - 1]?.out ?? new Float64Array(0);
    const dOut = new Float64Array(out.length);
    loss = pointDataTerm(layout, cfg.method, theta, out, rows, dOut, grad, cfg.fixedSigma);
    const gParams = zerosLike(locs);
    backward(layout, locs, slopes, traces, draws.masks, rows.rows, dOut, gParams, gSlopes);
    scatterLoc(layout, gParams, grad);
    loss += pointPriorTerm(layout, cfg, theta, grad);
  }
  layout.layers.forEach((layer, l) => {
    if (layer.prelu < 0) return;
    const gs = gSlopes[l] ?? new Float64Array(0);
    for (let j = 0; j < layer.units; j++) addAt(grad, layer.prelu + j, gs[j] ?? 0);
  });
  return { loss, grad };
}

/** 'concrete-dropout': masks from θ's logits, the 'map'-like data term, the logits' gradient through the masks, the regulariser. */
function concreteObjective(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
  locs: Float64Array[],
  slopes: Float64Array[],
  gSlopes: Float64Array[],
  grad: Float64Array,
): number {
  const masks = concreteMasks(layout, theta, draws.concrete);
  const traces = forward(layout, locs, slopes, batch.x, batch.rows, masks);
  const out = traces[traces.length - 1]?.out ?? new Float64Array(0);
  const dOut = new Float64Array(out.length);
  let loss = pointDataTerm(layout, cfg.method, theta, out, batch, dOut, grad);
  const gParams = zerosLike(locs);
  const inputGrads: Float64Array[] = [];
  backward(layout, locs, slopes, traces, masks, batch.rows, dOut, gParams, gSlopes, undefined, inputGrads);
  scatterLoc(layout, gParams, grad);
  concreteLogitGradient(layout, theta, draws.concrete, traces, inputGrads, grad);
  loss += concreteRegulariserTerm(layout, cfg, theta, grad);
  return loss;
}
