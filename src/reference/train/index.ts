/**
 * The float64 training oracle: a CPU reference of training with the GPU trainer's minibatches,
 * draws, objectives and optimiser (the training contract, src/objective), for checking GPU training
 * step by step. It imports nothing from src/gpu or src/kernels.
 */
export { batchPositions, resolveTraining } from './data.js';
export type { ModelSetup, TrainingSetup } from './data.js';
export { stepDraws } from './draws.js';
export type { StepDraws } from './draws.js';
export { objectiveConfig } from './config.js';
export type { Minibatch, ObjectiveConfig, ObjectiveResult } from './config.js';
export { forward } from './network.js';
export type { LayerTrace } from './network.js';
export { locParams } from './parameters.js';
export { adversarialMinibatch } from './adversarial.js';
export { viTraces } from './vi-objective.js';
export { minibatchObjective } from './objective.js';
export { clipGradient, optimizerState, optimizerUpdate, samplerUpdate } from './optim.js';
export type { OptimizerState, SamplerDraw } from './optim.js';
export { oracleGradient, oracleInit, oracleModels, oracleStep, oracleTrain } from './trainer.js';
export type { OracleGradient, OracleModelState, OracleState } from './trainer.js';
export { oracleSample, oracleTransition } from './hmc.js';
export type { OracleSampling } from './hmc.js';
export { oracleChains, oraclePotential } from './chain.js';
export type { OracleChain, OracleTransition } from './chain.js';
export { oracleNutsTransition } from './nuts.js';
