/**
 * GPU training against the float64 training oracle: same minibatches, draws and objective, so the
 * gradient of a step must agree. A first SGD step with lr = 1 moves θ by exactly -g (the momentum
 * buffer starts at 0), which exposes the GPU gradient; multi-step Adam runs must then track the
 * oracle's θ. Tolerance: |gpu - oracle| <= 2e-3 (1 + |oracle|) — float32 forward and backward over
 * small networks plus the GPU's normal draws (off by <= 5e-4 (1 + |z|), gpu-random.test.ts); a
 * wrong index, stream or derivative is off by O(1).
 */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/model/spec.js';
import { oracleGradient, oracleInit, oracleTrain } from '../src/reference/train/index.js';
import { train } from '../src/train/trainer.js';
import type { TrainMethod, TrainOptions } from '../src/train/types.js';
import { gpu, gpuUnavailableReason } from './gpu-context.js';
import { testRng } from './model-builders.js';

function dataset(rows: number, dim: number, seed: number) {
  const rand = testRng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: dim }, () => 4 * rand() - 2));
  const y = x.map((r) => Math.sin(r.reduce((a, b) => a + b, 0)) + 0.2 * rand() + 3);
  return { x, y };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-3): void {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs((got[i] as number) - (want[i] as number)) / (1 + Math.abs(want[i] as number));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst at θ[${at}] (gpu ${got[at]}, oracle ${want[at]})`).toBeLessThanOrEqual(tol);
}

/** A first SGD step with lr = 1 from the oracle's initial θ moved each model by exactly -gradient. */
function expectFirstStepIsGradient(state: ReturnType<typeof oracleInit>, theta: readonly Float64Array[], label = ''): void {
  state.models.forEach((ms, m) => {
    const g = oracleGradient(state, m, 0);
    expect(g).not.toBeNull();
    const step = Float64Array.from(ms.theta, (v, i) => v - (theta[m]![i] as number));
    expectClose(step, g!.grad, `model ${m} gradient${label}`);
  });
}

const METHODS: readonly TrainMethod[] = ['vi', 'mc-dropout', 'map', 'ensemble'];
const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'gelu', 'leaky_relu', 'prelu', 'identity'];

describe.skipIf(!gpu)(`GPU training vs float64 oracle ${gpu ? '' : `(skipped: ${gpuUnavailableReason})`}`, () => {
  const ctx = gpu!;
  const cases = METHODS.flatMap((method, i) =>
    ACTIVATIONS.filter((_, a) => (a + i) % 2 === 0 || method === 'vi').map((activation, a) => ({ method, activation, kernelStrategy: a % 2 === 0 ? ('tiled' as const) : ('simple' as const) })),
  );

  it.each(cases)('$method / $activation / $kernelStrategy kernels: the first step moves θ by the oracle gradient (3 models, different rows)', async ({ method, activation, kernelStrategy }) => {
    const arch = { inputDim: 3, hidden: [5, 4], activation };
    const data = dataset(14, 3, 3);
    const options: TrainOptions = {
      method,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 17,
      samplesPerStep: method === 'vi' ? 2 : 1,
      kernelStrategy,
      models: [
        { dropout: 0.2, tau: 4, priorScale: 0.7 },
        { rows: [0, 2, 3, 5, 7, 8, 11], dropout: 0.1, tau: 9 },
        { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], dropout: 0.3, tau: 2, priorScale: 2 },
      ],
    };
    const result = await train(ctx, arch, data, options);
    expectFirstStepIsGradient(oracleInit(arch, data, options), result.theta);
  });

  it.each([
    { viEstimator: 'local' as const, hierarchical: false, activation: 'tanh' as const },
    { viEstimator: 'flipout' as const, hierarchical: false, activation: 'relu' as const },
    { viEstimator: 'reparameterization' as const, hierarchical: true, activation: 'gelu' as const },
    { viEstimator: 'local' as const, hierarchical: true, activation: 'prelu' as const },
    { viEstimator: 'flipout' as const, hierarchical: true, activation: 'sigmoid' as const },
  ])('vi $viEstimator, hierarchical $hierarchical: the first step moves θ by the oracle gradient', async ({ viEstimator, hierarchical, activation }) => {
    const arch = { inputDim: 3, hidden: [5, 4], activation };
    const data = dataset(14, 3, 4);
    const options: TrainOptions = {
      method: 'vi',
      viEstimator,
      hierarchical,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 23,
      samplesPerStep: 2,
      models: [{ priorScale: 0.7 }, { rows: [0, 2, 3, 5, 7, 8, 11], priorScale: 1.5 }],
    };
    const result = await train(ctx, arch, data, options);
    expectFirstStepIsGradient(oracleInit(arch, data, options), result.theta);
  });

  // The tiled kernels (shaders/kernels/train/tiled.ts) against the oracle with partial tiles on
  // every side: 6 inputs + bias, widths 9 and 5, batch 10 (one step: 10 and 7 rows), odd tile shapes.
  it.each([
    { method: 'mc-dropout' as const, tile: { rows: 4, units: 4, inputs: 4 }, activation: 'relu' as const },
    { method: 'mc-dropout' as const, tile: { rows: 3, units: 2, inputs: 5 }, activation: 'prelu' as const },
    { method: 'vi' as const, tile: { rows: 8, units: 3, inputs: 2 }, activation: 'tanh' as const },
    { method: 'ensemble' as const, tile: { rows: 1, units: 8, inputs: 8 }, activation: 'gelu' as const },
    { method: 'map' as const, tile: { rows: 5, units: 1, inputs: 1 }, activation: 'leaky_relu' as const },
  ])('tiled kernels, $method / $activation, tile $tile.rows x $tile.units x $tile.inputs: the first step moves θ by the oracle gradient', async ({ method, tile, activation }) => {
    const arch = { inputDim: 6, hidden: [9, 5], activation };
    const data = dataset(10, 6, 8);
    const options: TrainOptions = {
      method,
      epochs: 1,
      batchSize: 10,
      optimizer: 'sgd',
      lr: 1,
      seed: 29,
      samplesPerStep: method === 'vi' ? 3 : 1,
      kernelStrategy: 'tiled',
      tile,
      models: [{ dropout: 0.25, tau: 3, priorScale: 0.8 }, { rows: [1, 2, 3, 5, 8, 0, 9], dropout: 0.1, tau: 5 }],
    };
    const result = await train(ctx, arch, data, options);
    const simple = await train(ctx, arch, data, { ...options, kernelStrategy: 'simple' });
    expectFirstStepIsGradient(oracleInit(arch, data, options), result.theta, ' (tiled)');
    result.theta.forEach((theta, m) => expectClose(theta, simple.theta[m]!, `model ${m} θ, tiled vs simple`, 1e-4));
  });

  // Adversarial training (types.ts): the first pass's input gradient, the copies in the second half
  // of the batch and the doubled batch's objective, for both point methods and kernel strategies.
  // Models 1 and 2 have fewer rows than the batch, so invalid slots (and their copies) are present.
  it.each([
    { method: 'ensemble' as const, activation: 'relu' as const, kernelStrategy: 'tiled' as const },
    { method: 'ensemble' as const, activation: 'prelu' as const, kernelStrategy: 'simple' as const },
    { method: 'map' as const, activation: 'tanh' as const, kernelStrategy: 'tiled' as const },
    { method: 'map' as const, activation: 'gelu' as const, kernelStrategy: 'simple' as const },
  ])('adversarial $method / $activation / $kernelStrategy kernels: the first step moves θ by the oracle gradient', async ({ method, activation, kernelStrategy }) => {
    const arch = { inputDim: 3, hidden: [5, 4], activation };
    const data = dataset(14, 3, 6);
    const plainOptions: TrainOptions = {
      method,
      epochs: 1,
      batchSize: 16,
      optimizer: 'sgd',
      lr: 1,
      seed: 31,
      kernelStrategy,
      models: [{ priorScale: 0.7 }, { rows: [0, 2, 3, 5, 7, 8, 11] }, { rows: [1, 4, 6, 9, 10, 12, 13, 0, 2], priorScale: 2 }],
    };
    const options: TrainOptions = { ...plainOptions, adversarialEpsilon: 0.05 };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleInit(arch, data, options);
    expectFirstStepIsGradient(oracle, result.theta, ' (adversarial)');
    // The copies change the step: without them the oracle's gradient is another.
    const plain = oracleInit(arch, data, plainOptions);
    const a = oracleGradient(oracle, 0, 0)!.grad;
    const b = oracleGradient(plain, 0, 0)!.grad;
    expect(Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))))).toBeGreaterThan(1e-2);
  });

  it.each(['ensemble', 'map'] as const)('adversarial %s: several Adam epochs track the oracle (θ and loss history)', async (method) => {
    const arch = { inputDim: 2, hidden: [6], activation: 'tanh' as const };
    const data = dataset(40, 2, 12);
    const options: TrainOptions = { method, epochs: 3, batchSize: 16, lr: 1e-2, seed: 5, adversarialEpsilon: 0.01, models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }] };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleTrain(arch, data, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });

  it('every buffer a training run creates is destroyed when it returns', async () => {
    const device = ctx.device;
    const created: GPUBuffer[] = [];
    const destroyed = new Set<GPUBuffer>();
    const original = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
      const buffer = original(descriptor);
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        destroyed.add(buffer);
        destroy();
      };
      created.push(buffer);
      return buffer;
    };
    try {
      await train(ctx, { inputDim: 2, hidden: [4], activation: 'relu' }, dataset(12, 2, 9), { method: 'mc-dropout', epochs: 2, batchSize: 5, models: [{ dropout: 0.1 }, { dropout: 0.2 }] });
    } finally {
      device.createBuffer = original;
    }
    expect(created.length).toBeGreaterThan(10);
    expect(created.filter((b) => !destroyed.has(b)).map((b) => b.label)).toEqual([]);
  });

  it.each(METHODS)('%s: several Adam epochs track the oracle (θ and loss history)', async (method) => {
    const arch = { inputDim: 2, hidden: [6], activation: 'tanh' as const };
    const data = dataset(40, 2, 5);
    // The second model has its own learning rate (ModelHyper.lr).
    const options: TrainOptions = { method, epochs: 3, batchSize: 16, lr: 1e-2, seed: 3, clipNorm: 5, schedule: 'cosine', models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10), lr: 3e-2 }] };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleTrain(arch, data, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });
});
