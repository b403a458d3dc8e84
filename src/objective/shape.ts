/**
 * The compile-time shape of a training run's step: what every training kernel is specialised for
 * (its cache key's input) and what the trainer sizes its buffers by.
 */
import type { GammaPrior } from '../model/spec.js';
import type { TrainLayout } from './layout.js';
import type { OptimizerKind, ViEstimator } from './methods.js';
import type { PreparedSampler } from './sampler.js';

export interface TrainShape {
  readonly layout: TrainLayout;
  /** M: models trained together. */
  readonly models: number;
  /** Rows per step as the kernels see them: the data rows, then as many adversarial copies when adversarial. */
  readonly batch: number;
  /** K: weight samples per step ('vi'; 1 otherwise). */
  readonly samples: number;
  /** Dropout masks on every layer's input ('mc-dropout'; relaxed ones for 'concrete-dropout'). */
  readonly dropout: boolean;
  readonly sigmaPrior: GammaPrior;
  readonly optimizer: OptimizerKind;
  /** 'sgmcmc': the sampler's update replaces the optimiser's (sampler.ts); null otherwise. */
  readonly sampler: PreparedSampler | null;
  /** Global gradient norm per model; 0 for no clipping. */
  readonly clipNorm: number;
  /** 'vi' gradient estimator (index.ts, VI ESTIMATORS); 'reparameterization' for the other methods. */
  readonly estimator: ViEstimator;
  readonly hierarchical: boolean;
  /** Adversarial training (index.ts): rows batch/2.. of a step hold the copies of rows 0..batch/2. */
  readonly adversarial: boolean;
}

/** Data rows of a step: the batch, or its first half when the second half holds adversarial copies. */
export function dataRows(shape: TrainShape): number {
  return shape.adversarial ? shape.batch / 2 : shape.batch;
}
