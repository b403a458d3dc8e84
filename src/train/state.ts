/**
 * The state of a training run between its stages (numpyro's SVI shape: init makes it, update
 * records one step on it, run drives the epochs): the plan, the run's Philox key, its buffers and
 * the step's compiled programs, and the recorder the steps go through. The handles never change;
 * what the GPU holds behind them (θ, the moments) is the state proper.
 */
import type { BufferSet } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import type { Program } from '../kernels/program.js';
import type { StepField } from '../objective/step.js';
import type { Key } from '../random/draws.js';
import type { Recorder } from '../scheduler/recorder.js';
import type { TrainBuffers } from './buffers.js';
import type { HmcPrograms } from './hmc-programs.js';
import type { TrainPlan } from './plan.js';

export interface TrainState {
  readonly ctx: GpuContext;
  readonly plan: TrainPlan;
  readonly key: Key;
  /** Owns every buffer of the run (destroyed by disposeTraining). */
  readonly bufferSet: BufferSet;
  readonly buffers: TrainBuffers;
  /** The programs of one step, in dispatch order (step-programs.ts), compiled. */
  readonly step: readonly Program<void>[];
  /** 'hmc''s programs (hmc-programs.ts), compiled with the step's; null for the other methods. */
  readonly sampler: HmcPrograms | null;
  readonly recorder: Recorder<StepField>;
}
