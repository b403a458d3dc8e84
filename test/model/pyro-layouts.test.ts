/**
 * Pyro exports in every layout the loader takes (nn.ModuleList, nn.Sequential, named layers;
 * AutoNormal and AutoDiagonalNormal; a noise site under any name, fixed noise; every sigma prior),
 * and NumPyro AutoNormal parameters through the Python exporter. Pyro and NumPyro are not installed
 * here, so test/python/export_cases.py lays their param stores out exactly as Pyro 1.8 names and
 * constrains them and computes, with torch, what Pyro's trace would: AutoNormal's transform of each
 * prior's support (torch.distributions.biject_to) and every site's log_prob.
 *
 * Each case is read twice, independently: the TypeScript loader on the raw param store, and the
 * Python exporter from the same arrays into our format; both must give the same model bit for bit.
 *
 * Tolerances: sigma draws, GPU against the oracle within test/support/error-bound.ts's bound, the oracle
 * against the transform written out here in float64 to 1e-12 relative. score(): the oracle against
 * torch's float64 log_prob to 1e-9 relative (Uniform: torch evaluates in float32, 1e-6); the GPU
 * against the oracle within test/support/score-bound.ts's float32 bound per site.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.js';
import { Engine } from '../../src/index.js';
import { sigmoid } from '../../src/math/activations.js';
import { expectScaleLikelihood, modelFromBytes, modelToBytes, serializeSafetensors, tensorNames, type Model, type ModelSpec, type Tensor } from '../../src/model/index.js';
import { noiseNormal } from '../../src/random/draws.js';
import { seedToKey } from '../../src/random/streams.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { oracleScore } from '../../src/reference/score.js';
import { expectAllClose } from '../support/all-close.js';
import { sampleBounds } from '../support/error-bound.js';
import { gpu, gpuSkipReason } from '../support/gpu.js';
import { removeExportCases, runExportCases, type GuideCase } from '../support/python.js';
import { normalTerms, obsBound, sigmaPriorTerms, siteBound } from '../support/score-bound.js';

const cases = runExportCases();
afterAll(() => removeExportCases(cases));
const fileBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(cases.dir, name)));
const bits = (data: Float32Array): number[] => [...new Uint32Array(data.buffer, data.byteOffset, data.length)];

/** The spec with a kind-less Gamma prior written with its kind, so the old and the new form compare equal. */
function withPriorKinds(spec: ModelSpec): ModelSpec {
  const prior = expectScaleLikelihood(spec).sigmaPrior;
  if (prior === null || prior.kind !== undefined) return spec;
  return { ...spec, likelihood: { ...expectScaleLikelihood(spec), sigmaPrior: { kind: 'gamma', concentration: prior.concentration, rate: prior.rate } } };
}

/** AutoNormal's transform of sigma's unconstrained value u: the noise kind's, written out here. */
function sigmaOf(model: Model, u: number): number {
  const noise = expectScaleLikelihood(model.spec).noise;
  if (noise.kind === 'logitnormal') return noise.low + (noise.high - noise.low) * sigmoid(u);
  if (noise.kind === 'lognormal') return Math.exp(u);
  throw new Error(`no transform for noise kind ${noise.kind}`);
}

const SAMPLES = 64;
const SEED = 5;

/** Sigma of every sample: GPU (scaleSamples, through the link) vs oracle vs the transform of loc + scale z. */
async function checkSigmaDraws(model: Model, x: number[][]): Promise<void> {
  const scalar = (name: string) => model.tensors.get(name)?.data[0] ?? NaN;
  const [loc, scale] = [scalar(tensorNames.noiseLoc), scalar(tensorNames.noiseScale)];
  const key = seedToKey(SEED);
  const oracle = oracleSamples(model, x, { samples: SAMPLES, seed: SEED, path: 'joint' });
  const formula = Float64Array.from({ length: SAMPLES }, (_, s) => sigmaOf(model, loc + scale * noiseNormal(key, s)));
  expectAllClose(
    oracle.sigma,
    formula,
    formula.map((v) => 1e-12 * v),
    'oracle sigma vs the transform',
  );
  const noise = expectScaleLikelihood(model.spec).noise;
  if (noise.kind === 'logitnormal') {
    expect(formula.every((v) => v > noise.low && v < noise.high)).toBe(true);
  }
  if (!gpu) return;
  const engine = Engine.create(gpu, model);
  try {
    const r = await engine.predict(x, { samples: SAMPLES, seed: SEED, returnSamples: true });
    const perSample = (a: ArrayLike<number>) => Float64Array.from({ length: SAMPLES }, (_, s) => a[s * x.length] ?? NaN);
    const bound = sampleBounds(model, x, { samples: SAMPLES, seed: SEED, path: 'joint' });
    expectAllClose(perSample(r.scaleSamples!), perSample(oracle.scale), perSample(bound.scaleBound), 'GPU vs oracle likelihood scale');
  } finally {
    engine.dispose();
  }
}

/** score() on the GPU vs the oracle vs torch's log_prob (computed in Python), site by site. */
async function checkScore(model: Model, c: GuideCase): Promise<void> {
  const point = new Map(Object.entries(c.point).map(([site, values]) => [site, Float32Array.from(values)]));
  const oracle = oracleScore(model, point, c.x, c.y);
  const sites = Object.keys(c.torch_log_prob).sort();
  expect(Object.keys(oracle.sites).sort()).toEqual(sites);
  const uniform = c.prior?.['kind'] === 'uniform';
  for (const site of sites) {
    const tolerance = uniform && site === c.noise_site ? 1e-6 : 1e-9;
    const want = c.torch_log_prob[site]!;
    expect(Math.abs(oracle.sites[site]! - want), `${site}: oracle ${oracle.sites[site]} vs torch ${want}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(want)));
  }
  if (!gpu) return;
  const engine = Engine.create(gpu, model);
  try {
    const got = await engine.score(point, c.x, c.y);
    for (const [l, layer] of model.spec.layers.entries()) {
      for (const [param, name] of [
        [layer.weight, tensorNames.weightLoc(l)],
        [layer.bias, tensorNames.biasLoc(l)],
      ] as const) {
        const values = point.get(param.site) ?? [];
        const bound = siteBound(values, normalTerms(param.prior.loc, param.prior.scale));
        expect(Math.abs(got.sites[param.site]! - oracle.sites[param.site]!), `${param.site} (${name}) GPU vs oracle`).toBeLessThanOrEqual(bound);
      }
    }
    const prior = expectScaleLikelihood(model.spec).sigmaPrior;
    if (prior) {
      const sigma = point.get(c.noise_site)!;
      const bound = siteBound(sigma, sigmaPriorTerms(prior));
      expect(Math.abs(got.sites[c.noise_site]! - oracle.sites[c.noise_site]!), `${c.noise_site} GPU vs oracle`).toBeLessThanOrEqual(bound);
    }
    expect(Math.abs(got.sites['obs']! - oracle.sites['obs']!), 'obs GPU vs oracle').toBeLessThanOrEqual(obsBound(model, point, c.x, c.y));
  } finally {
    engine.dispose();
  }
}

describe.each(cases.guides)('Pyro $guide, $layout layout, $name', (c) => {
  const model = modelFromBytes(fileBytes(c.raw_file));
  const { spec } = model;

  it("loads the raw param store: the layers' sites in the metadata's order, the noise and its prior", () => {
    expect(spec.inputDim).toBe(2);
    expect(spec.layers.map((l) => [l.weight.site, l.bias.site])).toEqual(c.pairs);
    expect(spec.layers.map((l) => [l.units, l.activation])).toEqual([
      [5, 'tanh'],
      [4, 'tanh'],
      [1, 'identity'],
    ]);
    expect(spec.layers.every((l) => l.weight.prior.scale === 0.8 && l.weight.posterior === 'normal')).toBe(true);
    const { noise, sigmaPrior, link } = expectScaleLikelihood(spec);
    expect(link).toBe(c.link);
    if (c.fixed !== null) {
      expect(noise).toEqual({ kind: 'fixed', sigma: c.fixed });
      expect(sigmaPrior).toBeNull();
      return;
    }
    const prior = c.prior!;
    if (prior['kind'] === 'uniform') {
      expect(noise).toEqual({ kind: 'logitnormal', site: c.noise_site, low: prior['low'], high: prior['high'] });
    } else {
      expect(noise).toEqual({ kind: 'lognormal', site: c.noise_site });
    }
    expect(sigmaPrior).toEqual(c.legacy ? { concentration: prior['concentration'], rate: prior['rate'] } : prior);
    expect(model.tensors.get(tensorNames.noiseLoc)?.data[0]).toBe(Math.fround(c.sigma_loc!));
    expect(model.tensors.get(tensorNames.noiseScale)?.data[0]).toBe(Math.fround(c.sigma_scale));
  });

  it('is the model the Python exporter writes from the same param store, bit for bit', () => {
    const ours = modelFromBytes(fileBytes(c.ours_file));
    expect(withPriorKinds(ours.spec)).toEqual(withPriorKinds(spec));
    expect([...ours.tensors.keys()].sort()).toEqual([...model.tensors.keys()].sort());
    for (const [name, tensor] of model.tensors) {
      expect(ours.tensors.get(name)?.shape, name).toEqual(tensor.shape);
      expect(bits(ours.tensors.get(name)!.data), name).toEqual(bits(tensor.data));
    }
  });

  it('round-trips through our format', () => {
    expect(modelFromBytes(modelToBytes(model)).spec).toEqual(spec);
  });

  it(
    c.fixed === null ? "draws sigma through AutoNormal's transform (GPU, oracle and the formula agree)" : 'keeps the fixed sigma in every sample',
    async () => {
      if (c.fixed === null) {
        await checkSigmaDraws(model, c.x);
        return;
      }
      expect(oracleSamples(model, c.x, { samples: 4, seed: SEED, path: 'joint' }).sigma).toEqual(new Float64Array(4).fill(c.fixed));
    },
    60_000,
  );

  it(`score() is Pyro's log_prob of every site (torch), on the GPU and in the oracle ${gpu ? '' : `(GPU skipped: ${gpuSkipReason})`}`, async () => {
    await checkScore(model, c);
  }, 60_000);
});

describe.each(cases.numpyro)('NumPyro AutoNormal through the exporter: $name', (c) => {
  const model = modelFromBytes(fileBytes(c.file));

  it('transposes x @ w weights to [out, in] and keeps the sites and the transform of sigma', () => {
    const { spec } = model;
    expect(spec.layers.map((l) => [l.weight.site, l.bias.site])).toEqual([
      ['w1', 'b1'],
      ['w2', 'b2'],
      ['w3', 'b3'],
    ]);
    const w1 = c.params['w1_auto_loc'] as number[][];
    const loaded = model.tensors.get(tensorNames.weightLoc(0))!;
    expect(loaded.shape).toEqual([w1[0]!.length, w1.length]);
    loaded.data.forEach((v, k) => {
      const [out, inp] = [Math.floor(k / w1.length), k % w1.length];
      expect(v).toBe(Math.fround(w1[inp]![out]!));
    });
    expect(expectScaleLikelihood(spec).sigmaPrior).toEqual(c.prior);
    expect(expectScaleLikelihood(spec).noise.kind).toBe(c.prior['kind'] === 'uniform' ? 'logitnormal' : 'lognormal');
    expect(model.tensors.get(tensorNames.noiseLoc)?.data[0]).toBe(Math.fround(c.params['sigma_auto_loc'] as number));
  });

  it("draws sigma through NumPyro's transform (GPU, oracle and the formula agree)", async () => {
    await checkSigmaDraws(model, [
      [0.5, -0.5],
      [1, 2],
    ]);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Exports the loader must refuse, written here as a Pyro user's dump would look.

const zeros = (shape: number[], value = 0): Tensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) });

/** A 2-3-1 AutoNormal param store with the given layer site names and a noise site. */
function pyroStore(names: readonly [string, string][], noiseSite: string | null = 'sigma'): Map<string, Tensor> {
  const dims = [2, 3, 1];
  const store = new Map<string, Tensor>();
  names.forEach(([w, b], l) => {
    store.set(`AutoNormal.locs.${w}`, zeros([dims[l + 1]!, dims[l]!]));
    store.set(`AutoNormal.scales.${w}`, zeros([dims[l + 1]!, dims[l]!], 0.1));
    store.set(`AutoNormal.locs.${b}`, zeros([dims[l + 1]!]));
    store.set(`AutoNormal.scales.${b}`, zeros([dims[l + 1]!], 0.1));
  });
  if (noiseSite !== null) {
    store.set(`AutoNormal.locs.${noiseSite}`, zeros([], -1));
    store.set(`AutoNormal.scales.${noiseSite}`, zeros([], 0.1));
  }
  return store;
}

const BASE_INFO = { dims: [2, 3, 1], activation: 'tanh', weight_prior_scale: 1, sigma_prior: { kind: 'gamma', concentration: 2, rate: 2 } };

function pyroBytes(store: Map<string, Tensor>, info: Record<string, unknown>): Uint8Array {
  return serializeSafetensors(store, { model: JSON.stringify(info) });
}

function expectRefused(bytes: Uint8Array, fragment: string | RegExp): void {
  expect(() => modelFromBytes(bytes)).toThrow(ModelFormatError);
  expect(() => modelFromBytes(bytes)).toThrow(fragment);
}

describe('Pyro exports that are refused, never misread', () => {
  const sequential: [string, string][] = [
    ['0.weight', '0.bias'],
    ['2.weight', '2.bias'],
  ];
  const named: [string, string][] = [
    ['fc1.weight', 'fc1.bias'],
    ['out.weight', 'out.bias'],
  ];
  const layersOf = (pairs: [string, string][]) => pairs.map(([weight, bias]) => ({ weight, bias }));

  it('an nn.Sequential without `layers`: its module positions are not layer indices', () => {
    expectRefused(pyroBytes(pyroStore(sequential), BASE_INFO), /site '2\.(weight|bias)' refers to layer 2, but dims give layers 0\.\.1 \(an nn\.Sequential numbers its modules/);
    expect(modelFromBytes(pyroBytes(pyroStore(sequential), { ...BASE_INFO, layers: layersOf(sequential) })).spec.layers[1]?.weight.site).toBe('2.weight');
  });

  it('named layers without `layers`: their order is not guessed from the names', () => {
    expectRefused(pyroBytes(pyroStore(named), BASE_INFO), /site 'fc1\.(weight|bias)' is neither a layer's <i>\.weight \/ <i>\.bias nor 'sigma'; for other layouts/);
  });

  it('`layers` naming a site the guide lacks, using one twice, or leaving one out', () => {
    expectRefused(
      pyroBytes(pyroStore(named), { ...BASE_INFO, layers: layersOf([named[0]!, ['head.weight', 'out.bias']]) }),
      "layers[1].weight names site 'head.weight', which the guide does not have",
    );
    expectRefused(pyroBytes(pyroStore(named), { ...BASE_INFO, layers: layersOf([named[0]!, ['fc1.weight', 'out.bias']]) }), "site 'fc1.weight' is used twice");
    const extra = pyroStore(named);
    extra.set('AutoNormal.locs.tau', zeros([]));
    extra.set('AutoNormal.scales.tau', zeros([], 1));
    expectRefused(pyroBytes(extra, { ...BASE_INFO, layers: layersOf(named) }), "the guide has site(s) 'tau' that no layer in __metadata__.model.layers uses");
    expectRefused(pyroBytes(pyroStore(named), { ...BASE_INFO, layers: layersOf(named.slice(1)) }), 'layers lists 1 layers; dims give 2');
  });

  it('a noise site under another name needs sigma_site', () => {
    const store = pyroStore(named, 'obs_scale');
    expectRefused(pyroBytes(store, { ...BASE_INFO, layers: layersOf(named) }), "no 'sigma' site: the observation noise is unknown (name the noise site with sigma_site");
    expect(expectScaleLikelihood(modelFromBytes(pyroBytes(store, { ...BASE_INFO, layers: layersOf(named), sigma_site: 'obs_scale' })).spec).noise).toEqual({
      kind: 'lognormal',
      site: 'obs_scale',
    });
  });

  it('fixed noise: no sigma site, and not together with a sigma prior', () => {
    const store = pyroStore(named, null);
    const fixed = { ...BASE_INFO, layers: layersOf(named), fixed_sigma: 0.5 };
    expectRefused(pyroBytes(store, fixed), 'fixed_sigma (fixed noise) and sigma_prior (a latent sigma) cannot both be given');
    const { sigma_prior: _unused, ...withoutPrior } = fixed;
    expect(modelFromBytes(pyroBytes(store, withoutPrior)).spec.likelihood).toEqual({ noise: { kind: 'fixed', sigma: 0.5 }, link: 'sigma', sigmaPrior: null });
    expectRefused(pyroBytes(pyroStore(named), withoutPrior), "the guide has site(s) 'sigma' that no layer in __metadata__.model.layers uses (the noise is fixed)");
  });

  it('a prior the engine cannot score, or with bad parameters', () => {
    const store = pyroStore(named);
    const info = { ...BASE_INFO, layers: layersOf(named) };
    expectRefused(
      pyroBytes(store, { ...info, sigma_prior: { kind: 'inversegamma', concentration: 2, rate: 1 } }),
      'sigma_prior.kind must be one of gamma, lognormal, halfnormal, halfcauchy, exponential, uniform',
    );
    expectRefused(pyroBytes(store, { ...info, sigma_prior: { kind: 'uniform', low: 0 } }), 'sigma_prior.high must be a number');
    expectRefused(pyroBytes(store, { ...info, sigma_prior: { kind: 'uniform', low: 10, high: 0 } }), 'likelihood.sigmaPrior.high must be greater than likelihood.sigmaPrior.low');
    expectRefused(pyroBytes(store, { ...info, sigma_prior: { kind: 'uniform', low: -1, high: 1 } }), 'likelihood.sigmaPrior.low must be >= 0');
    expectRefused(pyroBytes(store, { ...info, sigma_prior: { kind: 'halfcauchy', scale: 1, rate: 2 } }), 'sigma_prior has unknown field(s) rate');
  });

  it('AutoDiagonalNormal needs the site order, and the lengths must add up', () => {
    const flat = new Map<string, Tensor>([
      ['AutoDiagonalNormal.loc', zeros([14])],
      ['AutoDiagonalNormal.scale', zeros([14], 0.1)],
    ]);
    const info = { ...BASE_INFO, guide: 'AutoDiagonalNormal', layers: layersOf(named) };
    expectRefused(pyroBytes(flat, info), "AutoDiagonalNormal keeps one flat loc and scale over all sites, in the order of the model's prototype trace");
    const sites = [
      { name: 'fc1.weight', shape: [3, 2] },
      { name: 'fc1.bias', shape: [3] },
      { name: 'out.weight', shape: [1, 3] },
      { name: 'out.bias', shape: [1] },
      { name: 'sigma', shape: [] },
    ];
    expect(modelFromBytes(pyroBytes(flat, { ...info, sites })).spec.layers[1]?.weight.site).toBe('out.weight');
    expectRefused(pyroBytes(flat, { ...info, sites: sites.slice(0, 4) }), 'sites cover 13 values but AutoDiagonalNormal.loc has 14');
    expectRefused(
      pyroBytes(flat, { ...info, sites: [...sites, { name: 'tau', shape: [2] }] }),
      "sites need more than the 14 values of AutoDiagonalNormal.loc (they run out at sites[5], 'tau')",
    );
    flat.set('AutoNormal.locs.sigma', zeros([]));
    expectRefused(pyroBytes(flat, { ...info, sites }), "tensor 'AutoNormal.locs.sigma' is neither AutoDiagonalNormal.loc nor AutoDiagonalNormal.scale");
  });

  it('other guides', () => {
    expectRefused(
      pyroBytes(pyroStore(named), { ...BASE_INFO, guide: 'AutoLowRankMultivariateNormal' }),
      'guide "AutoLowRankMultivariateNormal" is not supported (only AutoNormal and AutoDiagonalNormal)',
    );
  });

  it('an export without sigma_prior still reads sigma as a positive site (log sigma), as the format always said', () => {
    const { sigma_prior: _unused, ...info } = BASE_INFO;
    const { spec } = modelFromBytes(
      pyroBytes(
        pyroStore([
          ['0.weight', '0.bias'],
          ['1.weight', '1.bias'],
        ]),
        info,
      ),
    );
    expect(spec.likelihood).toEqual({ noise: { kind: 'lognormal', site: 'sigma' }, link: 'sigma', sigmaPrior: null });
  });
});
