/**
 * The GPU engine against the float64 oracle, sample by sample: both draw the same posterior
 * samples from the same Philox streams, so per-sample outputs must agree to float32 accuracy, and
 * so must every statistic. Architectures, activations, dropout, batch-norm, noise models, links,
 * standardisation, kernel strategies, S and N (across chunk boundaries) are generated from seeds.
 *
 * Tolerance for f and scale: |gpu - oracle| <= 2e-3 * (1 + |oracle|). The draws themselves differ by
 * up to 5e-4 (1 + |z|) (SwiftShader's float32 sin/cos/log; see gpu-random.test.ts) and that error
 * passes through a few layers with O(1) weights; an indexing or stream mix-up is off by O(1).
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError, DisposedError, InvalidInputError } from '../src/errors.js';
import { Engine } from '../src/infer/engine.js';
import type { PredictOptions } from '../src/infer/types.js';
import type { Activation, Model, NoiseSpec } from '../src/model/spec.js';
import { ACTIVATIONS } from '../src/model/spec.js';
import { oraclePredict } from '../src/reference/predict.js';
import { oracleSamples } from '../src/reference/forward.js';
import { oracleScore } from '../src/reference/score.js';
import { gpu, gpuUnavailableReason } from './gpu-context.js';
import { buildModel, randomInputs, testRng } from './model-builders.js';

const TOL = 2e-3;

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = TOL): void {
  expect(got.length, `${what} length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const err = Math.abs((got[i] as number) - w) / (1 + Math.abs(w));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at index ${at} (got ${got[at]}, want ${want[at]})`).toBeLessThanOrEqual(tol);
}

interface Case {
  readonly name: string;
  readonly model: Model;
  readonly n: number;
  readonly samples: number;
  readonly chunk: { samples: number; inputs: number };
}

const NOISES: readonly NoiseSpec[] = [
  { kind: 'fixed', sigma: 0.3 },
  { kind: 'lognormal', site: 'sigma' },
  { kind: 'gamma', site: 'sigma' },
  { kind: 'heteroscedastic', minScale: 1e-3 },
];

/** Seeded random architectures: the property-test generator. */
function randomCase(seed: number): Case {
  const rand = testRng(seed * 7919 + 1);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const depth = 1 + Math.floor(rand() * 3);
  const noise = pick(NOISES);
  const outDim = 1 + Math.floor(rand() * 2);
  const units = Array.from({ length: depth }, (_, l) =>
    l === depth - 1 ? (noise.kind === 'heteroscedastic' ? 2 * outDim : outDim) : 1 + Math.floor(rand() * 40),
  );
  const inputDim = 1 + Math.floor(rand() * 6);
  const activations = units.map((_, l) => (l === depth - 1 ? 'identity' : pick(ACTIVATIONS)) as Activation);
  const dropout = units.map(() => (rand() < 0.4 ? Math.round(rand() * 50) / 100 : 0));
  const batchNorm = units.map(() => rand() < 0.3);
  const standardize = rand() < 0.3;
  const model = buildModel({
    inputDim,
    units,
    activations,
    dropout,
    batchNorm,
    noise,
    link: rand() < 0.5 ? 'sigma' : 'sigma2',
    seed,
    standardization: standardize
      ? {
          xMean: Array.from({ length: inputDim }, () => rand() - 0.5),
          xStd: Array.from({ length: inputDim }, () => 0.5 + rand()),
          yMean: Array.from({ length: outDim }, () => 2 * rand() - 1),
          yStd: Array.from({ length: outDim }, () => 0.5 + 2 * rand()),
        }
      : null,
  });
  return {
    name: `seed ${seed}: ${inputDim}-${units.join('-')} ${activations.join('/')} dropout ${dropout.join('/')} bn ${batchNorm.map(Number).join('')} noise ${noise.kind}`,
    model,
    n: 1 + Math.floor(rand() * 40),
    samples: 1 + Math.floor(rand() * 30),
    chunk: { samples: 1 + Math.floor(rand() * 9), inputs: 1 + Math.floor(rand() * 17) },
  };
}

const CASES = Array.from({ length: 16 }, (_, i) => randomCase(i + 1));

describe.skipIf(!gpu)(`GPU engine vs float64 oracle ${gpu ? '' : `(skipped: ${gpuUnavailableReason})`}`, () => {
  const ctx = gpu!;

  describe.each(CASES)('$name', (c) => {
    const x = randomInputs(c.n, c.model.spec.inputDim, c.n * 31 + 7);
    const D = c.model.spec.layers[c.model.spec.layers.length - 1]!.units / (c.model.spec.likelihood.noise.kind === 'heteroscedastic' ? 2 : 1);
    const y = randomInputs(c.n, D, 99).map((row) => row.map((v) => v / 2));

    it.each(['fused', 'registers', 'materialized'] as const)('joint path, %s kernel: per-sample outputs and statistics', async (kernel) => {
      // Small chunks force several sample and input chunks through the running merges.
      const engine = Engine.create(ctx, c.model, { maxSamplesPerChunk: c.chunk.samples, maxInputsPerChunk: c.chunk.inputs, fusedInputsPerWorkgroup: 3, registersInputsPerThread: 5 });
      try {
        const opts: PredictOptions = { samples: c.samples, seed: 1234, y, returnSamples: true, kernel };
        const r = await engine.predict(x, opts);
        const draws = oracleSamples(c.model, x, { samples: c.samples, seed: 1234, path: 'joint' });
        expectClose(r.fSamples!, draws.f, 'f samples');
        expectClose(r.scaleSamples!, draws.scale, 'scale samples');
        const o = oraclePredict(c.model, x, opts);
        expectClose(r.mean, o.mean, 'mean');
        expectClose(r.epistemicStd, o.epistemicStd, 'epistemic std');
        expectClose(r.aleatoricStd, o.aleatoricStd, 'aleatoric std');
        expectClose(r.std, o.std, 'std');
        expectClose(r.lower, o.lower, 'lower');
        expectClose(r.upper, o.upper, 'upper');
        expectClose(r.logPredictiveDensity!, o.logPredictiveDensity!, 'log predictive density', 5e-3);
        // A sum over N inputs of log-densities: allow the per-term tolerance times N.
        expectClose(r.sampleLogLikelihood!, o.sampleLogLikelihood!, 'per-sample log-likelihood', 5e-3 * c.n);
      } finally {
        engine.dispose();
      }
    });

    it('marginal path: statistics equal the oracle with the same draws', async () => {
      const engine = Engine.create(ctx, c.model, { maxSamplesPerChunk: c.chunk.samples, maxInputsPerChunk: c.chunk.inputs });
      try {
        const opts: PredictOptions = { samples: c.samples, seed: 77, y, path: 'marginal' };
        const r = await engine.predict(x, opts);
        const o = oraclePredict(c.model, x, opts);
        expectClose(r.mean, o.mean, 'mean');
        expectClose(r.epistemicStd, o.epistemicStd, 'epistemic std');
        expectClose(r.aleatoricStd, o.aleatoricStd, 'aleatoric std');
        expectClose(r.logPredictiveDensity!, o.logPredictiveDensity!, 'log predictive density', 5e-3);
      } finally {
        engine.dispose();
      }
    });
  });

  it('gives the same draws whatever the chunking and kernel (no draw depends on dispatch shape)', async () => {
    const model = buildModel({ inputDim: 3, units: [16, 9, 1], dropout: [0.2, 0.1, 0.3], seed: 5 });
    const x = randomInputs(23, 3, 1);
    const results = [];
    for (const [samples, inputs, kernel] of [
      [64, 64, 'fused'],
      [5, 7, 'fused'],
      [3, 23, 'materialized'],
      [64, 4, 'materialized'],
      [7, 9, 'registers'],
    ] as const) {
      const engine = Engine.create(ctx, model, { maxSamplesPerChunk: samples, maxInputsPerChunk: inputs, fusedInputsPerWorkgroup: 5, registersInputsPerThread: 3 });
      results.push((await engine.predict(x, { samples: 40, seed: 9, returnSamples: true, kernel })).fSamples!);
      engine.dispose();
    }
    for (const r of results.slice(1)) expectClose(r, results[0]!, 'f samples', 1e-6);
  });

  it.each([
    { inputs: 4, unitQuads: 1 },
    { inputs: 3, unitQuads: 2 },
    { inputs: 8, unitQuads: 3 },
  ])('materialised matmul blocking $inputs x $unitQuads gives the same outputs', async (blocking) => {
    const model = buildModel({ inputDim: 7, units: [13, 9, 2], dropout: [0.1, 0, 0.2], batchNorm: [true, false, false], seed: 11 });
    const x = randomInputs(19, 7, 2);
    const engine = Engine.create(ctx, model, { matmulBlocking: blocking });
    const r = await engine.predict(x, { samples: 6, seed: 4, returnSamples: true, kernel: 'materialized' });
    engine.dispose();
    expectClose(r.fSamples!, oracleSamples(model, x, { samples: 6, seed: 4, path: 'joint' }).f, 'f samples');
  });

  it('handles S = 10^6 samples in bounded memory (linear model, z-test against the exact predictive)', async () => {
    // f = w x + b with w ~ N(mw, sw), b ~ N(mb, sb): mean mw x + mb, variance sw^2 x^2 + sb^2.
    const model = buildModel({ inputDim: 1, units: [1], activations: ['identity'], seed: 3, noise: { kind: 'fixed', sigma: 0.5 } });
    const [mw, sw, mb, sb] = ['weight.loc', 'weight.scale', 'bias.loc', 'bias.scale'].map((t) => model.tensors.get(`layers.0.${t}`)!.data[0]!);
    const engine = Engine.create(ctx, model);
    const S = 1_000_000;
    const xs = [-1.5, 0.25, 2];
    const r = await engine.predict(xs.map((v) => [v]), { samples: S, seed: 2024 });
    xs.forEach((v, i) => {
      const variance = sw! ** 2 * v * v + sb! ** 2;
      // Declared failure rate: |z| > 5 has probability 6e-7 per check.
      expect(Math.abs((r.mean[i]! - (mw! * v + mb!)) / Math.sqrt(variance / S))).toBeLessThan(5);
      // std of the sample std ~ sigma / sqrt(2S) for a normal.
      expect(Math.abs((r.epistemicStd[i]! - Math.sqrt(variance)) / (Math.sqrt(variance) / Math.sqrt(2 * S)))).toBeLessThan(5);
      expect(r.aleatoricStd[i]).toBeCloseTo(0.5, 6);
    });
    // Bounded: the chunk buffers do not grow with S (only the per-sample log-likelihood would, and it is off).
    expect(engine.resources.bytes).toBeLessThan(64 * 1024 * 1024);
    engine.dispose();
  });

  it('handles N = 10^6 inputs in chunks', async () => {
    const model = buildModel({ inputDim: 1, units: [4, 1], activations: ['relu', 'identity'], seed: 4 });
    const engine = Engine.create(ctx, model, { maxInputsPerChunk: 300_000 });
    const N = 1_000_000;
    const x = new Float32Array(N).map((_, i) => -2 + (4 * i) / N);
    const r = await engine.predict(x, { samples: 8, seed: 1 });
    expect(r.mean.length).toBe(N);
    const probe = [0, 123_456, 999_999];
    const o = oraclePredict(model, probe.map((i) => [x[i]!]), { samples: 8, seed: 1 });
    // The oracle sees only 3 inputs, but joint draws do not depend on N, so the statistics agree.
    expectClose(probe.map((i) => r.mean[i]!), o.mean, 'mean at probes');
    expectClose(probe.map((i) => r.epistemicStd[i]!), o.epistemicStd, 'epistemic std at probes');
    engine.dispose();
  });

  it('scores a parameter point like the oracle (per-site log-probabilities and the log joint)', async () => {
    for (const noise of NOISES) {
      const model = buildModel({ inputDim: 2, units: [6, noise.kind === 'heteroscedastic' ? 2 : 1], noise, link: 'sigma2', dropout: [0, 0.5], seed: 8 });
      const point = new Map<string, Float32Array>();
      model.spec.layers.forEach((layer, l) => {
        point.set(layer.weight.site, model.tensors.get(`layers.${l}.weight.loc`)!.data.map((v) => v + 0.1));
        point.set(layer.bias.site, model.tensors.get(`layers.${l}.bias.loc`)!.data.map((v) => v - 0.05));
      });
      if (noise.kind === 'lognormal' || noise.kind === 'gamma') point.set(noise.site, Float32Array.of(0.7));
      const x = randomInputs(12, 2, 3);
      const y = randomInputs(12, 1, 4);
      const engine = Engine.create(ctx, model);
      const got = await engine.score(point, x, y);
      const want = oracleScore(model, point, x, y);
      expect(Object.keys(got.sites).sort()).toEqual(Object.keys(want.sites).sort());
      for (const [site, v] of Object.entries(want.sites)) expect(got.sites[site]! , site).toBeCloseTo(v, 2);
      expect(Math.abs(got.logJoint - want.logJoint) / (1 + Math.abs(want.logJoint))).toBeLessThan(1e-4);
      engine.dispose();
    }
  });

  it('reuses buffers across calls and destroys all of them on dispose', async () => {
    const model = buildModel({ inputDim: 2, units: [8, 1], seed: 2 });
    const engine = Engine.create(ctx, model);
    const x = randomInputs(10, 2, 1);
    await engine.predict(x, { samples: 50, y: randomInputs(10, 1, 2) });
    const after1 = engine.resources;
    for (let i = 0; i < 3; i++) await engine.predict(x, { samples: 50, seed: i, y: randomInputs(10, 1, 2) });
    expect(engine.resources).toEqual(after1);
    engine.dispose();
    expect(engine.resources.buffers).toBe(0);
    expect(engine.resources.bytes).toBe(0);
    await expect(engine.predict(x)).rejects.toBeInstanceOf(DisposedError);
  });

  it('rejects bad input with a clear typed error', async () => {
    const model = buildModel({ inputDim: 2, units: [4, 1], seed: 2 });
    const engine = Engine.create(ctx, model);
    const cases: [unknown, PredictOptions, RegExp][] = [
      [[[1, 2, 3]], {}, /row 0 has 3 values; the model expects 2/],
      [[[1, Number.NaN]], {}, /row 0 column 1 is NaN/],
      [[1, 2, 3], {}, /not a multiple of 2/],
      [[], {}, /no rows/],
      [[[1, 2]], { samples: 0 }, /samples must be an integer/],
      [[[1, 2]], { samples: 2.5 }, /samples must be an integer/],
      [[[1, 2]], { seed: -1 }, /seed must be a non-negative/],
      [[[1, 2]], { y: [[1], [2]] }, /y has 2 rows but x has 1/],
      [[[1, 2]], { y: [[Number.POSITIVE_INFINITY]] }, /y row 0 column 0 is Infinity/],
      [[[1, 2]], { intervalLevel: 1 }, /intervalLevel must be in \(0, 1\)/],
      [[[1, 2]], { path: 'marginal', returnSamples: true }, /returnSamples needs the joint path/],
      [[[1, 2]], { kernel: 'magic' as never }, /kernel must be/],
    ];
    for (const [x, opts, message] of cases) {
      await expect(engine.predict(x as number[][], opts)).rejects.toThrow(message);
      await expect(engine.predict(x as number[][], opts)).rejects.toBeInstanceOf(InvalidInputError);
    }
    engine.dispose();
  });

  it('reports a request beyond device limits as DeviceLimitError', async () => {
    const model = buildModel({ inputDim: 2, units: [64, 1], seed: 2 });
    const engine = Engine.create(ctx, model, { maxChunkBytes: 128 });
    await expect(engine.predict([[1, 2]], { samples: 4 })).rejects.toBeInstanceOf(DeviceLimitError);
    engine.dispose();
  });
});
