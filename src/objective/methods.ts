import { InvalidInputError } from '../errors.js';

/** The names a training run is configured by: its method, its 'vi' estimator, its optimiser and schedule. */

/** The methods the GPU trainer's objectives implement (index.ts, OBJECTIVES). */
export type ObjectiveMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map' | 'concrete-dropout';

export type TrainMethod = ObjectiveMethod | 'hmc' | 'sgmcmc' | 'swag';

export const TRAIN_METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map', 'hmc', 'sgmcmc', 'swag', 'concrete-dropout'];

/**
 * The methods fitted by a layer above the GPU trainer from its 'map' runs, each by its own entry
 * point: 'swag' by trainSwag (src/swag). train() itself refuses them.
 */
export const POST_HOC_METHODS: readonly TrainMethod[] = ['swag'];

/**
 * The objective whose θ layout, step loss and gradient a method uses: its own, or 'map''s for the
 * samplers (a sampler has no objective of its own: 'hmc' samples the posterior whose negative log
 * density over N is 'map''s full-batch step loss, index.ts HMC; 'sgmcmc' follows the gradient of
 * 'map''s minibatch step loss). A post-hoc method is an InvalidInputError naming its entry point.
 */
export function objectiveMethod(method: TrainMethod): ObjectiveMethod {
  if (method === 'swag') {
    throw new InvalidInputError(
      `method 'swag' is fitted by trainSwag() (src/swag), which runs this trainer's 'map' objective; train() takes vi, mc-dropout, ensemble, map, hmc, sgmcmc, concrete-dropout`,
    );
  }
  return method === 'sgmcmc' || method === 'hmc' ? 'map' : method;
}

/** The 'vi' gradient estimator of the data term (index.ts, VI ESTIMATORS). */
export type ViEstimator = 'reparameterization' | 'local' | 'flipout';

export const VI_ESTIMATORS: readonly ViEstimator[] = ['reparameterization', 'local', 'flipout'];

export type OptimizerKind = 'adam' | 'sgd';

/** 'constant': lr throughout; 'cosine': lr * (1 + cos(pi t / T)) / 2, from lr at the first step to 0 at the last. */
export type LearningRateSchedule = 'constant' | 'cosine';
