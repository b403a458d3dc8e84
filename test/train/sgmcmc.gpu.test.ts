/**
 * Method 'sgmcmc' on the GPU: the sampler's steps against the float64 oracle's, step by step with
 * the same Philox noise, and full-batch SGLD on Bayesian linear regression against the exact
 * posterior (the design of test/reference/train/oracle-sgmcmc.test.ts, which states the failure rate).
 *
 * Step-by-step bound: |gpu − oracle| <= 2e-4 (1 + |oracle|) after each of 18 steps: float32 forward,
 * backward and Box-Muller against float64 (observed <= 3e-5); a noise draw skipped, doubled or
 * mis-addressed moves θ by about the noise's std, sqrt(2 α ε T / N) ~ 1e-2 here.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { oracleTrain } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { mapWarmStart } from '../../src/train/warm-start.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { largestEigenvalue, linearPosterior, sgldStationaryCov, smallestEigenvalue } from '../support/linear-posterior.js';
import { testRng } from '../support/model-builders.js';
import { gaussian } from '../support/train-data.js';

const arch = { inputDim: 2, hidden: [5], activation: 'tanh' as const };
const rand = testRng(41);
const x = Array.from({ length: 24 }, () => [4 * rand() - 2, 4 * rand() - 2]);
const y = x.map((r) => Math.sin(r[0] ?? 0) + 0.3 * (r[1] ?? 0) + 0.1 * gaussian(rand));

describeGpu('sgmcmc', () => {
  const ctx = gpu!;

  it.each([
    ['sghmc, cyclical, learnt sigma', { kind: 'sghmc', friction: 0.3, cycles: 2, explorationFraction: 0.5 }, {}],
    ['sgld, constant, fixed sigma', { kind: 'sgld', burnIn: 2, temperature: 0.5 }, { tau: 20 }],
  ] as const)('%s: every epoch of 2 chains tracks the oracle', async (_, sampler, hyper) => {
    const options: TrainOptions = {
      method: 'sgmcmc',
      epochs: 6,
      batchSize: 8,
      lr: 0.02,
      seed: 9,
      sampler,
      snapshotEpochs: [1, 2, 3, 4, 5, 6],
      models: [{ ...hyper }, { ...hyper, rows: Array.from({ length: 12 }, (_, i) => 2 * i), priorScale: 0.5, lr: 0.03 }],
    };
    const got = await train(ctx, arch, { x, y }, options);
    const want = oracleTrain(arch, { x, y }, options);
    got.snapshotTheta.forEach((list, m) =>
      list.forEach((theta, k) => {
        const oracle = want.snapshotTheta[m]![k]!;
        expectAllClose(theta, oracle, relativeBound(oracle, 2e-4), `model ${m} after epoch ${k + 1}`);
      }),
    );
    // θ moved in every epoch (the check above is not of a frozen chain).
    got.snapshotTheta[0]!.slice(1).forEach((theta, k) => expect(Array.from(theta)).not.toEqual(Array.from(got.snapshotTheta[0]![k]!)));
  });

  it("a MAP warm start: each chain's θ after a 'map' run of its rows, prior and stream with Adam, bit for bit; bad requests refused by name", async () => {
    const options: TrainOptions = {
      method: 'sgmcmc',
      epochs: 4,
      batchSize: 8,
      lr: 1e-4,
      seed: 3,
      sampler: { cycles: 2, explorationFraction: 0.5 },
      models: [{ lr: 3e-4 }, { rows: Array.from({ length: 12 }, (_, i) => 2 * i), priorScale: 0.5 }],
    };
    const start = await mapWarmStart(ctx, arch, { x, y }, options, { epochs: 5, lr: 0.02 });
    const map = await train(ctx, arch, { x, y }, { method: 'map', epochs: 5, batchSize: 8, lr: 0.02, seed: 3, models: [{}, { rows: options.models![1]!.rows!, priorScale: 0.5 }] });
    expect(start).toHaveLength(2);
    start.forEach((theta, m) => {
      expect(theta.every(Number.isFinite)).toBe(true);
      expect(Array.from(theta)).toEqual(Array.from(map.theta[m]!));
    });
    // The fit moved θ away from the initialisation, and the chains run from it.
    const cold = await train(ctx, arch, { x, y }, { ...options, epochs: 1, sampler: { burnIn: 0 } });
    const warm = await train(ctx, arch, { x, y }, { ...options, epochs: 1, sampler: { burnIn: 0 }, initialTheta: start });
    const distance = (a: Float64Array, b: Float64Array) => Math.hypot(...Array.from(a, (v, i) => v - (b[i] ?? 0)));
    expect(distance(warm.theta[0]!, start[0]!)).toBeLessThan(distance(cold.theta[0]!, start[0]!));
    // A fixed noise (tau on every model): the fit's log sigma (θ's last value here) is left out.
    const fixed = await mapWarmStart(ctx, arch, { x, y }, { ...options, models: options.models!.map((h) => ({ ...h, tau: 4 })) }, { epochs: 5, lr: 0.02 });
    fixed.forEach((theta, m) => expect(Array.from(theta)).toEqual(Array.from(map.theta[m]!.subarray(0, map.theta[m]!.length - 1))));
    await expect(mapWarmStart(ctx, arch, { x, y }, { ...options, method: 'map' }, { epochs: 5 })).rejects.toThrow(/for method 'sgmcmc', got method 'map'/);
    await expect(mapWarmStart(ctx, arch, { x, y }, { ...options, initialTheta: start }, { epochs: 5 })).rejects.toThrow(/initialTheta is what the warm start computes/);
    await expect(mapWarmStart(ctx, arch, { x, y }, options, { epochs: 0 })).rejects.toThrow(InvalidInputError);
    await expect(mapWarmStart(ctx, arch, { x, y }, options, { epochs: 5, lr: Number.NaN })).rejects.toThrow(/warmStart\.lr/);
    await expect(mapWarmStart(ctx, arch, { x, y }, options, { epochs: 5, rate: 1 } as never)).rejects.toThrow(/rate/);
  });
});

describeGpu('sgmcmc: SGLD on Bayesian linear regression', () => {
  const ctx = gpu!;
  const N = 40;
  const r = testRng(16);
  const bx = Array.from({ length: N }, () => [2 * r() - 1, 2 * r() - 1]);
  const by = bx.map((row) => 1.5 * (row[0] ?? 0) - 0.7 * (row[1] ?? 0) + 0.3 + 0.5 * gaussian(r));
  const TAU = 4;
  const post = linearPosterior(bx, by, 1, TAU);
  // ηλ_max = 0.4: faster mixing than the oracle's test, for fewer GPU steps (each a read-back epoch);
  // the variance's bias (up to 25%) is exact either way and part of the tolerance.
  const STEP = (0.4 * N) / largestEigenvalue(post.precision, post.size);
  const CHAINS = 64;
  const BURN_IN = 40;
  const SPACING = 20;
  const SAMPLES = 6;
  const Z = 4.5;

  it('64 chains: the exact posterior mean, and its variance up to the exact O(ε) bias', async () => {
    const decay = 1 - (STEP / N) * smallestEigenvalue(post.precision, post.size);
    expect(decay ** SPACING).toBeLessThan(1e-3);
    expect(decay ** BURN_IN).toBeLessThan(1e-6);
    const options: TrainOptions = {
      method: 'sgmcmc',
      epochs: BURN_IN + SPACING * SAMPLES,
      batchSize: N,
      lr: STEP,
      seed: 7,
      sampler: { kind: 'sgld', burnIn: BURN_IN, thin: SPACING },
      models: Array.from({ length: CHAINS }, () => ({ tau: TAU })),
    };
    const result = await train(ctx, { inputDim: 2, hidden: [], activation: 'identity' }, { x: bx, y: by }, options);
    const draws = result.snapshotTheta.flat();
    expect(draws.length).toBe(CHAINS * SAMPLES);
    const chainCov = sgldStationaryCov(post, STEP, N);
    const n = draws.length;
    for (let i = 0; i < post.size; i++) {
      const values = draws.map((theta) => theta[i] ?? NaN);
      const mean = values.reduce((a, v) => a + v, 0) / n;
      const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
      const exactVar = post.cov[i * post.size + i] ?? NaN;
      const chainVar = chainCov[i * post.size + i] ?? NaN;
      expect(Math.abs(mean - (post.mean[i] ?? NaN)) / Math.sqrt(chainVar / n), `coefficient ${i}: mean ${mean} vs ${post.mean[i]}`).toBeLessThan(Z);
      const tolerance = chainVar - exactVar + Z * chainVar * Math.sqrt(2 / (n - 1));
      expect(Math.abs(variance - exactVar), `coefficient ${i}: variance ${variance} vs exact ${exactVar} (chain ${chainVar})`).toBeLessThan(tolerance);
    }
    // Every sample is an engine delta model with the fixed noise 1/sqrt(tau) (in standardised units).
    const model = result.snapshots[0]![0]!;
    expect(model.spec.layers[0]!.weight.posterior).toBe('delta');
    const yStd = model.spec.standardization!.yStd[0]!;
    expect(model.spec.likelihood).toMatchObject({ noise: { kind: 'fixed', sigma: 1 / (Math.sqrt(TAU) * yStd) } });
  });

  it.each([
    [{ method: 'map', sampler: {} }, /sampler is an 'sgmcmc' option/],
    [{ optimizer: 'adam' }, /optimizer is not an 'sgmcmc' option/],
    [{ sampler: { kind: 'sgld', friction: 0.5 } }, /friction is an 'sghmc' option/],
    [{ sampler: { cycles: 3 } }, /must divide epochs/],
    [{ sampler: { burnIn: 4 } }, /leaves no epoch/],
    [{ models: [{ tau: 2 }, {}] }, /every model or for none/],
  ])('%j is refused', async (change, message) => {
    const options = { method: 'sgmcmc', epochs: 4, ...change } as unknown as TrainOptions;
    await expect(train(ctx, arch, { x, y }, options)).rejects.toThrow(InvalidInputError);
    await expect(train(ctx, arch, { x, y }, options)).rejects.toThrow(message);
  });
});
