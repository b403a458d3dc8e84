/** The names a training run is configured by: its method, its 'vi' estimator, its optimiser and schedule. */

export type TrainMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map' | 'sgmcmc';

export const TRAIN_METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map', 'sgmcmc'];

/**
 * The objectives a step can minimise (index.ts, OBJECTIVES). A sampler has no objective of its own:
 * 'sgmcmc' follows the gradient of 'map''s step loss, U(θ)/N (objectiveMethod).
 */
export type ObjectiveMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map';

/** The objective whose θ layout, step loss and gradient a method uses: its own, or 'map''s for the samplers. */
export function objectiveMethod(method: TrainMethod): ObjectiveMethod {
  return method === 'sgmcmc' ? 'map' : method;
}

/** The 'vi' gradient estimator of the data term (index.ts, VI ESTIMATORS). */
export type ViEstimator = 'reparameterization' | 'local' | 'flipout';

export const VI_ESTIMATORS: readonly ViEstimator[] = ['reparameterization', 'local', 'flipout'];

export type OptimizerKind = 'adam' | 'sgd';

/** 'constant': lr throughout; 'cosine': lr * (1 + cos(pi t / T)) / 2, from lr at the first step to 0 at the last. */
export type LearningRateSchedule = 'constant' | 'cosine';
