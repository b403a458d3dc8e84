/**
 * The GPU engine against the float64 oracle on chosen cases (random architectures are the fuzz
 * test's, test/infer/fuzz.gpu.test.ts): invariance to chunking and kernels, matmul blockings, very large S
 * and N, saturating activations, scoring, buffers, and every kind of bad input and limit.
 *
 * Tolerance: each element within its forward error bound (test/support/error-bound.ts states the rule:
 * the GPU's draw error and float32 rounding propagated through the network), compared by
 * test/support/all-close.ts, which fails on any NaN or infinity the oracle does not have.
 */
import { expect, it } from 'vitest';
import { DeviceLimitError, DisposedError, InvalidInputError, ModelFormatError, NumericalError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import { AUTO_MARGINAL_MAX_INPUTS } from '../../src/infer/predict-options.js';
import type { PredictOptions } from '../../src/infer/types.js';
import type { Activation, Model, NoiseSpec } from '../../src/model/spec.js';
import { ACTIVATIONS } from '../../src/model/spec.js';
import { oraclePredict } from '../../src/reference/predict.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { oracleScore } from '../../src/reference/score.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs } from '../support/model-builders.js';
import { expectAllClose, relativeBound } from '../support/all-close.js';
import { sampleBounds, statisticBounds } from '../support/error-bound.js';

const NOISES: readonly NoiseSpec[] = [
  { kind: 'fixed', sigma: 0.3 },
  { kind: 'lognormal', site: 'sigma' },
  { kind: 'gamma', site: 'sigma' },
  { kind: 'heteroscedastic', minScale: 1e-3 },
  { kind: 'logitnormal', site: 'sigma', low: 0.05, high: 2 },
];

/** f samples of the engine against the oracle, each within its derived bound. */
function expectSamplesMatchOracle(got: Float32Array | undefined, model: Model, x: number[][], samples: number, seed: number, what: string): void {
  const bounds = sampleBounds(model, x, { samples, seed, path: 'joint' });
  expectAllClose(got ?? new Float32Array(0), oracleSamples(model, x, { samples, seed, path: 'joint' }).f, bounds.fBound, what);
}

describeGpu('GPU engine vs float64 oracle', () => {
  const ctx = gpu!;

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
      [64, 64, 'network'],
      [5, 11, 'network'],
      [64, 64, 'lanes'],
      [6, 13, 'lanes'],
      [64, 64, 'tiled'],
      [5, 33, 'tiled'],
    ] as const) {
      const engine = Engine.create(ctx, model, { maxSamplesPerChunk: samples, maxInputsPerChunk: inputs, fusedInputsPerWorkgroup: 5, registersInputsPerThread: 3 });
      results.push((await engine.predict(x, { samples: 40, seed: 9, returnSamples: true, kernel })).fSamples!);
      engine.dispose();
    }
    // Same draws, different summation orders: float32 rounding apart (1e-6 relative covers it; a
    // different draw is off by O(0.1)).
    for (const r of results.slice(1)) expectAllClose(r, results[0]!, relativeBound(results[0]!, 1e-6), 'f samples');
  });

  it("'tiled' matches the oracle across several input, unit and depth tiles (rows that straddle Philox blocks)", async () => {
    // 37 inputs: 3 depth tiles of 16, rows starting off block boundaries; 41 and 34 units: 2 unit
    // tiles of 32; 70 inputs in chunks of 45: 2 input tiles, the second part-filled.
    const model = buildModel({ inputDim: 37, units: [41, 34, 2], dropout: [0.2, 0.1, 0], seed: 21 });
    const x = randomInputs(70, 37, 4);
    const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 3, maxInputsPerChunk: 45 });
    const r = await engine.predict(x, { samples: 5, seed: 6, returnSamples: true, kernel: 'tiled' });
    expectSamplesMatchOracle(r.fSamples, model, x, 5, 6, 'tiled f samples');
    engine.dispose();
  });

  it("draws a 'logitnormal' sigma (a Uniform prior's AutoNormal guide) per sample like the oracle, whatever the chunking", async () => {
    const model = buildModel({ inputDim: 2, units: [5, 1], noise: { kind: 'logitnormal', site: 'sigma', low: 0, high: 10 }, seed: 12 });
    const x = randomInputs(6, 2, 3);
    const want = oracleSamples(model, x, { samples: 50, seed: 2, path: 'joint' });
    const bounds = sampleBounds(model, x, { samples: 50, seed: 2, path: 'joint' });
    expect(want.sigma.every((s) => s > 0 && s < 10)).toBe(true);
    for (const samplesPerChunk of [50, 7]) {
      const engine = Engine.create(ctx, model, { maxSamplesPerChunk: samplesPerChunk });
      const r = await engine.predict(x, { samples: 50, seed: 2, returnSamples: true });
      engine.dispose();
      expectAllClose(r.scaleSamples!, want.scale, bounds.scaleBound, `noise scales, ${samplesPerChunk} samples per chunk`);
    }
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
    expectSamplesMatchOracle(r.fSamples, model, x, 6, 4, 'f samples');
  });

  it('handles S = 10^6 samples in bounded memory (linear model, z-test against the exact predictive)', async () => {
    // f = w x + b with w ~ N(mw, sw), b ~ N(mb, sb): mean mw x + mb, variance sw^2 x^2 + sb^2.
    const model = buildModel({ inputDim: 1, units: [1], activations: ['identity'], seed: 3, noise: { kind: 'fixed', sigma: 0.5 } });
    const [mw, sw, mb, sb] = ['weight.loc', 'weight.scale', 'bias.loc', 'bias.scale'].map((t) => model.tensors.get(`layers.0.${t}`)!.data[0]!);
    const engine = Engine.create(ctx, model);
    const S = 1_000_000;
    const xs = [-1.5, 0.25, 2];
    const r = await engine.predict(
      xs.map((v) => [v]),
      { samples: S, seed: 2024 },
    );
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

  it("path 'auto' takes the marginal path for few inputs and the joint path otherwise, as the oracle does", async () => {
    // Marginal for N <= AUTO_MARGINAL_MAX_INPUTS (2), whatever the shape.
    const model = buildModel({ inputDim: 2, units: [8, 8, 1], seed: 12 });
    const engine = Engine.create(ctx, model);
    for (const [n, options, want] of [
      [AUTO_MARGINAL_MAX_INPUTS, {}, 'marginal'],
      [AUTO_MARGINAL_MAX_INPUTS + 1, {}, 'joint'],
      [1, { returnSamples: true }, 'joint'],
      [1, { kernel: 'fused' }, 'joint'],
      [1, { y: [[0.5]] }, 'marginal'],
      [2, { y: [[0.5], [0.1]] }, 'joint'],
    ] as const) {
      const x = randomInputs(n, 2, 7);
      const r = await engine.predict(x, { samples: 64, seed: 5, ...options });
      expect(r.path, `N=${n} ${JSON.stringify(options)}`).toBe(want);
      const o = oraclePredict(model, x, { samples: 64, seed: 5, ...options });
      expect(o.path).toBe(want);
      const bounds = statisticBounds(sampleBounds(model, x, { samples: 64, seed: 5, path: want }), null, 1.6448536269514722);
      expectAllClose(r.mean, o.mean, bounds.mean, `auto path mean N=${n}`);
      expectAllClose(r.epistemicStd, o.epistemicStd, bounds.epistemicStd, `auto path epistemic std N=${n}`);
    }
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
    const rows = probe.map((i) => [x[i]!]);
    const o = oraclePredict(model, rows, { samples: 8, seed: 1 });
    const bounds = statisticBounds(sampleBounds(model, rows, { samples: 8, seed: 1, path: 'joint' }), null, 1.6448536269514722);
    // The oracle sees only 3 inputs, but joint draws do not depend on N, so the statistics agree.
    expectAllClose(
      probe.map((i) => r.mean[i]!),
      o.mean,
      bounds.mean,
      'mean at probes',
    );
    expectAllClose(
      probe.map((i) => r.epistemicStd[i]!),
      o.epistemicStd,
      bounds.epistemicStd,
      'epistemic std at probes',
    );
    engine.dispose();
  });

  it('scores a parameter point like the oracle (per-site log-probabilities and the log joint)', async () => {
    for (const noise of NOISES) {
      const model = buildModel({ inputDim: 2, units: [6, noise.kind === 'heteroscedastic' ? 2 : 1], noise, link: 'sigma2', dropout: [0, 0.5], seed: 8 });
      const point = new Map<string, Float32Array>();
      model.spec.layers.forEach((layer, l) => {
        point.set(
          layer.weight.site,
          model.tensors.get(`layers.${l}.weight.loc`)!.data.map((v) => v + 0.1),
        );
        point.set(
          layer.bias.site,
          model.tensors.get(`layers.${l}.bias.loc`)!.data.map((v) => v - 0.05),
        );
      });
      if (noise.kind === 'lognormal' || noise.kind === 'gamma' || noise.kind === 'logitnormal') point.set(noise.site, Float32Array.of(0.7));
      const x = randomInputs(12, 2, 3);
      const y = randomInputs(12, 1, 4);
      const engine = Engine.create(ctx, model);
      const got = await engine.score(point, x, y);
      const want = oracleScore(model, point, x, y);
      expect(Object.keys(got.sites).sort()).toEqual(Object.keys(want.sites).sort());
      for (const [site, v] of Object.entries(want.sites)) expect(got.sites[site]!, site).toBeCloseTo(v, 2);
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
    const cases: [unknown, unknown, RegExp][] = [
      [[[1, 2, 3]], {}, /row 0 has 3 values; the model expects 2/],
      [[[1, Number.NaN]], {}, /row 0 column 1 is NaN/],
      [[[1, '2']], {}, /row 0 column 1 is '2' \(a string\)/],
      [[1, 2, 3], {}, /not a multiple of 2/],
      [[], {}, /no rows/],
      [null, {}, /x must be an array/],
      [[[1, 1e39]], {}, /row 0 column 1 is 1e\+39; beyond float32's range/],
      [[[1, 2]], null, /predict options must be an object, got null/],
      [[[1, 2]], 'fast', /predict options must be an object/],
      [[[1, 2]], { sample: 10 }, /no option 'sample'; known: samples, seed/],
      [[[1, 2]], { samples: 0 }, /samples must be an integer/],
      [[[1, 2]], { samples: 2.5 }, /samples must be an integer/],
      [[[1, 2]], { samples: '100' }, /samples must be an integer in \[1, 4294967295\], got '100' \(a string\)/],
      [[[1, 2]], { seed: -1 }, /seed must be an integer in \[0, /],
      [[[1, 2]], { y: [[1], [2]] }, /y has 2 rows but x has 1/],
      [[[1, 2]], { y: [[Number.POSITIVE_INFINITY]] }, /y row 0 column 0 is Infinity/],
      [[[1, 2]], { y: [[-1e39]] }, /y row 0 column 0 is -1e\+39; beyond float32's range/],
      [[[1, 2]], { y: null }, /predict options: y is null; leave it out/],
      [[[1, 2]], { intervalLevel: 1 }, /intervalLevel must be a number < 1/],
      [[[1, 2]], { intervalLevel: '0.9' }, /intervalLevel must be a number that is finite in float32, got '0.9' \(a string\)/],
      [[[1, 2]], { path: 'marginal', returnSamples: true }, /returnSamples needs the joint path/],
      [[[1, 2]], { returnSamples: 'yes' }, /returnSamples must be true or false/],
      [[[1, 2]], { kernel: 'magic' }, /kernel must be one of 'auto', 'fused', 'tiled', 'registers', 'materialized'/],
      [[[1, 2]], { path: 42 }, /path must be one of 'auto', 'joint', 'marginal', got 42/],
    ];
    for (const [x, opts, message] of cases) {
      const call = () => engine.predict(x as number[][], opts as PredictOptions);
      await expect(call(), `predict(${JSON.stringify(x)}, ${JSON.stringify(opts)})`).rejects.toThrow(message);
      await expect(call()).rejects.toBeInstanceOf(InvalidInputError);
    }
    // The engine still works after every refusal.
    expect((await engine.predict([[1, 2]], { samples: 3 })).mean.every(Number.isFinite)).toBe(true);
    engine.dispose();
  });

  it('refuses a model built in code that is not valid, and bad engine options', () => {
    const model = buildModel({ inputDim: 2, units: [4, 1], seed: 2 });
    const tensors = new Map(model.tensors);
    tensors.delete('layers.1.bias.loc');
    expect(() => Engine.create(ctx, { spec: model.spec, tensors })).toThrow(ModelFormatError);
    expect(() => Engine.create(ctx, { spec: model.spec, tensors })).toThrow(/missing tensor 'layers.1.bias.loc'/);
    expect(() => Engine.create(ctx, null as unknown as Model)).toThrow(InvalidInputError);
    expect(() => Engine.create(null as never, model)).toThrow(/needs a GpuContext/);
    expect(() => Engine.create(ctx, model, { maxChunkBytes: -1 })).toThrow(/maxChunkBytes must be an integer/);
    expect(() => Engine.create(ctx, model, { chunkBytes: 5 } as never)).toThrow(/no option 'chunkBytes'/);
  });

  it('scores a point given as a plain object like the same point as a Map, and refuses bad points and a missing y', async () => {
    const model = buildModel({ inputDim: 2, units: [3, 1], noise: { kind: 'lognormal', site: 'sigma' }, seed: 6 });
    const engine = Engine.create(ctx, model);
    const point = new Map<string, Float32Array>();
    model.spec.layers.forEach((layer, l) => {
      point.set(layer.weight.site, model.tensors.get(`layers.${l}.weight.loc`)!.data);
      point.set(layer.bias.site, model.tensors.get(`layers.${l}.bias.loc`)!.data);
    });
    point.set('sigma', Float32Array.of(0.5));
    const x = randomInputs(5, 2, 1);
    const y = randomInputs(5, 1, 2);
    const fromMap = await engine.score(point, x, y);
    const plain = Object.fromEntries([...point].map(([k, v]) => [k, Array.from(v)]));
    const fromObject = await engine.score({ ...plain, sigma: 0.5 }, x, y);
    expect(fromObject).toEqual(fromMap);
    expect(Number.isFinite(fromMap.logJoint)).toBe(true);
    const bad: [unknown, unknown, RegExp][] = [
      [point, undefined, /score needs y/],
      [null, y, /a parameter point must be a Map or an object/],
      ['w', y, /a parameter point must be a Map or an object/],
      [{ ...plain, sigma: '0.5' }, y, /site 'sigma' must be an array of numbers/],
      [{ ...plain, sigma: [Number.NaN] }, y, /site 'sigma' value 0 is NaN/],
      [{ ...plain, sigma: -1 }, y, /site 'sigma' \(sigma\) is -1; it must be > 0/],
      [{ ...plain, sigma: 0.5, extra: [1] }, y, /names site 'extra', which the model does not have/],
    ];
    for (const [p, yy, message] of bad) {
      await expect(engine.score(p as Map<string, Float32Array>, x, yy as number[][])).rejects.toThrow(message);
      await expect(engine.score(p as Map<string, Float32Array>, x, yy as number[][])).rejects.toBeInstanceOf(InvalidInputError);
    }
    engine.dispose();
  });

  it.each(ACTIVATIONS)('%s stays finite and equals the oracle at pre-activations up to +-1e4 (every path and kernel)', async (activation: Activation) => {
    // One unit, weight 1, bias 0, point posterior: f = act(x) exactly, in float32 as in float64.
    const model = buildModel({ inputDim: 1, units: [1], activations: [activation], posterior: 'delta', seed: 1 });
    model.tensors.get('layers.0.weight.loc')!.data[0] = 1;
    model.tensors.get('layers.0.bias.loc')!.data[0] = 0;
    if (activation === 'prelu') model.tensors.get('layers.0.prelu_slope')!.data[0] = 0.25;
    const xs = [1e4, -1e4, 1e3, -1e3, 89, -89, 44, -44, 13, -13, 10.5, -10.5, 9.5, -9.5, 0.75, -0.75, 0];
    const want = oraclePredict(
      model,
      xs.map((v) => [v]),
      { samples: 1 },
    ).mean;
    for (const v of want) expect(Number.isFinite(v)).toBe(true);
    const engine = Engine.create(ctx, model);
    for (const options of [
      { kernel: 'fused' },
      { kernel: 'tiled' },
      { kernel: 'registers' },
      { kernel: 'materialized' },
      { kernel: 'subgroups' },
      { kernel: 'network' },
      { kernel: 'lanes' },
      { path: 'marginal' },
    ] as const) {
      const r = await engine.predict(
        xs.map((v) => [v]),
        { samples: 1, ...options },
      );
      // float32 evaluation of one activation: 64 ulps of |f| plus 2^-20 (test/support/error-bound.ts's rule for one unit).
      expectAllClose(r.mean, want, relativeBound(want, 64 * 2 ** -24, 2 ** -20), `${activation} ${JSON.stringify(options)}`);
    }
    engine.dispose();
  });

  it('refuses a result that overflows float32 with a NumericalError naming the statistic', async () => {
    // f = 1e20 x: finite inputs, outputs beyond float32 at x = 1e19.
    const model = buildModel({ inputDim: 1, units: [1], activations: ['identity'], posterior: 'delta', seed: 1 });
    model.tensors.get('layers.0.weight.loc')!.data[0] = 1e20;
    const engine = Engine.create(ctx, model);
    await expect(engine.predict([[1], [1e19]], { samples: 2 })).rejects.toThrow(NumericalError);
    await expect(engine.predict([[1], [1e19]], { samples: 2 })).rejects.toThrow(/predictive mean at input 1, output 0 is (NaN|-?Infinity): the computation left float32's range/);
    // y far from f: the log density underflows float32 while every other statistic is fine.
    await expect(engine.predict([[1]], { samples: 2, y: [[3e38]] })).rejects.toThrow(/log predictive density at input 0/);
    expect((await engine.predict([[1]], { samples: 2 })).mean[0]).toBeCloseTo(1e20, -14);
    engine.dispose();
  });

  it("falls back from 'auto' to a kernel that fits, and names the limit that refuses an explicit one", async () => {
    // Materialised weights (16 x 64 + 64 + 65 floats per sample) exceed a 4 KiB chunk budget; one
    // weight row (17 floats) of the fused kernel does not.
    const model = buildModel({ inputDim: 16, units: [64, 1], seed: 3 });
    const engine = Engine.create(ctx, model, { maxChunkBytes: 4096 });
    const x = randomInputs(5, 16, 2);
    // path 'joint': at N = 5 'auto' would take the marginal path, which materialises nothing.
    await expect(engine.predict(x, { samples: 3, path: 'joint', kernel: 'materialized' })).rejects.toThrow(DeviceLimitError);
    await expect(engine.predict(x, { samples: 3, path: 'joint', kernel: 'materialized' })).rejects.toThrow(
      /exceed the engine's chunk budget \(EngineOptions.maxChunkBytes = 4096 bytes/,
    );
    const r = await engine.predict(x, { samples: 3, seed: 8, returnSamples: true });
    expectSamplesMatchOracle(r.fSamples, model, x, 3, 8, 'auto fallback f samples');
    engine.dispose();
  });

  it('reports a request beyond device limits as DeviceLimitError', async () => {
    const model = buildModel({ inputDim: 2, units: [64, 1], seed: 2 });
    const engine = Engine.create(ctx, model, { maxChunkBytes: 128 });
    await expect(engine.predict([[1, 2]], { samples: 4, path: 'joint' })).rejects.toBeInstanceOf(DeviceLimitError);
    await expect(engine.predict([[1, 2]], { samples: 4, path: 'joint' })).rejects.toThrow(/no kernel fits this model on this device: .*EngineOptions.maxChunkBytes = 128 bytes/);
    engine.dispose();
  });

  it('cancels a predict when its signal aborts, and stays usable', async () => {
    const model = buildModel({ inputDim: 2, units: [32, 32, 1], seed: 4 });
    const engine = Engine.create(ctx, model, { maxSamplesPerChunk: 50, chunksPerSubmit: 1 });
    const x = randomInputs(64, 2, 1);
    const early = new AbortController();
    early.abort();
    await expect(engine.predict(x, { samples: 10, signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const reason = new Error('stop');
    const started = performance.now();
    const running = engine.predict(x, { samples: 100_000, signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(running).rejects.toBe(reason);
    // 100k samples would take minutes on SwiftShader; the abort lands within a submit of 50.
    expect(performance.now() - started).toBeLessThan(30_000);
    await expect(engine.predict(x, { samples: 10, signal: 'stop' as never })).rejects.toThrow(/signal must be an AbortSignal/);
    const r = await engine.predict(x, { samples: 10, seed: 1, signal: new AbortController().signal, returnSamples: true });
    expectSamplesMatchOracle(r.fSamples, model, x, 10, 1, 'after an abort');
    engine.dispose();
  });
});
