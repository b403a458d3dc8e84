/**
 * The samplers' GPU tests' shared setting ('hmc' and 'nuts'): a small 2-5-1 tanh regression of 24
 * rows, and its run through the trainer's own stages (plan, init, the MAP pre-fit, sample) so the
 * raw outcome (trace and chain state included) comes back, not only the trainer's result.
 */
import type { TrainOptions } from '../../src/objective/types.js';
import { sample } from '../../src/train/hmc.js';
import { disposeTraining, init } from '../../src/train/init.js';
import { planTraining } from '../../src/train/plan.js';
import { run } from '../../src/train/run.js';
import { gpu } from './gpu.js';
import { testRng } from './model-builders.js';

const rand = testRng(31);
export const samplerX = Array.from({ length: 24 }, () => [4 * rand() - 2, 4 * rand() - 2]);
export const samplerY = samplerX.map((r) => Math.sin(r[0] ?? 0) + 0.3 * (r[1] ?? 0) + 0.1 * (rand() - 0.5));
export const samplerNet = { inputDim: 2, hidden: [5], activation: 'tanh' as const };

/** The sampler's raw outcome on the setting above. */
export async function sampleOnGpu(options: TrainOptions) {
  const ctx = gpu!;
  const plan = planTraining(ctx.limits, samplerNet, { x: samplerX, y: samplerY }, options);
  const state = await init(ctx, plan);
  try {
    await run(state, { onProgress: undefined, started: 0, compileMs: 0 });
    return { plan, outcome: await sample(state) };
  } finally {
    disposeTraining(state);
  }
}
