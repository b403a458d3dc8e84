/**
 * run: the epochs of a training run. Each epoch's steps go through the recorder, many per submit
 * (update.ts); then only the per-model epoch loss (2M floats) is read back, checked for divergence
 * and reported, and the signal checked. θ is read back at the end, and after each snapshot epoch.
 */
import { readBuffer } from '../gpu/buffers.js';
import { divergenceError } from '../objective/prepare.js';
import type { TrainOptions } from '../objective/types.js';
import { trainBuffer } from './buffers.js';
import type { TrainState } from './state.js';
import { update } from './update.js';

/** Where a run ended: every model's θ and loss per epoch, and the epoch each diverged at (null: never). */
export interface TrainOutcome {
  /** [M, θ size]. */
  readonly theta: Float32Array;
  /** history[e][m]: model m's mean step loss in epoch e. */
  readonly history: Float64Array[];
  readonly divergedAt: readonly (number | null)[];
  /** [snapshot][M * θ size]: θ after each of the run's snapshotEpochs. */
  readonly snapshots: readonly Float32Array[];
}

export interface RunReporting {
  readonly onProgress: TrainOptions['onProgress'];
  /** performance.now() when train() was called, and the time spent before the first epoch. */
  readonly started: number;
  readonly compileMs: number;
}

export async function run(state: TrainState, reporting: RunReporting): Promise<TrainOutcome> {
  const { ctx, recorder, buffers } = state;
  const prepared = state.plan.run;
  const M = prepared.models.length;
  const epochLoss = trainBuffer(buffers, 'epoch_loss');
  const history: Float64Array[] = [];
  const divergedAt: (number | null)[] = prepared.models.map(() => null);
  const snapshots: Float32Array[] = [];
  const thetaBytes = M * state.plan.layout.size * 4;
  for (let epoch = 0; epoch < prepared.epochs; epoch++) {
    recorder.clear(epochLoss);
    for (let s = 0; s < prepared.maxStepsPerEpoch; s++) await update(state, epoch, s);
    await recorder.flush();
    // Per model: the sum of its step losses and the number of steps it took.
    const loss = new Float32Array(await readBuffer(ctx, epochLoss, 0, M * 8));
    const perModel = Float64Array.from({ length: M }, (_, m) => (loss[2 * m] as number) / Math.max(loss[2 * m + 1] as number, 1));
    history.push(perModel);
    ctx.assertHealthy();
    perModel.forEach((value, m) => {
      if (Number.isFinite(value) || divergedAt[m] !== null) return;
      divergedAt[m] = epoch + 1;
      if (prepared.onNonFinite === 'error') throw divergenceError(prepared, m, epoch + 1, `its loss is ${value}`);
    });
    if (prepared.snapshotEpochs.includes(epoch + 1)) snapshots.push(new Float32Array(await readBuffer(ctx, trainBuffer(buffers, 'theta'), 0, thetaBytes)));
    reporting.onProgress?.({ epoch: epoch + 1, epochs: prepared.epochs, loss: perModel, elapsedMs: performance.now() - reporting.started, compileMs: reporting.compileMs });
    prepared.signal?.throwIfAborted();
  }
  const theta = new Float32Array(await readBuffer(ctx, trainBuffer(buffers, 'theta'), 0, thetaBytes));
  return { theta, history, divergedAt, snapshots };
}
