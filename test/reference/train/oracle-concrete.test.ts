/**
 * The float64 training oracle's concrete dropout (src/objective/index.ts, CONCRETE DROPOUT): the θ
 * layout and initial logits, the relaxed masks' rate (a binomial z-test), the whole objective's
 * gradient against finite differences (logits, log_sigma, weights; Normal, Student-t, a
 * heteroscedastic head, Bernoulli), the regulariser's value against its formula, the model spec's
 * learnt rates, typed errors for what the method cannot take, and rates that move the right way on
 * toy data. Every seed is fixed.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors.js';
import { sigmoid } from '../../../src/math/activations.js';
import { validateModel } from '../../../src/model/validate-model.js';
import { CONCRETE_TEMPERATURE, concreteDrop, concreteNoise, dropoutLogit } from '../../../src/objective/concrete.js';
import type { ArchitectureSpec, TrainData, TrainOptions } from '../../../src/objective/types.js';
import { wordAt } from '../../../src/random/draws.js';
import { STREAM_DROPOUT, layerStream } from '../../../src/random/streams.js';
import { oracleGradient, oracleInit, oracleTrain, stepDraws, type OracleState } from '../../../src/reference/train/index.js';
import { testRng } from '../../support/model-builders.js';
import { gaussian, uniformRows } from '../../support/train-data.js';

const arch: ArchitectureSpec = { inputDim: 2, hidden: [4], activation: 'tanh' };
const data = { x: uniformRows(9, 2, -2, 2, 3), y: uniformRows(9, 1, -1, 1, 4).map((r) => r[0] ?? 0) } satisfies TrainData;

describe('layout, initial logits and masks', () => {
  it('θ ends with one logit per layer, at logit(0.1) by default and logit(ModelHyper.dropout) when given; log_sigma as map', () => {
    const state = oracleInit(arch, data, { method: 'concrete-dropout', epochs: 1, models: [{}, { dropout: 0.3 }] });
    const { layout } = state.setup;
    const map = oracleInit(arch, data, { method: 'map', epochs: 1 }).setup.layout;
    expect(layout.dropoutLogit).toBe(map.size);
    expect(layout.size).toBe(map.size + 2);
    expect(layout.noise).toBe(map.noise);
    expect(map.dropoutLogit).toBe(-1);
    expect(Array.from(state.models[0]!.theta.subarray(layout.dropoutLogit))).toEqual([dropoutLogit(0.1), dropoutLogit(0.1)]);
    expect(state.models[1]!.theta[layout.dropoutLogit + 1]).toBeCloseTo(Math.log(0.3 / 0.7), 14);
    expect(state.models[0]!.theta[layout.noise]).toBeCloseTo(Math.log(0.5), 14);
  });

  it("the noise is mc-dropout's words through the logistic quantile; z > 1/2 (a dropped unit) at rate p (binomial z-test, 1e-6 two-sided)", () => {
    const x = uniformRows(400, 2, -1, 1, 5);
    const options: TrainOptions = { method: 'concrete-dropout', epochs: 1, batchSize: 400, seed: 9, models: [{ dropout: 0.3 }] };
    const state = oracleInit(arch, { x, y: x.map((r) => r[0] ?? 0) }, options);
    const { setup } = state;
    const draws = stepDraws(setup, setup.models[0]!, 0, 400);
    const g = draws.concrete[0]!;
    // Exactly the words of mc-dropout's masks (same stream and element, model word 1).
    for (const e of [0, 1, 5, 799]) expect(g[e]).toBe(concreteNoise(wordAt(setup.key, 0, layerStream(0, STREAM_DROPOUT), e, 1)));
    const logit = dropoutLogit(0.3);
    const n = g.length;
    const dropped = g.reduce((a, v) => a + (concreteDrop(logit, v) > 0.5 ? 1 : 0), 0);
    const z = (dropped - 0.3 * n) / Math.sqrt(n * 0.3 * 0.7);
    expect(Math.abs(z)).toBeLessThan(4.9);
    // The relaxation at T = 0.1 is nearly binary: most z within 0.05 of 0 or 1.
    const binary = g.reduce((a, v) => a + (Math.abs(concreteDrop(logit, v) - 0.5) > 0.45 ? 1 : 0), 0);
    expect(binary / n).toBeGreaterThan(0.8);
    expect(CONCRETE_TEMPERATURE).toBe(0.1);
  });
});

describe('the objective and its gradient', () => {
  /** Random θ of moderate size; logits at rates in (0.05, 0.5). */
  function randomizeTheta(state: OracleState, seed: number): void {
    const rand = testRng(seed);
    const { layout } = state.setup;
    const theta = state.models[0]!.theta;
    for (let i = 0; i < theta.length; i++) theta[i] = 2 * rand() - 1;
    for (let l = 0; l < layout.layers.length; l++) theta[layout.dropoutLogit + l] = dropoutLogit(0.05 + 0.45 * rand());
  }

  function finiteDifference(state: OracleState, t: number, i: number, h: number): number {
    const theta = state.models[0]!.theta;
    const at = (delta: number): number => {
      const saved = theta[i] ?? NaN;
      theta[i] = saved + delta;
      const value = oracleGradient(state, 0, t)?.objective ?? NaN;
      theta[i] = saved;
      return value;
    };
    return (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
  }

  const cases: { label: string; options: Partial<TrainOptions>; y?: number[] }[] = [
    { label: 'normal', options: {} },
    { label: 'student-t (learnt df)', options: { likelihood: 'student-t' } },
    { label: 'normal, heteroscedastic head', options: { heteroscedastic: true } },
    { label: 'bernoulli', options: { likelihood: 'bernoulli' }, y: [0, 1, 1, 0, 1, 0, 0, 1, 1] },
  ];
  it.each(cases)('$label: every θ entry (logits included) against fourth-order central differences', ({ options, y }) => {
    const state = oracleInit(
      { ...arch, hidden: [4, 3] },
      { x: data.x, y: y ?? data.y },
      {
        method: 'concrete-dropout',
        epochs: 2,
        batchSize: 5,
        seed: 7,
        lengthScale: 0.5,
        ...options,
      },
    );
    // Step 1: the short last batch (4 rows); step 2: a full batch of epoch 1.
    for (const t of [1, 2]) {
      randomizeTheta(state, 40 + t);
      const g = oracleGradient(state, 0, t)!;
      const scale = Math.max(...g.grad.map(Math.abs));
      const { layout } = state.setup;
      // The logits' gradients are not negligible: the test exercises the path through the masks.
      for (let l = 0; l < layout.layers.length; l++) expect(Math.abs(g.grad[layout.dropoutLogit + l] ?? 0)).toBeGreaterThan(1e-4 * scale);
      for (let i = 0; i < g.grad.length; i++) {
        const fd = finiteDifference(state, t, i, 1e-4);
        const exact = g.grad[i] ?? NaN;
        const rel = Math.abs(exact - fd) / Math.max(Math.abs(exact), Math.abs(fd), 1e-3 * scale);
        if (!(rel <= 1e-5)) expect.fail(`θ[${i}]: gradient ${exact}, finite difference ${fd} (relative ${rel})`);
      }
    }
  });

  it('the regulariser is l²/(2N) Σ W²/(1−p) + l²/(2N) Σ b² + (K/N)(p log p + (1−p) log(1−p)) per layer', () => {
    // The step loss minus the 'map' data term at the same θ and masks: recomputed here from θ alone
    // by comparing two θ that differ only in the weights' scale is fragile, so take the difference
    // of two objectives whose data terms agree: a logit change moves the masks too, so instead zero
    // every weight (the network then outputs its last bias whatever the masks).
    const options: TrainOptions = { method: 'concrete-dropout', epochs: 1, batchSize: 9, seed: 2, lengthScale: 0.3 };
    const state = oracleInit(arch, data, options);
    const { layout } = state.setup;
    const theta = state.models[0]!.theta;
    theta.fill(0);
    const last = layout.layers[layout.layers.length - 1]!;
    theta[last.bias] = 0.2;
    const logits = [dropoutLogit(0.2), dropoutLogit(0.4)];
    logits.forEach((v, l) => (theta[layout.dropoutLogit + l] = v));
    const n = 9;
    const c = 0.3 ** 2 / (2 * n);
    // Data term: y ~ N(0.2, σ = exp(0) = 1) over the standardised targets.
    const model = state.setup.models[0]!;
    let nll = 0;
    for (let b = 0; b < n; b++) nll += (0.5 * ((model.y[b] ?? NaN) - 0.2) ** 2 + 0.5 * Math.log(2 * Math.PI)) / n;
    const negEntropy = (p: number) => p * Math.log(p) + (1 - p) * Math.log(1 - p);
    const reg = (2 / n) * negEntropy(0.2) + (4 / n) * negEntropy(0.4) + c * 0.2 ** 2;
    expect(oracleGradient(state, 0, 0)!.objective).toBeCloseTo(nll + reg, 12);
  });
});

describe('the trained model and bad input', () => {
  it("records each layer's learnt rate sigmoid(logit) as its dropout, and exp(log_sigma) as fixed noise", () => {
    const result = oracleTrain(arch, data, { method: 'concrete-dropout', epochs: 3, batchSize: 4, lr: 0.05, seed: 1 });
    const model = result.models[0]!;
    validateModel(model);
    const theta = result.theta[0]!;
    const size = theta.length;
    const rates = model.spec.layers.map((l) => l.dropout);
    expect(rates[0]).toBeCloseTo(sigmoid(theta[size - 2]!), 6);
    expect(rates[1]).toBeCloseTo(sigmoid(theta[size - 1]!), 6);
    // The rates moved from their start (a logit step of lr per Adam update).
    expect(rates.every((p) => p !== 0.1 && p > 0 && p < 1)).toBe(true);
    const lik = model.spec.likelihood;
    expect('noise' in lik && lik.noise.kind === 'fixed').toBe(true);
  });

  it.each([
    ['tau (the noise is learnt)', { models: [{ tau: 2 }] }, /tau is a fixed noise precision/],
    ['an initial rate of 0', { models: [{ dropout: 0 }] }, /initial rate must be in \(0, 1\)/],
    ['an initial rate of 1', { models: [{ dropout: 1 }] }, /dropout/],
    ['adversarial training', { adversarialEpsilon: 0.01 }, /adversarial training is an 'ensemble' and 'map' option/],
    ['the hierarchical prior', { hierarchical: true }, /hierarchical prior is a 'vi' option/],
    ['a tau with a classifier', { likelihood: 'bernoulli', models: [{ tau: 1 }] }, /tau/],
  ] as const)('refuses %s with an InvalidInputError', (_what, extra, message) => {
    const y = 'likelihood' in extra ? data.y.map((v) => (v > 0 ? 1 : 0)) : data.y;
    const run = () => oracleInit(arch, { x: data.x, y }, { method: 'concrete-dropout', epochs: 1, ...extra });
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow(message);
  });
});

describe('learning the rate', () => {
  // Pure noise (y independent of x): nothing to fit, the weights shrink and the regulariser's entropy
  // term pulls p up towards 1/2. A clean sine: dropout's noise costs fit, p falls. From p0 = 0.1.
  it('the rate rises on pure noise and falls on a clean function (100 epochs, 1-16-1 tanh)', () => {
    const x = uniformRows(60, 1, -1, 1, 31);
    const rand = testRng(32);
    const noise = x.map(() => gaussian(rand));
    const clean = x.map((r) => Math.sin(3 * (r[0] ?? 0)) + 0.01 * gaussian(rand));
    const net: ArchitectureSpec = { inputDim: 1, hidden: [16], activation: 'tanh' };
    const options: TrainOptions = { method: 'concrete-dropout', epochs: 100, batchSize: 30, lr: 3e-2, seed: 4, lengthScale: 0.1 };
    const rates = (y: number[]) => oracleTrain(net, { x, y }, options).models[0]!.spec.layers.map((l) => l.dropout);
    const noisy = rates(noise);
    const fit = rates(clean);
    // Seen: noise [0.198, 0.439], sine [0.015, 0.007].
    expect(Math.min(...noisy)).toBeGreaterThan(0.15);
    expect(Math.max(...fit)).toBeLessThan(0.05);
  });
});
