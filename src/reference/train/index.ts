/**
 * The float64 training oracle: a CPU reference of training with the GPU trainer's minibatches,
 * draws, objectives and optimiser (src/train/types.ts), for checking GPU training step by step.
 */
export { batchPositions, resolveTraining } from './data.js';
export type { ModelSetup, TrainingSetup, ViEstimator } from './data.js';
export { stepDraws } from './draws.js';
export type { StepDraws } from './draws.js';
export { INIT_LOG_SIGMA, INIT_PRELU_SLOPE, INIT_RHO, INIT_SIGMA_LOC, INIT_SIGMA_RHO, initialTheta } from '../../train/init.js';
export { PRECISION_HYPERPRIOR, adversarialMinibatch, forward, locParams, minibatchObjective, objectiveConfig, viTraces } from './objective.js';
export type { LayerTrace, Minibatch, ObjectiveConfig, ObjectiveResult } from './objective.js';
export {
  ADAM_BETA1,
  ADAM_BETA2,
  ADAM_EPSILON,
  SGD_MOMENTUM,
  clipGradient,
  optimizerState,
  optimizerUpdate,
} from './optim.js';
export type { OptimizerState } from './optim.js';
export { oracleGradient, oracleInit, oracleModels, oracleStep, oracleTrain } from './trainer.js';
export type { OracleGradient, OracleModelState, OracleState } from './trainer.js';
