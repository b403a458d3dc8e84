/**
 * Identity-keyed random streams on the GPU (ModelHyper.stream, src/random/train-streams.ts): a model
 * trained alone with stream s reaches the same θ, bit for bit, as the same model trained in slot 3
 * of a call whose other models have other rows (so other steps per epoch and a longer call), other
 * hyper-parameters and other streams, for every method and VI estimator; the float64 oracle
 * reproduces a call with non-default streams. Bit-identity is the exact answer here: the same draws,
 * minibatches and float32 operations in the same order give the same bits, and a draw keyed by the
 * slot or by the call's step count changes θ by O(lr) after one step.
 */
import { expect, it } from 'vitest';
import { oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import type { ModelHyper, TrainMethod, TrainOptions, ViEstimator } from '../../src/objective/types.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

function dataset(rows: number, dim: number, seed: number) {
  const rand = testRng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: dim }, () => 4 * rand() - 2));
  const y = x.map((r) => Math.sin(r.reduce((a, b) => a + b, 0)) + 0.2 * rand() + 3);
  return { x, y };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

interface Case {
  readonly label: string;
  readonly method: TrainMethod;
  readonly viEstimator?: ViEstimator;
  readonly kernelStrategy: 'tiled' | 'simple';
}

const CASES: readonly Case[] = [
  { label: 'vi (reparameterization)', method: 'vi', viEstimator: 'reparameterization', kernelStrategy: 'tiled' },
  { label: 'vi (local)', method: 'vi', viEstimator: 'local', kernelStrategy: 'simple' },
  { label: 'vi (flipout)', method: 'vi', viEstimator: 'flipout', kernelStrategy: 'simple' },
  { label: 'mc-dropout', method: 'mc-dropout', kernelStrategy: 'tiled' },
  { label: 'ensemble', method: 'ensemble', kernelStrategy: 'simple' },
  { label: 'map (adversarial)', method: 'map', kernelStrategy: 'tiled' },
  // Its relaxed masks' noise is redrawn by the logits' gradient kernel: both must key by the stream.
  { label: 'concrete-dropout', method: 'concrete-dropout', kernelStrategy: 'simple' },
];

const arch = { inputDim: 2, hidden: [5], activation: 'tanh' as const };
const data = dataset(48, 2, 21);

/** The model under test: 20 rows (3 steps of 8 an epoch), its own hyper-parameters and stream. */
const subject: ModelHyper = { rows: range(4, 20), dropout: 0.15, tau: 3, priorScale: 0.8, lr: 2e-2, stream: 4_000_000_001 };

/** Its companions in slots 0-2: other rows (30 rows make the call's epoch 4 steps), settings and streams (one is the default, its slot). */
const companions: readonly ModelHyper[] = [
  { rows: range(10, 30), dropout: 0.3, tau: 9, priorScale: 1.5, stream: 7 },
  { rows: range(0, 12), dropout: 0.05, lr: 5e-3 },
  { rows: range(30, 5), dropout: 0.2, tau: 2, priorScale: 0.5, stream: 4_000_000_000 },
];

function options(c: Case, models: readonly ModelHyper[]): TrainOptions {
  return {
    method: c.method,
    ...(c.viEstimator ? { viEstimator: c.viEstimator } : {}),
    kernelStrategy: c.kernelStrategy,
    epochs: 2,
    batchSize: 8,
    lr: 1e-2,
    seed: 11,
    samplesPerStep: c.method === 'vi' ? 2 : 1,
    ...(c.method === 'map' ? { adversarialEpsilon: 0.01 } : {}),
    // dropout and tau are 'mc-dropout' settings (another method refuses tau); dropout is 'concrete-dropout''s initial rate.
    models: models.map(({ dropout, tau, ...rest }) =>
      c.method === 'mc-dropout'
        ? { ...rest, ...(dropout === undefined ? {} : { dropout }), ...(tau === undefined ? {} : { tau }) }
        : c.method === 'concrete-dropout' && dropout !== undefined
          ? { ...rest, dropout }
          : rest,
    ),
  };
}

describeGpu('identity-keyed training streams', () => {
  const ctx = gpu!;

  it.each(CASES)('$label: a model trained alone with stream s has the θ it has in slot 3 of a call with other models, bit for bit', async (c) => {
    const alone = await train(ctx, arch, data, options(c, [subject]));
    const shared = await train(ctx, arch, data, options(c, [...companions, subject]));
    expect(Array.from(shared.theta[3]!)).toEqual(Array.from(alone.theta[0]!));
    expect(shared.history.map((h) => h[3])).toEqual(alone.history.map((h) => h[0]));
    expect(alone.theta[0]!.every(Number.isFinite)).toBe(true);
  });

  it('mc-dropout: a model with fewer rows than the batch size takes the same full-batch steps whatever batch its call has', async () => {
    // Alone the batch is its 6 rows; beside a 30-row model it is 16: the same masks (indexed by
    // batch slot) and the same sums (the extra slots are invalid and add nothing).
    const small = { ...subject, rows: range(40, 6) };
    const o = (models: readonly ModelHyper[]) => ({ ...options(CASES[3]!, models), batchSize: 16 });
    const alone = await train(ctx, arch, data, o([small]));
    const shared = await train(ctx, arch, data, o([companions[0]!, small]));
    expect(Array.from(shared.theta[1]!)).toEqual(Array.from(alone.theta[0]!));
  });

  it.each([CASES[3]!, CASES[2]!, CASES[6]!])('$label: the float64 oracle reproduces a call with non-default streams and unequal epochs (θ and loss history)', async (c) => {
    const o = options(c, [...companions, subject]);
    const result = await train(ctx, arch, data, o);
    const oracle = oracleTrain(arch, data, o);
    // |gpu - oracle| <= 5e-3 (1 + |oracle|): float32 forward and backward of a 5-unit network on
    // standardised data over 8 Adam steps (as train.gpu.test.ts); a wrong stream or step index moves θ by O(lr) = 1e-2 per step.
    result.theta.forEach((theta, m) => expectAllClose(theta, oracle.theta[m]!, relativeBound(oracle.theta[m]!, 5e-3), `model ${m} θ`));
    result.history.forEach((losses, e) => expectAllClose(losses, oracle.history[e]!, relativeBound(oracle.history[e]!, 5e-3), `epoch ${e} loss`));
  });
});
