/**
 * 'hmc' with algorithm 'nuts' on the GPU (src/train/hmc.ts, shaders/train/nuts-*.wgsl) against the
 * float64 oracle (src/reference/train/nuts.ts) and against an exact posterior.
 *
 * Step by step: every transition of every chain is replayed by the oracle from the GPU's θ before it,
 * with the same momenta, directions and uniforms (the reason, and the magnitudes, as in
 * hmc.gpu.test.ts). A NUTS transition takes up to 2^maxTreeDepth − 1 leapfrog steps instead of L = 4,
 * and a float32 trajectory drifts from the float64 one along it; with depth <= 4 (15 steps) we allow
 * |Δθ| <= 1e-3 (1 + |θ|) and |ΔU| <= 1e-3 (1 + |U|). A tree's shape depends on discrete decisions
 * (U-turns, progressive and biased sampling): where the oracle's smallest decision margin (|u − p|,
 * or a U-turn's |cosine|) is above 1e-3 float32 cannot flip one, and the tree depth, leapfrog steps
 * and whether the proposal moved must agree exactly; the mean acceptance statistic within 1e-2.
 *
 * Exactly: Bayesian linear regression (no hidden layer, Normal prior, known noise through tau), the
 * chains' mean and variance per coefficient within |z| < 4.5 of the exact posterior (standard errors
 * from the bulk ESS; 6 two-sided tests at 6.8e-6 each: a declared failure rate of 4e-5, fixed seed),
 * the mean acceptance statistic within 0.15 of its 0.8 target, and the trees' diagnostics consistent.
 * A step size that diverges at once: every transition divergent, the chains kept where they were.
 */
import { expect, it } from 'vitest';
import { HMC_TRACE_FIELDS } from '../../src/kernels/train/hmc.js';
import { CHAIN_FIELDS } from '../../src/objective/hmc.js';
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

describeGpu('nuts', () => {
  const ctx = gpu!;

  it.each([
    ['learnt noise, 2 entries x 2 chains', [{}, { rows: [0, 2, 4, 6, 8, 10, 12, 14, 16, 18], priorScale: 0.5 }], 0.1, false],
    ['known noise (tau)', [{ tau: 50 }, { tau: 50, priorScale: 2 }], 0.01, false],
    ['heteroscedastic head', [{}, { priorScale: 0.5 }], 0.08, true],
  ] as const)('%s: each transition matches the oracle replayed from the GPU state', async (_, models, stepSize, heteroscedastic) => {
    const S = 6;
    const maxTreeDepth = 4;
    const options: TrainOptions = {
      method: 'hmc',
      epochs: 0,
      seed: 3,
      models,
      ...(heteroscedastic ? { heteroscedastic } : {}),
      hmc: { algorithm: 'nuts', chains: 2, warmup: 0, samples: S, maxTreeDepth, stepSize },
    };
    const { plan, outcome } = await sampleOnGpu(options);
    const M = plan.shape.models;
    const P = plan.layout.size;
    const oracle = oracleInit(net, { x, y }, options);
    let compared = 0;
    const depths = new Set<number>();
    let moved = 0;
    for (let m = 0; m < M; m++) {
      for (let t = 0; t < S; t++) {
        const before = t === 0 ? Float64Array.from(Float32Array.from(oracle.models[m]!.theta)) : Float64Array.from(outcome.samples[t - 1]!.subarray(m * P, (m + 1) * P));
        oracle.models[m]!.theta.set(before);
        const chain = oracleChains(oracle)[m]!;
        const want = oracleTransition(oracle, chain, m, t);
        const at = (t * M + m) * HMC_TRACE_FIELDS;
        const [potential, alpha, accepted, eps, depth, leapfrogs] = Array.from(outcome.trace.subarray(at, at + HMC_TRACE_FIELDS)) as [
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        const what = `chain ${m} transition ${t}`;
        expect(eps, what).toBe(Math.fround(stepSize));
        expect(Number.isFinite(potential) && Number.isFinite(alpha), what).toBe(true);
        expect(depth, what).toBeGreaterThanOrEqual(1);
        expect(depth, what).toBeLessThanOrEqual(maxTreeDepth);
        expect(leapfrogs, what).toBeGreaterThanOrEqual(depth);
        expect(leapfrogs, what).toBeLessThanOrEqual(2 ** depth - 1);
        if (want.margin <= 1e-3) continue;
        compared++;
        depths.add(depth);
        moved += accepted;
        expect([depth, leapfrogs, accepted === 1], `${what} tree`).toEqual([want.treeDepth, want.leapfrogSteps, want.accepted]);
        expect(Math.abs(alpha - want.acceptProb), `${what} α`).toBeLessThanOrEqual(1e-2);
        expect(Math.abs(potential - want.potential), `${what} U`).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(want.potential)));
        expectAllClose(outcome.samples[t]!.subarray(m * P, (m + 1) * P), chain.theta, relativeBound(chain.theta, 1e-3), `${what} θ`);
      }
    }
    // Most transitions were compared (all 24 in each case at this seed), and trees of more than one depth were built.
    expect(compared).toBeGreaterThanOrEqual(M * S - 3);
    expect(depths.size).toBeGreaterThan(1);
    expect(moved).toBeGreaterThan(0);
  });

  it('a step size that diverges at once: every transition counted divergent, the chains stay where they were, nothing NaN', async () => {
    const options: TrainOptions = { method: 'hmc', epochs: 0, seed: 4, models: [{}], hmc: { algorithm: 'nuts', chains: 2, warmup: 0, samples: 3, maxTreeDepth: 4, stepSize: 1e4 } };
    const { plan, outcome } = await sampleOnGpu(options);
    const P = plan.layout.size;
    const starts = oracleInit(net, { x, y }, options).models.map((ms) => Array.from(Float32Array.from(ms.theta)));
    expect(outcome.chains.every((v) => !Number.isNaN(v))).toBe(true);
    for (let m = 0; m < 2; m++) {
      const field = (name: 'divergences' | 'accepted') => outcome.chains[m * CHAIN_FIELDS.length + CHAIN_FIELDS.indexOf(name)];
      expect(field('divergences')).toBe(3);
      expect(field('accepted')).toBe(0);
      for (const kept of outcome.samples) expect(Array.from(kept.subarray(m * P, (m + 1) * P))).toEqual(starts[m]);
    }
  });

  it('linear regression with known noise: the chains match the exact posterior; acceptance near the target; tree diagnostics', async () => {
    const r = testRng(71);
    const lx = Array.from({ length: 30 }, () => [2 * gaussian(r) + 1, gaussian(r)]);
    const ly = lx.map((row) => 1.5 * (row[0] ?? 0) - 0.7 * (row[1] ?? 0) + 0.3 + 0.5 * gaussian(r));
    const tau = 4;
    const priorScale = 0.7;
    const maxTreeDepth = 5;
    const options: TrainOptions = {
      method: 'hmc',
      epochs: 0,
      seed: 5,
      models: [{ tau, priorScale }],
      hmc: { algorithm: 'nuts', chains: 4, warmup: 60, samples: 120, maxTreeDepth },
    };
    const result = await train(ctx, { inputDim: 2, hidden: [], activation: 'tanh' }, { x: lx, y: ly }, options);
    const exact = linearPosterior(lx, ly, priorScale, tau);
    expectHmcMatchesLinearPosterior(result.snapshotTheta, result.mcmc!, exact, 150);
    for (const chain of result.mcmc!.chains) {
      const tree = chain.tree!;
      expect(tree.meanDepth).toBeGreaterThanOrEqual(1);
      expect(tree.meanDepth).toBeLessThanOrEqual(maxTreeDepth);
      expect(tree.meanLeapfrogSteps).toBeGreaterThanOrEqual(tree.meanDepth);
      expect(tree.meanLeapfrogSteps).toBeLessThanOrEqual(2 ** maxTreeDepth - 1);
      // A Gaussian posterior's trajectories turn within a few doublings: the limit is rarely reached.
      expect(tree.maxDepthHits).toBeLessThanOrEqual(6);
    }
  });
});
