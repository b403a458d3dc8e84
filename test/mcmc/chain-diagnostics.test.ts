/**
 * chainDiagnostics (src/mcmc/chain-diagnostics.ts) on the float64 oracle's 'sgmcmc' chains: the
 * predicted mean of a delta sample equals the oracle's predictive mean; SGLD chains on one posterior
 * mix (R-hat near 1, ESS a good share of the draws), and chains on different data do not (R-hat far
 * above 1). Fixed seeds; the bounds are loose for mixing chains (R-hat < 1.1 for 20 draws of 8 chains, ESS > 25%
 * of the draws) and far from the non-mixed case's (posteriors many posterior stds apart: R-hat > 1.5).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { chainDiagnostics, predictedMean } from '../../src/mcmc/chain-diagnostics.js';
import { tensorNames } from '../../src/model/spec.js';
import type { ModelHyper } from '../../src/objective/types.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { oracleTrain } from '../../src/reference/train/index.js';
import { testRng } from '../support/model-builders.js';
import { gaussian } from '../support/train-data.js';

const N = 40;
const rand = testRng(21);
const x = Array.from({ length: N }, () => [2 * rand() - 1, 2 * rand() - 1]);
const y = x.map((r) => 1.5 * (r[0] ?? 0) - 0.7 * (r[1] ?? 0) + 0.3 + 0.5 * gaussian(rand));
const probes = [
  [0, 0],
  [1, -1],
];

// Step 0.04, burn-in 100 steps, a draw every 40: log sigma, the slowest coordinate (per-step correlation
// about 1 − 2ε = 0.92 under its flat prior), forgets its start to 1e-4 and keeps 0.04 between draws.
const SAMPLER = { kind: 'sgld', burnIn: 100, thin: 40 } as const;
const EPOCHS = 100 + 40 * 20;

function sgld(arch: { inputDim: number; hidden: number[]; activation: 'identity' | 'tanh' }, models: readonly ModelHyper[], epochs = EPOCHS) {
  return oracleTrain(arch, { x, y }, { method: 'sgmcmc', epochs, batchSize: N, lr: 0.04, seed: 3, sampler: SAMPLER, models });
}

describe('chainDiagnostics', () => {
  it("predictedMean is the oracle's predictive mean of a delta sample (a tanh network with learnt sigma)", () => {
    const r = sgld({ inputDim: 2, hidden: [4], activation: 'tanh' }, [{}], 140);
    const sample = r.snapshots[0]![0]!;
    const want = oraclePredict(sample, probes, { samples: 1 }).mean;
    probes.forEach((p, i) => expect(predictedMean(sample, p)).toBeCloseTo(want[i]!, 5));
  });

  it('mixing chains: R-hat near 1 and a large ESS, for the predicted means and log sigma', () => {
    const r = sgld(
      { inputDim: 2, hidden: [], activation: 'identity' },
      Array.from({ length: 8 }, () => ({})),
    );
    const d = chainDiagnostics(r.snapshots, probes);
    expect(d.chains).toBe(8);
    expect(d.drawsPerChain).toBe(20);
    expect(d.quantities.map((q) => q.name)).toEqual(['mean(x0)', 'mean(x1)', 'log sigma']);
    expect(d.maxRHat).toBeLessThan(1.1);
    expect(d.minEss).toBeGreaterThan(0.25 * 160);
  });

  it('chains on different data disagree: R-hat far above 1', () => {
    const half = (from: number) => ({ rows: Array.from({ length: N / 2 }, (_, i) => from + i), tau: 4 });
    // Two chains on rows 0..19, two on rows 20..39 whose targets are 3 higher: distinct posteriors of the predicted mean.
    const shifted = y.map((v, i) => (i < N / 2 ? v : v + 3));
    const r = oracleTrain(
      { inputDim: 2, hidden: [], activation: 'identity' },
      { x, y: shifted },
      { method: 'sgmcmc', epochs: EPOCHS, batchSize: N, lr: 0.04, seed: 3, sampler: SAMPLER, models: [half(0), half(0), half(20), half(20)] },
    );
    const d = chainDiagnostics(r.snapshots, probes);
    expect(d.quantities.map((q) => q.name)).toEqual(['mean(x0)', 'mean(x1)']);
    expect(d.maxRHat).toBeGreaterThan(1.5);
  });

  it('a diverged draw (non-finite predicted mean) leaves its quantities NaN, not an error; fewer than 4 draws is a typed error', () => {
    const r = sgld({ inputDim: 2, hidden: [], activation: 'identity' }, [{}, {}], 100 + 40 * 4);
    const chains = r.snapshots.map((c) => [...c]);
    const draw = chains[1]![2]!;
    const weight = tensorNames.weightLoc(0);
    chains[1]![2] = { ...draw, tensors: new Map([...draw.tensors].map(([name, t]) => [name, name === weight ? { ...t, data: t.data.map(() => NaN) } : t])) };
    const d = chainDiagnostics(chains, probes);
    expect(d.quantities.filter((q) => q.name.startsWith('mean')).every((q) => Number.isNaN(q.rHat) && Number.isNaN(q.ess))).toBe(true);
    // log sigma is still finite in every draw: the summary keeps its R-hat.
    expect(Number.isFinite(d.maxRHat)).toBe(true);
    expect(() =>
      chainDiagnostics(
        chains.map((c) => c.slice(0, 3)),
        probes,
      ),
    ).toThrow(InvalidInputError);
  });
});
