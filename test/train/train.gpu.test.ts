/**
 * GPU training against the float64 training oracle: same minibatches, draws and objective, so the
 * gradient of a step must agree. A first SGD step with lr = 1 moves θ by exactly -g (the momentum
 * buffer starts at 0), which exposes the GPU gradient; multi-step Adam runs must then track the
 * oracle's θ. Tolerance: |gpu - oracle| <= 2e-3 (1 + |oracle|) — float32 forward and backward over
 * small networks on standardised data (values O(1), so the bound's 1 is the magnitude of the terms
 * summed) plus the GPU's normal draws (off by <= 5e-4 (1 + |z|), gpu-random.test.ts); a wrong
 * index, stream or derivative is off by O(1). The comparison fails on any NaN or infinity.
 */
import { expect, it } from 'vitest';
import { InvalidInputError, NumericalError } from '../../src/errors.js';
import { MAX_LAYERS, type Activation } from '../../src/model/spec.js';
import { CPU_TILE, DEFAULT_TILE } from '../../src/objective/prepare.js';
import { oracleGradient, oracleInit, oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { disposeTraining, init } from '../../src/train/init.js';
import { planTraining } from '../../src/train/plan.js';
import type { TrainMethod, TrainOptions } from '../../src/objective/types.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { testRng } from '../support/model-builders.js';
import { DEFAULT_LIMITS } from '../support/program-matrix.js';
import type { WebGpuLimits } from '../../src/gpu/webgpu-types.js';

function dataset(rows: number, dim: number, seed: number) {
  const rand = testRng(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: dim }, () => 4 * rand() - 2));
  const y = x.map((r) => Math.sin(r.reduce((a, b) => a + b, 0)) + 0.2 * rand() + 3);
  return { x, y };
}

/** |gpu - oracle| <= tol (1 + |oracle|) everywhere, NaN and infinities included (test/support/all-close.ts). */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 2e-3): void {
  expectAllClose(got, want, relativeBound(want, tol), what);
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
const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'gelu', 'leaky_relu', 'prelu', 'identity', 'silu'];

describeGpu('GPU training vs float64 oracle', () => {
  const ctx = gpu!;
  const cases = METHODS.flatMap((method, i) =>
    ACTIVATIONS.filter((_, a) => (a + i) % 2 === 0 || method === 'vi').map((activation, a) => ({
      method,
      activation,
      kernelStrategy: a % 2 === 0 ? ('tiled' as const) : ('simple' as const),
    })),
  );

  it.each(cases)(
    '$method / $activation / $kernelStrategy kernels: the first step moves θ by the oracle gradient (3 models, different rows)',
    async ({ method, activation, kernelStrategy }) => {
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
    },
  );

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

  // The tiled kernels (src/kernels/train/tiled.ts) against the oracle with partial tiles on
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
      models: [
        { dropout: 0.25, tau: 3, priorScale: 0.8 },
        { rows: [1, 2, 3, 5, 8, 0, 9], dropout: 0.1, tau: 5 },
      ],
    };
    const result = await train(ctx, arch, data, options);
    const simple = await train(ctx, arch, data, { ...options, kernelStrategy: 'simple' });
    expectFirstStepIsGradient(oracleInit(arch, data, options), result.theta, ' (tiled)');
    result.theta.forEach((theta, m) => expectClose(theta, simple.theta[m]!, `model ${m} θ, tiled vs simple`, 1e-4));
  });

  // Every tile sums in the same order (the CPU default 8 x 8 x 8 and the GPU default 4 x 4 x 4 included): θ agrees to the bit.
  it('tiled kernels: θ after 2 epochs of Adam is the same to the bit whatever the tile', async () => {
    const arch = { inputDim: 6, hidden: [9], activation: 'tanh' as const };
    const options: TrainOptions = {
      method: 'mc-dropout',
      epochs: 2,
      batchSize: 7,
      lr: 1e-2,
      seed: 5,
      models: [
        { dropout: 0.2, tau: 2 },
        { dropout: 0.1, tau: 4 },
      ],
    };
    const data = dataset(10, 6, 2);
    const [a, b] = [await train(ctx, arch, data, { ...options, tile: CPU_TILE }), await train(ctx, arch, data, { ...options, tile: DEFAULT_TILE })];
    a.theta.forEach((theta, m) => expect(Array.from(theta)).toEqual(Array.from(b.theta[m]!)));
    expect(a.theta.every((theta) => theta.every(Number.isFinite))).toBe(true);
  });

  // The one-program steps (src/kernels/train/fused.ts, lanes.ts) against the oracle: batch 37 is
  // two chunks of 16 rows and one of 5 for 'fused' and for 'lanes' (one
  // step per epoch), with models of fewer rows (invalid slots) and 3 x 37 input masks that end
  // inside a Philox block; then each tracks 'tiled' over epochs of Adam.
  it.each([
    { strategy: 'fused' as const, method: 'mc-dropout' as const, activation: 'relu' as const },
    { strategy: 'fused' as const, method: 'mc-dropout' as const, activation: 'tanh' as const },
    { strategy: 'fused' as const, method: 'map' as const, activation: 'gelu' as const },
    { strategy: 'fused' as const, method: 'map' as const, activation: 'leaky_relu' as const },
    { strategy: 'lanes' as const, method: 'mc-dropout' as const, activation: 'relu' as const },
    { strategy: 'lanes' as const, method: 'mc-dropout' as const, activation: 'sigmoid' as const },
    { strategy: 'lanes' as const, method: 'map' as const, activation: 'tanh' as const },
    { strategy: 'lanes' as const, method: 'map' as const, activation: 'silu' as const },
  ])('$strategy step, $method / $activation: the first step moves θ by the oracle gradient, and Adam tracks the tiled kernels', async ({ strategy, method, activation }) => {
    const arch = { inputDim: 3, hidden: [7], activation };
    const data = dataset(37, 3, 9);
    const options: TrainOptions = {
      method,
      epochs: 1,
      batchSize: 37,
      optimizer: 'sgd',
      lr: 1,
      seed: 31,
      kernelStrategy: strategy,
      models: [
        { dropout: 0.25, tau: 3, priorScale: 0.8 },
        { rows: [1, 2, 3, 5, 8, 0, 9, 30, 31, 33, 34, 36], dropout: 0.1, tau: 5 },
        { rows: Array.from({ length: 18 }, (_, i) => 2 * i), dropout: 0.4, tau: 1, priorScale: 2 },
      ],
    };
    const oneProgram = await train(ctx, arch, data, options);
    expectFirstStepIsGradient(oracleInit(arch, data, options), oneProgram.theta, ` (${strategy})`);
    const adam: TrainOptions = { ...options, epochs: 4, optimizer: 'adam', lr: 1e-2 };
    const [adamOne, adamTiled] = [await train(ctx, arch, data, adam), await train(ctx, arch, data, { ...adam, kernelStrategy: 'tiled' })];
    adamOne.theta.forEach((theta, m) => expectClose(theta, adamTiled.theta[m]!, `model ${m} θ after 4 epochs, ${strategy} vs tiled`, 1e-4));
    adamOne.history.forEach((losses, e) => expectClose(losses, adamTiled.history[e]!, `epoch ${e + 1} losses, ${strategy} vs tiled`, 1e-4));
  });

  // The lanes kernel gathers its own rows where the device binds 10 storage buffers (this adapter
  // does); with 8 the gather program fills xb / yb / valid first. Both compute the same floats in the
  // same order, so θ and the losses agree to the bit: over 3 epochs of 3 steps, with models whose
  // rows end mid-epoch (a step with no rows) and mid-chunk.
  it.each(['mc-dropout', 'map'] as const)("lanes step, %s: gathering in the kernel gives the gather program's θ and losses bit for bit", async (method) => {
    expect(ctx.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(10);
    // device.limits is a native object: its fields are getters that a spread does not copy, so each
    // limit the engine reads (the fields of DEFAULT_LIMITS, a WebGpuLimits) is copied by name.
    const limits = Object.fromEntries(Object.keys(DEFAULT_LIMITS).map((name) => [name, ctx.limits[name as keyof WebGpuLimits]])) as unknown as WebGpuLimits;
    const narrow = { ...ctx, limits: { ...limits, maxStorageBuffersPerShaderStage: 8 } };
    const arch = { inputDim: 3, hidden: [7], activation: 'relu' as const };
    const data = dataset(37, 3, 5);
    const options: TrainOptions = {
      method,
      epochs: 3,
      batchSize: 16,
      optimizer: 'adam',
      lr: 1e-2,
      seed: 8,
      kernelStrategy: 'lanes',
      models: [
        { dropout: 0.2, tau: 3 },
        { rows: [1, 2, 3, 5, 8, 0, 9, 30, 31, 33, 34, 36], dropout: 0.1, tau: 5 },
        { rows: Array.from({ length: 18 }, (_, i) => 2 * i + 1), dropout: 0.3, tau: 1 },
      ],
    };
    const [own, gathered] = [await train(ctx, arch, data, options), await train(narrow, arch, data, options)];
    own.theta.forEach((theta, m) => expect(Array.from(theta)).toEqual(Array.from(gathered.theta[m]!)));
    own.history.forEach((losses, e) => expect(Array.from(losses)).toEqual(Array.from(gathered.history[e]!)));
    expect(own.theta.every((theta) => theta.every(Number.isFinite))).toBe(true);
    expect(own.history.flatMap((losses) => Array.from(losses)).every(Number.isFinite)).toBe(true);
  });

  // The step's scratch arrays exist only where a program binds them: none for the gathering lanes
  // step; for the tiled kernels all of them (masks too) but z with ReLU, whose backward pass needs
  // only h, and z with GELU.
  it.each([
    { kernelStrategy: 'lanes' as const, activation: 'relu' as const, scratch: [] },
    { kernelStrategy: 'tiled' as const, activation: 'relu' as const, scratch: ['xb', 'yb', 'valid', 'h', 'dh', 'dz', 'masks'] },
    { kernelStrategy: 'tiled' as const, activation: 'gelu' as const, scratch: ['xb', 'yb', 'valid', 'z', 'h', 'dh', 'dz', 'masks'] },
  ])('a $kernelStrategy step with $activation makes only the scratch arrays its programs bind', async ({ kernelStrategy, activation, scratch }) => {
    const options: TrainOptions = { method: 'mc-dropout', epochs: 1, batchSize: 8, kernelStrategy, models: [{ dropout: 0.1 }, { dropout: 0.2 }] };
    const state = await init(ctx, planTraining(ctx.limits, { inputDim: 3, hidden: [6], activation }, dataset(20, 3, 4), options));
    try {
      const made = ['xb', 'yb', 'valid', 'z', 'h', 'dh', 'dz', 'masks'].filter((name) => state.buffers.has(name as never));
      expect(made).toEqual(scratch);
      expect(state.buffers.has('theta') && state.buffers.has('epoch_loss') && state.buffers.has('data_x')).toBe(true);
    } finally {
      disposeTraining(state);
    }
  });

  it.each(['fused', 'lanes'] as const)('kernelStrategy %s refuses what it does not cover, by name', async (kernelStrategy) => {
    const options: TrainOptions = { method: 'mc-dropout', epochs: 1, kernelStrategy };
    await expect(train(ctx, { inputDim: 3, hidden: [5, 4], activation: 'relu' }, dataset(8, 3, 1), options)).rejects.toThrow(
      new RegExp(`'${kernelStrategy}' cannot run this training: it covers networks with exactly one hidden layer`),
    );
    await expect(train(ctx, { inputDim: 3, hidden: [65], activation: 'relu' }, dataset(8, 3, 1), options)).rejects.toThrow(/at most 64 inputs and hidden units/);
    await expect(train(ctx, { inputDim: 3, hidden: [5], activation: 'relu' }, dataset(8, 3, 1), { ...options, method: 'vi' })).rejects.toThrow(InvalidInputError);
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
    const options: TrainOptions = {
      method,
      epochs: 3,
      batchSize: 16,
      lr: 1e-2,
      seed: 5,
      adversarialEpsilon: 0.01,
      models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10) }],
    };
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
      await train(ctx, { inputDim: 2, hidden: [4], activation: 'relu' }, dataset(12, 2, 9), {
        method: 'mc-dropout',
        epochs: 2,
        batchSize: 5,
        models: [{ dropout: 0.1 }, { dropout: 0.2 }],
      });
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
    const options: TrainOptions = {
      method,
      epochs: 3,
      batchSize: 16,
      lr: 1e-2,
      seed: 3,
      clipNorm: 5,
      schedule: 'cosine',
      models: [{}, { rows: Array.from({ length: 25 }, (_, i) => i + 10), lr: 3e-2 }],
    };
    const result = await train(ctx, arch, data, options);
    const oracle = oracleTrain(arch, data, options);
    result.theta.forEach((theta, m) => expectClose(theta, oracle.theta[m]!, `model ${m} θ`, 5e-3));
    result.history.forEach((losses, e) => expectClose(losses, oracle.history[e]!, `epoch ${e} loss`, 5e-3));
  });

  it.each(ACTIVATIONS)('%s: the first step at pre-activations near +-100 moves θ by the oracle gradient (saturated forward and backward)', async (activation) => {
    // One input, zero on every row but one: standardised, that row is sqrt(N - 1) ~ 100, so the
    // first layer's pre-activations there reach ~100 |w| (w ~ N(0, 1)), past tanh's float32
    // overflow (89), sigmoid's exp overflow (88) and gelu's cubic (13).
    const N = 10_000;
    const x = Array.from({ length: N }, (_, i) => [i === 17 ? 1 : 0]);
    const y = x.map(([v], i) => (v as number) + Math.sin(i));
    const arch = { inputDim: 1, hidden: [8], activation };
    const options: TrainOptions = { method: 'map', epochs: 1, batchSize: N, optimizer: 'sgd', lr: 1, seed: 2 };
    const state = oracleInit(arch, { x, y }, options);
    const outlier = Math.sqrt(N - 1);
    expect(Math.max(...state.models[0]!.theta.subarray(0, 8).map((w) => Math.abs(w * outlier)))).toBeGreaterThan(89);
    const result = await train(ctx, arch, { x, y }, options);
    expectFirstStepIsGradient(state, result.theta, ` (${activation}, saturated)`);
  });

  it('stops with a NumericalError when the loss diverges, or flags the model with onNonFinite: keep', async () => {
    const arch = { inputDim: 2, hidden: [6], activation: 'relu' as const };
    const data = dataset(30, 2, 4);
    const diverging: TrainOptions = { method: 'map', epochs: 4, batchSize: 10, lr: 1e30, seed: 1 };
    await expect(train(ctx, arch, data, diverging)).rejects.toThrow(NumericalError);
    await expect(train(ctx, arch, data, diverging)).rejects.toThrow(
      /training diverged: after epoch \d of 4 its (loss is (NaN|-?Infinity)|parameters are not finite)\. Lower the learning rate \(lr 1e\+30\)/,
    );
    // The same through the oracle, which implements the same rule.
    expect(() => oracleTrain(arch, data, diverging)).toThrow(NumericalError);
    // Two models, one diverging: 'keep' trains both and flags only that one.
    const kept = await train(ctx, arch, data, { ...diverging, lr: 1e-2, onNonFinite: 'keep', models: [{}, { lr: 1e30 }] });
    expect(kept.diverged).toEqual([false, true]);
    expect(kept.theta[0]!.every(Number.isFinite)).toBe(true);
    const fine = await train(ctx, arch, data, { ...diverging, lr: 1e-2 });
    expect(fine.diverged).toEqual([false]);
  });

  it('refuses bad options, data and architectures with InvalidInputError naming them', async () => {
    const arch = { inputDim: 2, hidden: [3], activation: 'tanh' as const };
    const data = dataset(8, 2, 1);
    const ok: TrainOptions = { method: 'map', epochs: 1 };
    const cases: [unknown, unknown, unknown, RegExp][] = [
      [arch, data, null, /train options must be an object, got null/],
      [arch, data, undefined, /train needs options/],
      [arch, data, { ...ok, sigal: 1 }, /train options has no option 'sigal'/],
      [arch, data, { ...ok, signal: {} }, /signal must be an AbortSignal/],
      [arch, data, { ...ok, epochs: '5' }, /epochs must be an integer in \[1, \d+\], got '5' \(a string\)/],
      [arch, data, { ...ok, lr: 1e39 }, /lr must be a number that is finite in float32, got 1e\+39/],
      [arch, data, { ...ok, lr: 1e-300 }, /lr must be a number >= 1\.17\d*e-38/],
      [arch, data, { ...ok, tile: null }, /train options: tile is null; leave it out to use its default/],
      [arch, data, { ...ok, models: {} }, /models must be an array/],
      [arch, data, { ...ok, models: [{ drop: 0.1 }] }, /models\[0\] has no option 'drop'/],
      [arch, data, { ...ok, onProgress: 'log' }, /onProgress must be a function/],
      [arch, data, { ...ok, onNonFinite: 'ignore' }, /onNonFinite must be one of 'error', 'keep'/],
      [{ ...arch, hidden: 'wide' }, data, ok, /hidden must be an array of layer widths/],
      [{ ...arch, hidden: Array.from({ length: MAX_LAYERS }, () => 2) }, data, ok, new RegExp(`at most ${MAX_LAYERS} are supported`)],
      [null, data, ok, /the architecture must be an object/],
      [arch, null, ok, /the training data must be an object/],
      [arch, { x: data.x, y: data.y.map((v, i) => (i === 3 ? 1e39 : v)) }, ok, /y row 3 column 0 is 1e\+39; beyond float32's range/],
      [arch, { x: data.x.map((r, i) => (i === 2 ? [r[0], 5e38] : r)), y: data.y }, ok, /x row 2 column 1 is 5e\+38; beyond float32's range/],
    ];
    for (const [a, d, o, message] of cases) {
      const call = () => train(ctx, a as typeof arch, d as typeof data, o as TrainOptions);
      await expect(call(), String(message)).rejects.toThrow(message);
      await expect(call()).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('stops when its signal aborts: rejects with the reason after the current epoch, and the device trains again', async () => {
    const arch = { inputDim: 2, hidden: [4], activation: 'relu' as const };
    const data = dataset(20, 2, 3);
    const before = new AbortController();
    before.abort();
    await expect(train(ctx, arch, data, { method: 'map', epochs: 5, signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const epochs: number[] = [];
    const reason = new Error('user pressed Stop');
    const run = train(ctx, arch, data, {
      method: 'map',
      epochs: 50,
      batchSize: 4,
      signal: controller.signal,
      onProgress: ({ epoch }) => {
        epochs.push(epoch);
        if (epoch === 3) controller.abort(reason);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(epochs).toEqual([1, 2, 3]);
    // The device is fine: the next run trains.
    expect((await train(ctx, arch, data, { method: 'map', epochs: 1 })).diverged).toEqual([false]);
  });
});
