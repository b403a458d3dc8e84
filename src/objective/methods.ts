/** The names a training run is configured by: its method, its 'vi' estimator, its optimiser and schedule. */

export type TrainMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map' | 'concrete-dropout';

export const TRAIN_METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'ensemble', 'map', 'concrete-dropout'];

/** The 'vi' gradient estimator of the data term (index.ts, VI ESTIMATORS). */
export type ViEstimator = 'reparameterization' | 'local' | 'flipout';

export const VI_ESTIMATORS: readonly ViEstimator[] = ['reparameterization', 'local', 'flipout'];

export type OptimizerKind = 'adam' | 'sgd';

/** 'constant': lr throughout; 'cosine': lr * (1 + cos(pi t / T)) / 2, from lr at the first step to 0 at the last. */
export type LearningRateSchedule = 'constant' | 'cosine';
