/**
 * 'concrete-dropout''s own terms (src/objective/index.ts, CONCRETE DROPOUT), in float64: the relaxed
 * masks of a step from its logistic noise and θ's logits, the logits' gradient through the masks,
 * and the per-layer regulariser with its gradients over W, b and the logits. The data term is the
 * point methods' (point-objective.ts, as 'map''s).
 */
import { CONCRETE_TEMPERATURE, concreteDrop, concreteMask, concreteRegulariser } from '../../objective/concrete.js';
import { sigmoid } from '../../math/activations.js';
import type { TrainLayout } from '../../objective/layout.js';
import type { ObjectiveConfig } from './config.js';
import type { LayerTrace } from './network.js';
import { addAt } from './parameters.js';

function logitAt(layout: TrainLayout, theta: Float64Array, l: number): number {
  return theta[layout.dropoutLogit + l] ?? NaN;
}

/** Every layer's mask [rows, inputs] from the step's noise (draws.concrete) and θ's logits. */
export function concreteMasks(layout: TrainLayout, theta: Float64Array, noise: readonly Float64Array[]): Float64Array[] {
  return layout.layers.map((layer) => {
    const g = noise[layer.index];
    if (!g) throw new RangeError(`internal: no concrete noise for layer ${layer.index}`);
    const logit = logitAt(layout, theta, layer.index);
    return g.map((v) => concreteMask(logit, v));
  });
}

/**
 * Adds the data term's gradient over each logit into grad: Σ_(b,i) dL/d(x m)_bi (x m)_bi (p − z_bi / T),
 * with inputGrads[l] the gradient over layer l's masked input and traces[l].input that input.
 */
export function concreteLogitGradient(
  layout: TrainLayout,
  theta: Float64Array,
  noise: readonly Float64Array[],
  traces: readonly LayerTrace[],
  inputGrads: readonly Float64Array[],
  grad: Float64Array,
): void {
  for (const layer of layout.layers) {
    const l = layer.index;
    const g = noise[l];
    const trace = traces[l];
    const dIn = inputGrads[l];
    if (!g || !trace || !dIn) throw new RangeError(`internal: layer ${l} is missing from the concrete gradient`);
    const logit = logitAt(layout, theta, l);
    const p = sigmoid(logit);
    let sum = 0;
    for (let e = 0; e < g.length; e++) {
      const z = concreteDrop(logit, g[e] ?? NaN);
      sum += (dIn[e] ?? NaN) * (trace.input[e] ?? NaN) * (p - z / CONCRETE_TEMPERATURE);
    }
    addAt(grad, layout.dropoutLogit + l, sum);
  }
}

/**
 * The regulariser Σ_l [c Σ W_l² / (1 − p_l) + c Σ b_l² + (K_l / N)(p_l log p_l + (1 − p_l) log(1 − p_l))]
 * (c = cfg.weightDecay = l² / (2N), K_l the layer's inputs), its gradient added into grad.
 */
export function concreteRegulariserTerm(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, grad: Float64Array): number {
  const c = cfg.weightDecay;
  let loss = 0;
  for (const layer of layout.layers) {
    const logit = logitAt(layout, theta, layer.index);
    const keepScale = 1 + Math.exp(logit);
    const w = layer.units * layer.inputs;
    let sumW2 = 0;
    let sumB2 = 0;
    for (let e = 0; e < w; e++) {
      const v = theta[layer.weight + e] ?? NaN;
      sumW2 += v * v;
      addAt(grad, layer.weight + e, 2 * c * v * keepScale);
    }
    for (let j = 0; j < layer.units; j++) {
      const v = theta[layer.bias + j] ?? NaN;
      sumB2 += v * v;
      addAt(grad, layer.bias + j, 2 * c * v);
    }
    const r = concreteRegulariser(logit, sumW2, sumB2, layer.inputs, c, cfg.n);
    loss += r.value;
    addAt(grad, layout.dropoutLogit + layer.index, r.dLogit);
  }
  return loss;
}
