/** The float64 training oracle's state between steps: the resolved request and every model's θ and optimiser state. */
import type { TrainingSetup } from './data.js';
import type { OptimizerState } from './optim.js';

export interface OracleModelState {
  readonly theta: Float64Array;
  readonly optimizer: OptimizerState;
}

export interface OracleState {
  readonly setup: TrainingSetup;
  readonly models: readonly OracleModelState[];
}
