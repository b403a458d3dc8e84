/**
 * 'hmc''s options and run preparation (src/objective/hmc.ts, prepare.ts): defaults, the chains
 * expanded into slots, full batch, the known noise through tau, kept transitions, dual averaging's
 * update against its formula, and the typed errors of bad settings.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { DUAL_AVERAGING, acceptance, dualAveragingStart, dualAveragingUpdate, keptSample, prepareHmc } from '../../src/objective/hmc.js';
import { trainLayout } from '../../src/objective/layout.js';
import { prepareRun } from '../../src/objective/prepare.js';
import type { TrainOptions } from '../../src/objective/types.js';

const x = Array.from({ length: 10 }, (_, i) => [i / 10, (i % 3) / 3]);
const y = x.map((r) => (r[0] ?? 0) + 2 * (r[1] ?? 0));
const arch = { inputDim: 2, hidden: [3], activation: 'tanh' as const };

describe('hmc options', () => {
  it('defaults, and null for the other methods', () => {
    expect(prepareHmc('hmc', undefined)).toEqual({
      algorithm: 'hmc',
      chains: 4,
      warmup: 200,
      samples: 200,
      thin: 1,
      leapfrogSteps: 20,
      maxTreeDepth: 0,
      stepSize: 0.01,
      targetAccept: 0.8,
    });
    expect(prepareHmc('hmc', { algorithm: 'nuts' })).toEqual({
      algorithm: 'nuts',
      chains: 4,
      warmup: 200,
      samples: 200,
      thin: 1,
      leapfrogSteps: 0,
      maxTreeDepth: 10,
      stepSize: 0.01,
      targetAccept: 0.8,
    });
    expect(prepareHmc('map', undefined)).toBeNull();
  });

  it.each([
    [{ chains: 0 }, /hmc.chains/],
    [{ samples: 0 }, /hmc.samples/],
    [{ leapfrogSteps: 1.5 }, /hmc.leapfrogSteps/],
    [{ stepSize: -1 }, /hmc.stepSize/],
    [{ targetAccept: 1 }, /hmc.targetAccept/],
    [{ warmpu: 10 }, /no option 'warmpu'/],
    [{ algorithm: 'nut' }, /hmc.algorithm must be one of hmc, nuts, got "nut"/],
    [{ algorithm: 'nuts', leapfrogSteps: 10 }, /hmc.leapfrogSteps is for algorithm 'hmc'/],
    [{ maxTreeDepth: 5 }, /hmc.maxTreeDepth is for algorithm 'nuts'/],
    [{ algorithm: 'nuts', maxTreeDepth: 13 }, /hmc.maxTreeDepth/],
    [{ algorithm: 'nuts', maxTreeDepth: 0 }, /hmc.maxTreeDepth/],
  ])('%o is refused', (hmc, message) => {
    expect(() => prepareHmc('hmc', hmc)).toThrow(InvalidInputError);
    expect(() => prepareHmc('hmc', hmc)).toThrow(message);
  });

  it('is refused on another method', () => {
    expect(() => prepareRun(arch, { x, y }, { method: 'map', epochs: 1, hmc: {} })).toThrow(/hmc options are for method 'hmc'/);
  });
});

describe('an hmc run', () => {
  it('expands every entry into its chains, runs full batch, allows no pre-fit, and takes a known noise from tau', () => {
    const options: TrainOptions = { method: 'hmc', epochs: 0, models: [{ tau: 4 }, { tau: 4, rows: [0, 1, 2, 3] }], hmc: { chains: 3 } };
    const run = prepareRun(arch, { x, y }, options);
    expect(run.models).toHaveLength(6);
    expect(run.models.map((m) => m.rows.length)).toEqual([10, 10, 10, 4, 4, 4]);
    expect(run.batch).toBe(10);
    expect(run.epochs).toBe(0);
    expect(run.fixedNoise).toBe(true);
    const known = trainLayout(arch, 'hmc', false, run.likelihood, run.fixedNoise);
    const learnt = trainLayout(arch, 'hmc', false, prepareRun(arch, { x, y }, { method: 'hmc', epochs: 1 }).likelihood);
    // 'map''s layout: a known noise leaves log_sigma out.
    expect(known.method).toBe('map');
    expect(known.noise).toBe(-1);
    expect(learnt.noise).toBe(known.size);
  });

  it.each([
    [{ batchSize: 4 }, /full-batch/],
    [{ snapshotEpochs: [1] }, /not snapshotEpochs/],
    [{ models: [{ tau: 4 }, {}] }, /tau on every model .* 1 of 2/],
  ] as const)('%o is refused', (extra, message) => {
    expect(() => prepareRun(arch, { x, y }, { method: 'hmc', epochs: 1, ...extra })).toThrow(message);
  });
});

describe('the sampler maths', () => {
  it('keeps the last transition of each group of thin after warm-up', () => {
    const hmc = { algorithm: 'hmc' as const, maxTreeDepth: 0, chains: 1, warmup: 3, samples: 2, thin: 2, leapfrogSteps: 1, stepSize: 0.1, targetAccept: 0.8 };
    expect([0, 1, 2, 3, 4, 5, 6].map((t) => keptSample(hmc, t))).toEqual([null, null, null, null, 0, null, 1]);
  });

  it('acceptance: min(1, exp(-dH)), divergent past the threshold or when not finite', () => {
    expect(acceptance(-1)).toEqual({ probability: 1, divergent: false });
    expect(acceptance(Math.log(4)).probability).toBeCloseTo(0.25, 15);
    expect(acceptance(1001)).toEqual({ probability: 0, divergent: true });
    expect(acceptance(NaN)).toEqual({ probability: 0, divergent: true });
  });

  it("dual averaging follows Hoffman & Gelman's Algorithm 5 and freezes at exp(log ε̄)", () => {
    const s = dualAveragingStart(0.1);
    const { gamma, t0, kappa } = DUAL_AVERAGING;
    dualAveragingUpdate(s, 0.5, 1, 0.1, 0.8, false);
    const hBar = (0.8 - 0.5) / (1 + t0);
    const logEps = Math.log(1) - (1 / gamma) * hBar;
    expect(s.hBar).toBeCloseTo(hBar, 15);
    expect(s.stepSize).toBeCloseTo(Math.exp(logEps), 15);
    expect(s.logStepSizeBar).toBeCloseTo(logEps, 15);
    dualAveragingUpdate(s, 0.9, 2, 0.1, 0.8, true);
    const hBar2 = (1 - 1 / (2 + t0)) * hBar + (0.8 - 0.9) / (2 + t0);
    const logEps2 = Math.log(1) - (Math.sqrt(2) / gamma) * hBar2;
    const eta = 2 ** -kappa;
    expect(s.stepSize).toBeCloseTo(Math.exp(eta * logEps2 + (1 - eta) * logEps), 15);
  });
});
