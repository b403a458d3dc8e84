/** The names a training run is configured by: its method, its 'vi' estimator, its optimiser and schedule. */

export type TrainMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map' | 'hmc';

export const TRAIN_METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map', 'hmc'];

/** The methods with a θ layout and step objective of their own; a sampler runs on another's (layoutMethod). */
export type LayoutMethod = Exclude<TrainMethod, 'hmc'>;

/**
 * The method whose θ layout, objective and kernels a method uses: 'hmc' samples the posterior whose
 * negative log density over N is 'map''s full-batch step loss (index.ts, HMC), so it is 'map' there.
 */
export function layoutMethod(method: TrainMethod): LayoutMethod {
  return method === 'hmc' ? 'map' : method;
}

/** The 'vi' gradient estimator of the data term (index.ts, VI ESTIMATORS). */
export type ViEstimator = 'reparameterization' | 'local' | 'flipout';

export const VI_ESTIMATORS: readonly ViEstimator[] = ['reparameterization', 'local', 'flipout'];

export type OptimizerKind = 'adam' | 'sgd';

/** 'constant': lr throughout; 'cosine': lr * (1 + cos(pi t / T)) / 2, from lr at the first step to 0 at the last. */
export type LearningRateSchedule = 'constant' | 'cosine';
