/** 'vi''s KL term of the Gaussian weights, with the hierarchical prior's precision terms (src/objective/index.ts). */
import { sigmoid, softplus } from '../../math/activations.js';
import { gammaLogPdf } from '../../math/densities.js';
import { PRECISION_HYPERPRIOR } from '../../objective/constants.js';
import type { TrainLayout } from '../../objective/layout.js';
import { addAt, thetaIndex } from './parameters.js';

/**
 * KL(N(loc, softplus(rho)²) ‖ N(0, p²)) summed over every W and b, gradient into `grad`: p = priorScale,
 * or with the hierarchical prior p = 1/sqrt(λ_l) for layer l's elements (λ_l = exp(θ[precision + l])),
 * plus Σ_l −log Gamma(λ_l | 1, 1), with the gradient over log λ_l of both.
 */
export function gaussianKl(layout: TrainLayout, priorScale: number, theta: Float64Array, grad: Float64Array): number {
  const hierarchical = layout.precision >= 0;
  let kl = 0;
  layout.layers.forEach((layer, l) => {
    const logLambda = hierarchical ? (theta[layout.precision + l] ?? NaN) : 0;
    const lambda = Math.exp(logLambda);
    const ps = hierarchical ? Math.exp(-0.5 * logLambda) : priorScale;
    const ps2 = hierarchical ? 1 / lambda : priorScale * priorScale;
    let gLogLambda = 0;
    for (let e = 0; e < layer.units * (layer.inputs + 1); e++) {
      const locAt = thetaIndex(layer, e, false);
      const rhoAt = thetaIndex(layer, e, true);
      const mu = theta[locAt] ?? NaN;
      const rho = theta[rhoAt] ?? NaN;
      const s = softplus(rho);
      kl += Math.log(ps / s) + (s * s + mu * mu) / (2 * ps2) - 0.5;
      addAt(grad, locAt, mu / ps2);
      addAt(grad, rhoAt, (-1 / s + s / ps2) * sigmoid(rho));
      // log p = −log λ / 2 and 1/p² = λ: d/d log λ of the element's KL is −1/2 + λ (s² + μ²) / 2.
      gLogLambda += -0.5 + (lambda * (s * s + mu * mu)) / 2;
    }
    if (hierarchical) {
      const { concentration: a, rate } = PRECISION_HYPERPRIOR;
      kl -= gammaLogPdf(lambda, a, rate);
      // −log Gamma(λ | a, rate) = rate λ − (a − 1) log λ + const: d/d log λ = rate λ − (a − 1).
      gLogLambda += rate * lambda - (a - 1);
      addAt(grad, layout.precision + l, gLogLambda);
    }
  });
  return kl;
}
