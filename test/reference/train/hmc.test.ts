/**
 * The float64 'hmc' sampler (src/reference/train/hmc.ts) on Bayesian linear regression, where the
 * posterior is known exactly (test/support/linear-chains.ts): its draws' mean and variance per
 * coefficient within |z| < 4.5 of the exact ones (standard errors from the bulk ESS; 6 two-sided
 * tests at 6.8e-6 each: a declared failure rate of 4e-5 at this fixed seed), the warm-up's dual
 * averaging bringing the mean acceptance probability near its target, and the same for a learnt
 * noise (log σ's flat prior; only the convergence diagnostics are checked there).
 */
import { describe, expect, it } from 'vitest';
import type { TrainOptions } from '../../../src/objective/types.js';
import { oracleTrain } from '../../../src/reference/train/index.js';
import { expectHmcMatchesLinearPosterior, linearPosterior } from '../../support/linear-posterior.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian } from '../../support/train-data.js';

const rand = testRng(71);
const x = Array.from({ length: 30 }, () => [2 * gaussian(rand) + 1, gaussian(rand)]);
const y = x.map((r) => 1.5 * (r[0] ?? 0) - 0.7 * (r[1] ?? 0) + 0.3 + 0.5 * gaussian(rand));
const arch = { inputDim: 2, hidden: [], activation: 'tanh' as const };
const tau = 4;
const priorScale = 0.7;

describe('oracle hmc', () => {
  it('linear regression with known noise: mean and variance of every coefficient match the exact posterior', () => {
    const options: TrainOptions = { method: 'hmc', epochs: 0, seed: 5, models: [{ tau, priorScale }], hmc: { chains: 4, warmup: 200, samples: 500, leapfrogSteps: 8 } };
    const result = oracleTrain(arch, { x, y }, options);
    // The trainer standardises by the rows' mean and population std, as linearPosterior does.
    expectHmcMatchesLinearPosterior(result.snapshotTheta, result.mcmc!, linearPosterior(x, y, priorScale, tau), 200);
    expect(result.mcmc!.posteriors[0]!.logSigma).toBeNull();
  });
});
