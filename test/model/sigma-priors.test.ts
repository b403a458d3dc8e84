/**
 * The priors a latent sigma may have (Gamma, LogNormal, HalfNormal, HalfCauchy, Exponential,
 * Uniform) and the 'logitnormal' noise posterior AutoNormal gives a Uniform prior: their densities
 * in the oracle against torch.distributions (an independent implementation, run in Python) and
 * against values derived by hand, on the GPU (score()) against the oracle, and how specs carrying
 * them validate, serialise and read.
 *
 * Tolerances: oracle vs torch's float64 log_prob, 1e-10 (1 + |value|) (both are float64 formulas; a
 * Uniform's support is tested in float32 in both, and torch's float32 -log(high - low) is within
 * 1e-6 relative); GPU vs oracle, test/support/score-bound.ts's float32 bound; infinities must match exactly,
 * and a density below -3.4e38 (beyond float32) must be -Infinity on the GPU.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.js';
import { Engine } from '../../src/index.js';
import { sigmoid } from '../../src/math/activations.js';
import {
  describeSigmaPrior,
  modelFromBytes,
  modelToBytes,
  pointFromBytes,
  serializeSafetensors,
  validateModel,
  validateSpecJson,
  type Model,
  type ModelSpec,
  type NoiseSpec,
  type SigmaPrior,
  type Tensor,
} from '../../src/model/index.js';
import { logitnormalExtremes } from '../../src/model/noise-range.js';
import { oracleScore, sigmaPriorLogPdf } from '../../src/reference/score.js';
import { FLOAT32_MAX } from '../../src/float32.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { jsonNumber, removeExportCases, runExportCases } from '../support/python.js';
import { sigmaPriorTerms, siteBound } from '../support/score-bound.js';
import { expectScaleLikelihood } from '../../src/model/spec.js';

const cases = runExportCases();
afterAll(() => removeExportCases(cases));

const scalar = (v: number): Tensor => ({ shape: [], data: Float32Array.of(v) });

/** The noise posterior AutoNormal gives a prior: logitnormal over a Uniform's interval, lognormal otherwise. */
function noiseFor(prior: SigmaPrior): NoiseSpec {
  return prior.kind === 'uniform' ? { kind: 'logitnormal', site: 'sigma', low: prior.low, high: prior.high } : { kind: 'lognormal', site: 'sigma' };
}

/** A 1-1 model (one weight, one bias) with a latent sigma under `prior`. */
function modelWithPrior(prior: SigmaPrior | null, noise: NoiseSpec = noiseFor(prior ?? { kind: 'halfnormal', scale: 1 }), loc = 0, scale = 0.1): Model {
  const spec: ModelSpec = {
    inputDim: 1,
    layers: [
      {
        units: 1,
        activation: 'identity',
        leakySlope: 0.01,
        dropout: 0,
        batchNorm: false,
        weight: { site: 'w', posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
        bias: { site: 'b', posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
      },
    ],
    likelihood: { noise, link: 'sigma', sigmaPrior: prior },
    standardization: null,
  };
  const tensors = new Map<string, Tensor>([
    ['layers.0.weight.loc', { shape: [1, 1], data: Float32Array.of(0.5) }],
    ['layers.0.weight.scale', { shape: [1, 1], data: Float32Array.of(0.1) }],
    ['layers.0.bias.loc', { shape: [1], data: Float32Array.of(0) }],
    ['layers.0.bias.scale', { shape: [1], data: Float32Array.of(0.1) }],
  ]);
  if (noise.kind === 'lognormal' || noise.kind === 'logitnormal') {
    tensors.set('noise.loc', scalar(loc));
    tensors.set('noise.scale', scalar(scale));
  }
  return { spec, tensors };
}

describe('sigma prior densities in the oracle against torch.distributions', () => {
  it.each(cases.densities.map((d) => [describeSigmaPrior(d.prior as unknown as SigmaPrior), d] as const))('%s at tiny, huge and boundary values', (_name, d) => {
    const prior = d.prior as unknown as SigmaPrior;
    const relative = prior.kind === 'uniform' ? 1e-6 : 1e-10;
    d.x.forEach((x, i) => {
      const want = jsonNumber(d.log_prob[i]!);
      const got = sigmaPriorLogPdf(prior, x);
      if (!Number.isFinite(want)) {
        expect(got, `at ${x}`).toBe(want);
      } else {
        expect(Math.abs(got - want), `at ${x}: oracle ${got}, torch ${want}`).toBeLessThanOrEqual(relative * (1 + Math.abs(want)));
      }
    });
  });
});

describe('sigma prior densities against values derived by hand', () => {
  const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  it.each([
    ['HalfNormal(2) at 0: log 2 + log N(0 | 0, 2)', { kind: 'halfnormal', scale: 2 }, 0, -HALF_LOG_2PI],
    ['HalfNormal(2) at 2: normalised on [0, inf), twice the normal', { kind: 'halfnormal', scale: 2 }, 2, -0.5 - HALF_LOG_2PI],
    ['HalfCauchy(3) at 3: 2 / (pi 3 (1 + 1))', { kind: 'halfcauchy', scale: 3 }, 3, -Math.log(3 * Math.PI)],
    ['HalfCauchy(1e-6) at 1e-3: log1p of a large ratio', { kind: 'halfcauchy', scale: 1e-6 }, 1e-3, Math.log(2 / (Math.PI * 1e-6 * (1 + 1e6)))],
    ['HalfCauchy(1e6) at 1e-3: log1p of a tiny ratio', { kind: 'halfcauchy', scale: 1e6 }, 1e-3, Math.log(2 / (Math.PI * 1e6)) - 1e-18],
    ['Exponential(4) at 0.25', { kind: 'exponential', rate: 4 }, 0.25, Math.log(4) - 1],
    ['Gamma(1, 2) at 0.5 (an exponential)', { kind: 'gamma', concentration: 1, rate: 2 }, 0.5, Math.log(2) - 1],
    ['kind-less Gamma(1, 2) at 0.5', { concentration: 1, rate: 2 }, 0.5, Math.log(2) - 1],
    ['LogNormal(0, 1) at 1', { kind: 'lognormal', loc: 0, scale: 1 }, 1, -HALF_LOG_2PI],
    ['Uniform(0, 10) at 0 (inside: [low, high))', { kind: 'uniform', low: 0, high: 10 }, 0, -Math.log(10)],
    ['Uniform(0, 10) at 10 (outside)', { kind: 'uniform', low: 0, high: 10 }, 10, -Infinity],
    ['Uniform(0, 10) at 11', { kind: 'uniform', low: 0, high: 10 }, 11, -Infinity],
    ['Uniform(0.05, 2) at float32(0.05): the bound as float32 holds it', { kind: 'uniform', low: 0.05, high: 2 }, Math.fround(0.05), -Math.log(1.95)],
    ['Uniform(0.05, 2) at 0.0499999', { kind: 'uniform', low: 0.05, high: 2 }, 0.0499999, -Infinity],
    ['HalfNormal(1) below 0', { kind: 'halfnormal', scale: 1 }, -1, -Infinity],
  ] as const)('%s', (_what, prior, x, want) => {
    const got = sigmaPriorLogPdf(prior, x);
    if (!Number.isFinite(want)) expect(got).toBe(want);
    else expect(got).toBeCloseTo(want, (prior as SigmaPrior).kind === 'uniform' ? 6 : 12);
  });
});

describeGpu('sigma prior densities on the GPU (score()) against the oracle', () => {
  it.each(cases.densities.map((d) => [describeSigmaPrior(d.prior as unknown as SigmaPrior), d] as const))(
    '%s',
    async (_name, d) => {
      const prior = d.prior as unknown as SigmaPrior;
      const model = modelWithPrior(prior);
      const engine = Engine.create(gpu!, model);
      const termsOf = sigmaPriorTerms(prior);
      try {
        for (const x of d.x) {
          // w = b = 0 and y = 0 keep obs = -log sigma - log sqrt(2 pi) finite at every sigma.
          const point = { w: [0], b: [0], sigma: [x] };
          const got = (await engine.score(point, [[1]], [[0]])).sites['sigma']!;
          const want = oracleScore(model, new Map(Object.entries(point)), [[1]], [[0]]).sites['sigma']!;
          if (!Number.isFinite(want) || want < -FLOAT32_MAX) {
            expect(got, `at ${x}: oracle ${want}`).toBe(-Infinity);
            continue;
          }
          const bound = siteBound([x], termsOf);
          expect(Math.abs(got - want), `at ${x}: GPU ${got}, oracle ${want}, bound ${bound}`).toBeLessThanOrEqual(bound);
        }
      } finally {
        engine.dispose();
      }
    },
    120_000,
  );
});

describe('specs with sigma priors', () => {
  const KINDS: SigmaPrior[] = [
    { kind: 'gamma', concentration: 2, rate: 3 },
    { kind: 'lognormal', loc: -1, scale: 0.5 },
    { kind: 'halfnormal', scale: 1 },
    { kind: 'halfcauchy', scale: 0.5 },
    { kind: 'exponential', rate: 4 },
    { kind: 'uniform', low: 0, high: 10 },
  ];

  it.each(KINDS.map((p) => [describeSigmaPrior(p), p] as const))('%s round-trips through our format', (_name, prior) => {
    const model = modelWithPrior(prior);
    expect(modelFromBytes(modelToBytes(model)).spec).toEqual(model.spec);
  });

  it('reads a version "1" file written before the other kinds: { concentration, rate } is Gamma, kept as written', () => {
    const json = JSON.parse(JSON.stringify(modelWithPrior({ concentration: 0.5, rate: 1 }).spec)) as unknown;
    const spec = validateSpecJson(json);
    expect(expectScaleLikelihood(spec).sigmaPrior).toEqual({ concentration: 0.5, rate: 1 });
    expect(describeSigmaPrior(expectScaleLikelihood(spec).sigmaPrior!)).toBe('Gamma(0.5, 1)');
    expect(sigmaPriorLogPdf(expectScaleLikelihood(spec).sigmaPrior!, 0.7)).toBe(sigmaPriorLogPdf({ kind: 'gamma', concentration: 0.5, rate: 1 }, 0.7));
  });

  it.each([
    [
      'an unknown kind',
      { kind: 'inversegamma', concentration: 1, rate: 1 },
      'likelihood.sigmaPrior.kind must be one of gamma, lognormal, halfnormal, halfcauchy, exponential, uniform',
    ],
    ['a field of another kind', { kind: 'halfnormal', scale: 1, rate: 2 }, 'likelihood.sigmaPrior has unknown field(s) rate'],
    ['a missing field', { kind: 'uniform', low: 0 }, 'likelihood.sigmaPrior.high must be a number'],
  ])('refuses a spec JSON with %s', (_what, sigmaPrior, fragment) => {
    const json = JSON.parse(JSON.stringify(modelWithPrior({ kind: 'halfnormal', scale: 1 }).spec)) as { likelihood: Record<string, unknown> };
    json.likelihood['sigmaPrior'] = sigmaPrior;
    expect(() => validateSpecJson(json)).toThrow(ModelFormatError);
    expect(() => validateSpecJson(json)).toThrow(fragment);
  });

  it.each([
    ['HalfNormal scale 0', { kind: 'halfnormal', scale: 0 }, 'likelihood.sigmaPrior.scale must be a finite number > 0'],
    ['HalfCauchy scale 1e-45 (0 in float32)', { kind: 'halfcauchy', scale: 1e-45 }, 'likelihood.sigmaPrior.scale must be a finite number > 0'],
    ['LogNormal loc NaN', { kind: 'lognormal', loc: NaN, scale: 1 }, 'likelihood.sigmaPrior.loc must be a finite number'],
    ['Exponential rate -1', { kind: 'exponential', rate: -1 }, 'likelihood.sigmaPrior.rate must be a finite number > 0'],
    ['Uniform(1, 1)', { kind: 'uniform', low: 1, high: 1 }, 'likelihood.sigmaPrior.high must be greater than likelihood.sigmaPrior.low'],
    ['Uniform(1, 1 + 1e-9): one float32 number', { kind: 'uniform', low: 1, high: 1 + 1e-9 }, 'also in float32'],
    ['Uniform(-1, 1)', { kind: 'uniform', low: -1, high: 1 }, 'likelihood.sigmaPrior.low must be >= 0'],
  ] as const)('refuses %s', (_what, prior, fragment) => {
    const model = modelWithPrior(prior, { kind: 'lognormal', site: 'sigma' });
    expect(() => validateModel(model)).toThrow(ModelFormatError);
    expect(() => validateModel(model)).toThrow(fragment);
  });

  it("refuses a posterior whose draws leave the prior's support (a Uniform prior read as log sigma)", () => {
    const uniform: SigmaPrior = { kind: 'uniform', low: 0, high: 10 };
    expect(() => validateModel(modelWithPrior(uniform, { kind: 'lognormal', site: 'sigma' }))).toThrow(
      "the 'lognormal' sigma posterior draws from (0, inf), outside the support (0, 10) of its Uniform(0, 10) prior",
    );
    expect(() => validateModel(modelWithPrior(uniform, { kind: 'logitnormal', site: 'sigma', low: 0, high: 20 }))).toThrow('outside the support (0, 10)');
    expect(() => validateModel(modelWithPrior(uniform, { kind: 'logitnormal', site: 'sigma', low: 1, high: 10 }))).not.toThrow();
    expect(() => validateModel(modelWithPrior({ kind: 'halfnormal', scale: 1 }, { kind: 'logitnormal', site: 'sigma', low: 0, high: 3 }))).not.toThrow();
  });
});

describe("the 'logitnormal' noise posterior", () => {
  it('draws sigma between its ends, checked in float32 at loc ± 6 scale', () => {
    const { low, high } = logitnormalExtremes(0, 1, 0, 10);
    expect(low).toBeCloseTo(10 * sigmoid(-6), 12);
    expect(high).toBeCloseTo(10 * sigmoid(6), 12);
    const prior: SigmaPrior = { kind: 'uniform', low: 0, high: 10 };
    // sigmoid(-60) = 8.8e-27: sigma^2 would be far below float32's normal range.
    expect(() => validateModel(modelWithPrior(prior, noiseFor(prior), -50, 2))).toThrow('the LogitNormal noise posterior on (0, 10)');
    expect(() => validateModel(modelWithPrior(prior, noiseFor(prior), -5, 2))).not.toThrow();
  });

  it.each([
    ['low > high', { kind: 'logitnormal', site: 'sigma', low: 2, high: 1 }, 'likelihood.noise.high must be greater than likelihood.noise.low'],
    ['a negative low', { kind: 'logitnormal', site: 'sigma', low: -1, high: 1 }, 'likelihood.noise.low must be >= 0'],
    ['an infinite high', { kind: 'logitnormal', site: 'sigma', low: 0, high: Infinity }, 'likelihood.noise.high must be a finite number'],
  ] as const)('refuses %s', (_what, noise, fragment) => {
    expect(() => validateModel(modelWithPrior(null, noise))).toThrow(fragment);
  });

  it("reads a guide file's AutoNormal.locs of sigma as low + (high - low) sigmoid(loc) in a parameter point", () => {
    const prior: SigmaPrior = { kind: 'uniform', low: 0, high: 10 };
    const model = modelWithPrior(prior);
    const guide = serializeSafetensors(
      new Map<string, Tensor>([
        ['AutoNormal.locs.w', { shape: [1, 1], data: Float32Array.of(0.25) }],
        ['AutoNormal.locs.b', { shape: [1], data: Float32Array.of(0) }],
        ['AutoNormal.locs.sigma', scalar(-1.5)],
        ['AutoNormal.scales.sigma', scalar(0.1)],
      ]),
    );
    const point = pointFromBytes(guide, model);
    expect(point.get('sigma')?.[0]).toBe(Math.fround(10 * sigmoid(-1.5)));
  });
});
