/**
 * init: a training run made ready on the GPU. The step's programs are compiled through the
 * device's pipeline cache, then the data, the models' constants and the initial θ are uploaded and
 * the scratch buffers made, and a recorder is set up for the steps.
 */
import { BufferSet } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import { PipelineCache } from '../gpu/pipelines.js';
import { STEP } from '../kernels/train/step.js';
import { seedToKey } from '../random/streams.js';
import { Recorder } from '../scheduler/recorder.js';
import { createTrainBuffers, trainBuffer } from './buffers.js';
import { modelData } from './model-data.js';
import type { TrainPlan } from './plan.js';
import type { TrainState } from './state.js';
import { hmcPrograms } from './hmc-programs.js';
import { stepPrograms } from './step-programs.js';

/**
 * Steps recorded into one submit at most (the run's epochs are shorter, usually): bounds the
 * recorder's uniform buffer (a 256-byte slot per step) and how long one submit holds the GPU.
 */
export const MAX_STEPS_PER_SUBMIT = 256;

/** 'hmc' transitions recorded into one submit at most (one uniform slot each). */
export const HMC_TRANSITIONS_PER_SUBMIT = 32;

export async function init(ctx: GpuContext, plan: TrainPlan): Promise<TrainState> {
  const step = stepPrograms(plan.shape, plan.run, plan.lanesGathers);
  const sampler = plan.run.hmc ? hmcPrograms(plan.shape, plan.run, plan.run.hmc) : null;
  const compiled = await PipelineCache.for(ctx).getAll([...step, ...(sampler?.all ?? [])]);
  const bufferSet = new BufferSet(ctx.device);
  try {
    const bound = new Set([...step, ...(sampler?.all ?? [])].flatMap((program) => program.bindings.map((b) => b.name)));
    const buffers = createTrainBuffers(bufferSet, plan, modelData(plan.run, plan.layout), bound);
    const recorder = new Recorder(ctx, {
      uniform: STEP,
      slotsPerSubmit: sampler ? HMC_TRANSITIONS_PER_SUBMIT : Math.min(plan.run.maxStepsPerEpoch, MAX_STEPS_PER_SUBMIT),
      resolve: (name) => trainBuffer(buffers, name),
      compiled,
      label: 'train',
    });
    return { ctx, plan, key: seedToKey(plan.run.seed), bufferSet, buffers, step, sampler, recorder };
  } catch (error) {
    bufferSet.destroyAll();
    throw error;
  }
}

/** Frees everything init made. */
export function disposeTraining(state: TrainState): void {
  state.recorder.destroy();
  state.bufferSet.destroyAll();
}
