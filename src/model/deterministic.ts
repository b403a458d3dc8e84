/** Whether a model's predictive needs Monte-Carlo samples at all. */
import { sigmaIsLatent, type ModelSpec } from './spec.js';

/**
 * True when nothing in the model is random: point weights and biases, no dropout, sigma not latent
 * (a deep ensemble's member, a MAP fit). One forward pass is then its whole predictive.
 */
export function isDeterministic(spec: ModelSpec): boolean {
  return !sigmaIsLatent(spec) && spec.layers.every((l) => l.dropout === 0 && l.weight.posterior === 'delta' && l.bias.posterior === 'delta');
}
