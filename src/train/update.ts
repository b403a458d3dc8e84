/**
 * update: one training step recorded, not yet submitted: its Step values (global step, epoch,
 * step in the epoch, the scheduled learning rate, the key) in a new recorder slot, then the step's
 * programs in order. The recorder submits a batch of steps at a time (init.ts).
 */
import { learningRate } from '../objective/prepare.js';
import type { TrainState } from './state.js';

export async function update(state: TrainState, epoch: number, stepInEpoch: number): Promise<void> {
  const run = state.plan.run;
  const t = epoch * run.maxStepsPerEpoch + stepInEpoch;
  await state.recorder.begin({ t, epoch, stepInEpoch, lr: learningRate(run, t), seedLo: state.key[0], seedHi: state.key[1] });
  for (const program of state.step) state.recorder.dispatch(program, undefined);
}
