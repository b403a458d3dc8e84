/**
 * The values a training step reads besides θ and the data, as field lists (plain data: the GPU
 * side turns them into WGSL structs and their packers, src/kernels/train/step.ts).
 *
 * STEP_FIELDS: one step of the run, a uniform per step. MODEL_FIELDS: one model's constants, a
 * storage array with one entry per model, read by field name (`models[m].priorScale`).
 */

export const STEP_FIELDS = [
  /**
   * Global step t = epoch * the longest model's steps per epoch + stepInEpoch: the learning-rate
   * schedule's position. A model's draws use its own step count instead (index.ts, DRAWS).
   */
  ['t', 'u32'],
  ['epoch', 'u32'],
  ['stepInEpoch', 'u32'],
  /** The scheduled learning rate of the step, before each model's own factor (lrScale). */
  ['lr', 'f32'],
  /** The run's Philox key (seedToKey of options.seed). */
  ['seedLo', 'u32'],
  ['seedHi', 'u32'],
] as const;

export type StepField = (typeof STEP_FIELDS)[number][0];

export const MODEL_FIELDS = [
  /** The model's rows are rows[rowOffset .. rowOffset + rowCount) of the uploaded row list. */
  ['rowOffset', 'u32'],
  ['rowCount', 'u32'],
  /**
   * Steps of the model's own epoch: ceil(rowCount / batch); it sits the epoch's later steps out. Its
   * draws' sample index is its own step epoch * stepsPerEpoch + stepInEpoch (index.ts, DRAWS).
   */
  ['stepsPerEpoch', 'u32'],
  /** The model's stream identity (ModelHyper.stream): its draws' 4th Philox counter word is stream + 1 (src/random/train-streams.ts). */
  ['stream', 'u32'],
  /** 'mc-dropout' keeps a unit when its mask's 16-bit half < keepThreshold (src/random/train-streams.ts). */
  ['keepThreshold', 'u32'],
  /** Inverted dropout's factor on a kept unit: 1 / (1 - p). */
  ['keepScale', 'f32'],
  /** 'mc-dropout''s weight decay λ = p l² / (2 N τ). */
  ['weightDecay', 'f32'],
  ['priorScale', 'f32'],
  /** The targets' standardisation. */
  ['yMean', 'f32'],
  ['yStd', 'f32'],
  /** N = rowCount as a float: the objective's data size. */
  ['n', 'f32'],
  /** This model's learning rate over the run's (ModelHyper.lr / TrainOptions.lr). */
  ['lrScale', 'f32'],
  /** 'mc-dropout''s fixed noise scale in standardised units, 1 / (sqrt(tau) yStd) (the Student-t's scale; the Normal's objective does not read it). */
  ['fixedSigma', 'f32'],
] as const;

export type ModelField = (typeof MODEL_FIELDS)[number][0];
