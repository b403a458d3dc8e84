/**
 * The fixed numbers of the objectives (index.ts, OBJECTIVES and HIERARCHICAL PRIOR), read by the
 * GPU kernels, the float64 oracle and the θ -> Model conversion alike.
 */
import type { GammaPrior } from '../model/spec.js';

/** Gamma(a, b) prior of 'vi''s sigma (the seed Pyro model's). */
export const VI_SIGMA_PRIOR: GammaPrior = { concentration: 0.5, rate: 1 };

/**
 * Hyperprior of a hierarchical layer's prior precision λ_l: Gamma(concentration 1, rate 1). The
 * objective adds −log Gamma(λ_l | 1, 1) (= λ_l) per layer, with λ_l = exp(θ[precision + l]) and no
 * Jacobian term.
 */
export const PRECISION_HYPERPRIOR: GammaPrior = { concentration: 1, rate: 1 };

/** Floor added to a heteroscedastic head's softplus so sigma never reaches 0 ('ensemble''s, and every method's with TrainOptions.heteroscedastic). */
export const ENSEMBLE_MIN_SCALE = 1e-3;
