/** The constants of one model's objective and what a step's objective takes and gives, for the float64 training oracle. */
import type { GammaPrior } from '../../model/spec.js';
import { VI_SIGMA_PRIOR } from '../../objective/constants.js';
import type { ObjectiveMethod, ViEstimator } from '../../objective/methods.js';
import type { ModelSetup, TrainingSetup } from './data.js';

/** The constants of one model's objective. */
export interface ObjectiveConfig {
  /** The objective (the layout's: 'sgmcmc' minimises 'map''s). */
  readonly method: ObjectiveMethod;
  /** N, the model's row count (the data term's (N/B) weight in 'vi', the prior's 1/N in 'map'). */
  readonly n: number;
  readonly priorScale: number;
  /** λ of 'mc-dropout''s weight decay, p l² / (2 N τ) (0 for the other methods: their dropout is 0). */
  readonly weightDecay: number;
  readonly sigmaPrior: GammaPrior;
  /**
   * The fixed noise scale in standardised units, 1 / (sqrt(tau) yStd): 'mc-dropout''s (the Student-t's
   * scale there; the Normal's squared error ignores it) and 'map''s with layout.fixedNoise ('sgmcmc').
   */
  readonly fixedSigma?: number;
  /** 'vi' estimator of the data term (default 'reparameterization'); the draws must match it (stepDraws). */
  readonly viEstimator?: ViEstimator;
  /** Adversarial training's step per standardised input ('ensemble', 'map'; src/objective/index.ts); null or absent when off. */
  readonly adversarialStep?: Float64Array | null;
}

export function objectiveConfig(setup: TrainingSetup, model: ModelSetup): ObjectiveConfig {
  const { lambda, priorScale, adversarialStep, sigmaStd } = model.prepared;
  return {
    method: setup.layout.method,
    n: model.n,
    priorScale,
    weightDecay: lambda,
    sigmaPrior: VI_SIGMA_PRIOR,
    viEstimator: setup.viEstimator,
    adversarialStep,
    fixedSigma: sigmaStd,
  };
}

/** Standardised rows of one step: x [rows, inputDim], y [rows]. */
export interface Minibatch {
  readonly rows: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface ObjectiveResult {
  /** The minibatch objective (for 'vi' not yet divided by N). */
  readonly loss: number;
  readonly grad: Float64Array;
}
