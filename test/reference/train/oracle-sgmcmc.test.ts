/**
 * The float64 oracle's 'sgmcmc' against exact answers. Bayesian linear regression (hidden: [], Normal
 * prior, noise fixed by tau): full-batch SGLD's samples against the exact posterior
 * (test/support/linear-posterior.ts) — the mean is exact, the variance carries SGLD's O(ε) bias, known
 * exactly here, so the tolerance is that bias plus a z-band.
 *
 * Sampling design: CHAINS chains (model slots on the same rows), SAMPLES samples each, SPACING
 * steps apart after BURN_IN steps. The chain is linear: its correlation after k steps is at most
 * (1 − ηλ_min)^k, asserted below 1e-3 for the spacing and 1e-6 for the burn-in, so the samples are
 * treated as independent draws of the chain's stationary law. Each of the 3 means and 3 variances
 * is checked at 4.5 standard errors (variance SE: var sqrt(2/(n−1))): a false failure rate of about
 * 6 x 7e-6 = 4e-5 per run, at a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import type { TrainOptions } from '../../../src/objective/types.js';
import { oracleTrain } from '../../../src/reference/train/index.js';
import { largestEigenvalue, linearPosterior, sgldStationaryCov, smallestEigenvalue } from '../../support/linear-posterior.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian } from '../../support/train-data.js';

const N = 40;
const rand = testRng(16);
const x = Array.from({ length: N }, () => [2 * rand() - 1, 2 * rand() - 1]);
const y = x.map((r) => 1.5 * (r[0] ?? 0) - 0.7 * (r[1] ?? 0) + 0.3 + 0.5 * gaussian(rand));
const TAU = 4;
const PRIOR = 1;
const arch = { inputDim: 2, hidden: [], activation: 'identity' as const };
const post = linearPosterior(x, y, PRIOR, TAU);
// ηλ_max = 0.2: a step size well inside SGLD's stability (ηλ < 2) with a visible bias.
const STEP = (0.2 * N) / largestEigenvalue(post.precision, post.size);
const CHAINS = 64;
const BURN_IN = 150;
const SPACING = 50;
const SAMPLES = 6;
const Z = 4.5;

describe('oracle sgmcmc: full-batch SGLD on Bayesian linear regression', () => {
  it('the samples have the exact posterior mean, and its variance up to the exact O(ε) bias', () => {
    const decay = 1 - (STEP / N) * smallestEigenvalue(post.precision, post.size);
    expect(decay ** SPACING).toBeLessThan(1e-3);
    expect(decay ** BURN_IN).toBeLessThan(1e-6);
    const epochs = BURN_IN + SPACING * SAMPLES;
    const options: TrainOptions = {
      method: 'sgmcmc',
      epochs,
      batchSize: N,
      lr: STEP,
      seed: 5,
      sampler: { kind: 'sgld', burnIn: BURN_IN, thin: SPACING },
      models: Array.from({ length: CHAINS }, () => ({ tau: TAU, priorScale: PRIOR })),
    };
    const result = oracleTrain(arch, { x, y }, options);
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
      // The bias is real and of the size the theory says (ηλ/2 relative at most): the test could see it.
      expect(chainVar).toBeGreaterThan(exactVar);
      expect(chainVar / exactVar - 1).toBeLessThan(0.1 + 1e-9);
      const meanZ = (mean - (post.mean[i] ?? NaN)) / Math.sqrt(chainVar / n);
      expect(Math.abs(meanZ), `coefficient ${i}: mean ${mean} vs ${post.mean[i]}`).toBeLessThan(Z);
      const varianceTolerance = chainVar - exactVar + Z * chainVar * Math.sqrt(2 / (n - 1));
      expect(Math.abs(variance - exactVar), `coefficient ${i}: variance ${variance} vs exact ${exactVar} (chain ${chainVar})`).toBeLessThan(varianceTolerance);
    }
  });
});
