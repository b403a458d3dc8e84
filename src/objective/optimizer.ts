/**
 * The optimiser's constants and the learning-rate schedule (index.ts, OPTIMISER): the GPU
 * optimizer kernel compiles these numbers in and the float64 oracle computes with them.
 */
import type { LearningRateSchedule } from './methods.js';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;
export const SGD_MOMENTUM = 0.9;

/** Learning rate at global step t of `totalSteps` under the schedule, from the base rate `lr`. */
export function scheduledLearningRate(schedule: LearningRateSchedule, lr: number, t: number, totalSteps: number): number {
  if (schedule === 'constant') return lr;
  return lr * 0.5 * (1 + Math.cos((Math.PI * t) / totalSteps));
}
