/**
 * TrainOptions.snapshotEpochs: θ copied after chosen epochs (the iterates SWAG and the
 * stochastic-gradient samplers keep), on the GPU and in the float64 oracle. The GPU's snapshots
 * track the oracle's as the final θ does (|gpu − oracle| <= 2e-3 (1 + |oracle|): float32 forward and
 * backward over O(1) values for a few Adam epochs), the last snapshot at the last epoch equals the
 * final θ bit for bit, and bad lists are typed errors.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const arch = { inputDim: 2, hidden: [6], activation: 'tanh' as const };
const rand = testRng(31);
const x = Array.from({ length: 24 }, () => [4 * rand() - 2, 4 * rand() - 2]);
const y = x.map((r) => Math.sin(r[0] ?? 0) + 0.3 * (r[1] ?? 0) + 0.1 * (rand() - 0.5));

describeGpu('snapshotEpochs', () => {
  const ctx = gpu!;

  it('map / 2 models: snapshots after epochs 1, 3, 4 match the oracle; the last one is the final θ', async () => {
    const options: TrainOptions = {
      method: 'map',
      epochs: 4,
      batchSize: 8,
      lr: 0.01,
      seed: 3,
      snapshotEpochs: [1, 3, 4],
      models: [{}, { rows: [0, 2, 4, 6, 8, 10, 12, 14, 16], priorScale: 0.5 }],
    };
    const gpuResult = await train(ctx, arch, { x, y }, options);
    const oracle = oracleTrain(arch, { x, y }, options);
    expect(gpuResult.snapshots.map((list) => list.length)).toEqual([3, 3]);
    expect(gpuResult.snapshotTheta.map((list) => list.length)).toEqual([3, 3]);
    gpuResult.snapshotTheta.forEach((list, m) => {
      list.forEach((theta, k) => {
        const want = oracle.snapshotTheta[m]![k]!;
        expectAllClose(theta, want, relativeBound(want, 2e-3), `model ${m} snapshot ${k}`);
      });
      expect(Array.from(list[2]!)).toEqual(Array.from(gpuResult.theta[m]!));
    });
    // The snapshots are engine models of the same kind as the final ones.
    expect(gpuResult.snapshots[1]![0]!.spec.layers.length).toBe(gpuResult.models[1]!.spec.layers.length);
    // The first snapshot differs from the last: the run moved between them.
    expect(Array.from(gpuResult.snapshotTheta[0]![0]!)).not.toEqual(Array.from(gpuResult.snapshotTheta[0]![2]!));
  });

  it('without snapshotEpochs the lists are empty', async () => {
    const r = await train(ctx, arch, { x, y }, { method: 'map', epochs: 1, seed: 1 });
    expect(r.snapshots).toEqual([[]]);
    expect(r.snapshotTheta).toEqual([[]]);
  });

  it.each([
    [[0], /snapshotEpochs\[0\]/],
    [[2, 2], /strictly ascending/],
    [[3, 1], /strictly ascending/],
    [[5], /after the last epoch/],
    [[1.5], /snapshotEpochs\[0\]/],
    ['1', /array of epoch numbers/],
  ])('%j is refused', async (list, message) => {
    const options = { method: 'map', epochs: 4, snapshotEpochs: list } as unknown as TrainOptions;
    await expect(train(ctx, arch, { x, y }, options)).rejects.toThrow(InvalidInputError);
    await expect(train(ctx, arch, { x, y }, options)).rejects.toThrow(message);
    expect(() => oracleTrain(arch, { x, y }, options)).toThrow(message);
  });
});
