/**
 * 'hmc' on the GPU (src/train/hmc.ts) against the float64 oracle (src/reference/train/hmc.ts) and
 * against an exact posterior.
 *
 * Step by step: every transition of every chain is replayed by the oracle from the GPU's θ before
 * it (the kept sample before), with the same momentum and uniform, so float32 errors do not
 * accumulate across transitions (a neural network's leapfrog trajectories are chaotic: over several
 * transitions a 1e-6 difference grows to any size). Tolerances, from the magnitudes: U sums N = 24
 * rows' NLL and P prior terms of O(1) in float32 (relative error ~ 24 × 6e-8 per evaluation), the
 * L = 4 leapfrog steps of size ε = 0.02–0.06 carry ∇U's float32 error (relative ~1e-6 of |∇U| ~ 10–100)
 * into θ as ~L ε² |δ∇U| + L ε |δp| ~ 1e-6, amplified along a trajectory near the integrator's
 * stability limit (measured up to ~1e-5); we allow |Δθ| <= 1e-4 (1 + |θ|), and for U at the
 * trajectory's end, where |∇U| ~ 100 multiplies that θ error over P ~ 20 elements, |ΔU| <= 3e-4 (1 + |U|)
 * (~1e-2 at U ~ 30: measured up to 3e-3); α = min(1, exp(−ΔH)) within 1e-2 (|δα| <= |δΔH| <= |δU1| + |δK1|), and require every
 * decision to agree where the uniform is farther than that from α. Dual averaging is
 * checked by feeding the GPU's own acceptance probabilities to the float64 update: the next step
 * size within 1e-4 relative (float32 logs and exps of O(1) values).
 *
 * Exactly: Bayesian linear regression (no hidden layer, Normal prior, known noise through tau), the
 * chains' mean and variance per coefficient within |z| < 4.5 of the exact posterior (standard
 * errors from the bulk ESS; 6 two-sided tests at 6.8e-6 each: a declared failure rate of 4e-5, fixed
 * seed), and the mean acceptance probability after warm-up within 0.15 of its target 0.8.
 */
import { expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import { HMC_TRACE_FIELDS } from '../../src/kernels/train/hmc.js';
import { chainField, dualAveragingUpdate, type DualAveraging } from '../../src/objective/hmc.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { oracleChains, oracleInit, oracleTransition } from '../../src/reference/train/index.js';
import { train } from '../../src/train/trainer.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { expectHmcMatchesLinearPosterior, linearPosterior } from '../support/linear-posterior.js';
import { testRng } from '../support/model-builders.js';
import { gaussian } from '../support/train-data.js';
import { sampleOnGpu, samplerNet, samplerX, samplerY } from '../support/sampler-run.js';

const x = samplerX;
const y = samplerY;
const net = samplerNet;

describeGpu('hmc', () => {
  const ctx = gpu!;

  it.each([
    ['learnt noise, 2 entries x 2 chains', [{}, { rows: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], priorScale: 0.5 }], 0.06, false],
    ['known noise (tau)', [{ tau: 50 }, { tau: 50, priorScale: 2 }], 0.02, false],
    ['heteroscedastic head (the noise scale per input)', [{}, { priorScale: 0.5 }], 0.03, true],
  ] as const)('%s: each transition matches the oracle replayed from the GPU state', async (_, models, stepSize, heteroscedastic) => {
    const S = 6;
    const options: TrainOptions = {
      method: 'hmc',
      epochs: 0,
      seed: 3,
      models,
      ...(heteroscedastic ? { heteroscedastic } : {}),
      hmc: { chains: 2, warmup: 0, samples: S, leapfrogSteps: 4, stepSize },
    };
    const { plan, outcome } = await sampleOnGpu(options);
    const M = plan.shape.models;
    const P = plan.layout.size;
    const oracle = oracleInit(net, { x, y }, options);
    const start = oracleChains(oracle);
    let decisions = 0;
    let ties = 0;
    for (let m = 0; m < M; m++) {
      // Transition 0 starts from the initial θ (as float32 on the GPU), transition t from kept sample t - 1.
      for (let t = 0; t < S; t++) {
        const before = t === 0 ? Float64Array.from(Float32Array.from(oracle.models[m]!.theta)) : Float64Array.from(outcome.samples[t - 1]!.subarray(m * P, (m + 1) * P));
        oracle.models[m]!.theta.set(before);
        const chain = oracleChains(oracle)[m]!;
        const want = oracleTransition(oracle, chain, m, t);
        const at = (t * M + m) * HMC_TRACE_FIELDS;
        const [potential, alpha, accepted, eps] = Array.from(outcome.trace.subarray(at, at + HMC_TRACE_FIELDS)) as [number, number, number, number];
        const what = `chain ${m} transition ${t}`;
        expect(eps, what).toBe(Math.fround(stepSize));
        expect(Math.abs(alpha - want.acceptProb), `${what} α`).toBeLessThanOrEqual(1e-2);
        // A uniform within α's float32 error of it may decide either way: then only α is compared.
        if (Math.abs(want.uniform - want.acceptProb) <= 1e-2) {
          ties++;
          continue;
        }
        expect(accepted === 1, `${what} decision`).toBe(want.accepted);
        decisions += want.accepted ? 1 : 0;
        expect(Math.abs(potential - want.potential), `${what} U`).toBeLessThanOrEqual(3e-4 * (1 + Math.abs(want.potential)));
        const got = outcome.samples[t]!.subarray(m * P, (m + 1) * P);
        expectAllClose(got, chain.theta, relativeBound(chain.theta, 1e-4), `${what} θ`);
      }
      expect(start[m]!.potential).toBeGreaterThan(0);
    }
    // Both kinds of decision happened, so both paths (keep the trajectory's end, restore the start) were checked.
    expect(ties).toBeLessThanOrEqual(2);
    expect(decisions).toBeGreaterThan(0);
    expect(decisions).toBeLessThan(M * S - ties);
  });

  it("warm-up: the GPU's dual averaging follows the float64 update fed with its own acceptance probabilities, then freezes at exp(log ε̄)", async () => {
    const W = 12;
    const options: TrainOptions = {
      method: 'hmc',
      epochs: 3,
      lr: 0.01,
      seed: 7,
      models: [{}, {}],
      hmc: { chains: 2, warmup: W, samples: 3, leapfrogSteps: 3, stepSize: 0.02, targetAccept: 0.7 },
    };
    const { plan, outcome } = await sampleOnGpu(options);
    const M = plan.shape.models;
    for (let m = 0; m < M; m++) {
      const s: DualAveraging = { stepSize: 0.02, logStepSizeBar: 0, hBar: 0 };
      for (let t = 0; t < W + 3; t++) {
        const at = (t * M + m) * HMC_TRACE_FIELDS;
        const eps = outcome.trace[at + 3]!;
        expect(Math.abs(eps - s.stepSize), `chain ${m} transition ${t} ε`).toBeLessThanOrEqual(1e-4 * s.stepSize);
        if (t < W) dualAveragingUpdate(s, outcome.trace[at + 1]!, t + 1, 0.02, 0.7, t + 1 === W);
      }
      const frozen = outcome.chains[m * (outcome.chains.length / M) + chainField('stepSize')]!;
      expect(Math.abs(frozen - Math.exp(s.logStepSizeBar))).toBeLessThanOrEqual(1e-4 * frozen);
    }
  });

  it('linear regression with known noise: the chains match the exact posterior; acceptance near the target', async () => {
    const r = testRng(71);
    const lx = Array.from({ length: 30 }, () => [2 * gaussian(r) + 1, gaussian(r)]);
    const ly = lx.map((row) => 1.5 * (row[0] ?? 0) - 0.7 * (row[1] ?? 0) + 0.3 + 0.5 * gaussian(r));
    const tau = 4;
    const priorScale = 0.7;
    const options: TrainOptions = { method: 'hmc', epochs: 0, seed: 5, models: [{ tau, priorScale }], hmc: { chains: 4, warmup: 150, samples: 300, leapfrogSteps: 8 } };
    const result = await train(ctx, { inputDim: 2, hidden: [], activation: 'tanh' }, { x: lx, y: ly }, options);
    // The trainer standardises by the rows' mean and population std, as linearPosterior does.
    const exact = linearPosterior(lx, ly, priorScale, tau);
    expectHmcMatchesLinearPosterior(result.snapshotTheta, result.mcmc!, exact, 150);
    // The kept samples are delta models with the known noise, predicted together as an ensemble.
    expect(result.snapshots.map((list) => list.length)).toEqual([300, 300, 300, 300]);
    const members = result.snapshots.flatMap((list) => list.slice(-10));
    const s = result.models[0]!.spec.standardization!;
    // σ = 1 / sqrt(tau) = 0.5 in the target's units, recorded in standardised units as the network works.
    expect(members[0]!.spec.likelihood).toMatchObject({ noise: { kind: 'fixed', sigma: 0.5 / s.yStd[0]! } });
    const engine = Engine.create(ctx, members);
    const got = await engine.predict([[1, 0]], { samples: members.length, seed: 1 });
    engine.dispose();
    // The predictive mean at x = (1, 0) against the exact posterior mean's (in the target's units).
    const exactMean = s.yMean[0]! + s.yStd[0]! * (exact.mean[0]! * ((1 - s.xMean[0]!) / s.xStd[0]!) + exact.mean[1]! * ((0 - s.xMean[1]!) / s.xStd[1]!) + exact.mean[2]!);
    expect(Math.abs(got.mean[0]! - exactMean)).toBeLessThan(0.1);
  });

  it('bad sampler options are typed errors', async () => {
    await expect(train(ctx, net, { x, y }, { method: 'hmc', epochs: 0, batchSize: 8 })).rejects.toThrow(InvalidInputError);
    await expect(train(ctx, net, { x, y }, { method: 'hmc', epochs: 0, hmc: { leapfrogSteps: 0 } })).rejects.toThrow(/hmc.leapfrogSteps/);
    await expect(train(ctx, net, { x, y }, { method: 'hmc', epochs: 0, models: [{ tau: 2 }, {}] })).rejects.toThrow(/tau on every model/);
  });
});
