// The Node entry installs the bounded path reader that loadModel uses for files.
import '../../src/node/index.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, ModelFormatError } from '../../src/errors.js';
import {
  type LayerSpec,
  type Model,
  type ModelSpec,
  type ParamSpec,
  type PosteriorKind,
  type Tensor,
  loadModel,
  modelFromBytes,
  modelToBytes,
  parseSafetensors,
  pointFromBytes,
  serializeSafetensors,
  tensorNames,
  validateModel,
  validateSpecJson,
  ensembleFromBytes,
  ensembleToBytes,
  loadEnsemble,
} from '../../src/model/index.js';
import { expectScaleLikelihood, type NormalLikelihood } from '../../src/model/spec.js';

// ---------------------------------------------------------------------------------------------
// A small model: 2 inputs -> 3 (tanh) -> 1 (identity), LogNormal sigma, and variations of it.

const param = (site: string, posterior: PosteriorKind = 'normal'): ParamSpec => ({
  site,
  posterior,
  prior: { kind: 'normal', loc: 0, scale: 1 },
});

const layer = (l: number, units: number, activation: LayerSpec['activation'], extra: Partial<LayerSpec> = {}): LayerSpec => ({
  units,
  activation,
  leakySlope: 0.01,
  dropout: 0,
  batchNorm: false,
  weight: param(`${l}.weight`),
  bias: param(`${l}.bias`),
  ...extra,
});

const baseSpec: ModelSpec = {
  inputDim: 2,
  layers: [layer(0, 3, 'tanh'), layer(1, 1, 'identity', { dropout: 0.1 })],
  likelihood: {
    noise: { kind: 'lognormal', site: 'sigma' },
    link: 'sigma',
    sigmaPrior: { concentration: 0.5, rate: 1 },
  },
  standardization: null,
};

/** Deterministic values: locs alternate in sign, scales are positive. */
const filled = (shape: readonly number[], f: (i: number) => number): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float32Array.from({ length: n }, (_, i) => f(i)) };
};
const locValues = (i: number): number => Math.sin(i + 1) * 0.7;
const scaleValues = (i: number): number => 0.05 + 0.01 * i;

/** The tensors a spec needs (written out here independently of the validator). */
function tensorsFor(spec: ModelSpec): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  spec.layers.forEach((ly, l) => {
    const inputs = l === 0 ? spec.inputDim : (spec.layers[l - 1]?.units ?? 0);
    tensors.set(tensorNames.weightLoc(l), filled([ly.units, inputs], locValues));
    tensors.set(tensorNames.biasLoc(l), filled([ly.units], locValues));
    if (ly.weight.posterior === 'normal') tensors.set(tensorNames.weightScale(l), filled([ly.units, inputs], scaleValues));
    if (ly.bias.posterior === 'normal') tensors.set(tensorNames.biasScale(l), filled([ly.units], scaleValues));
    if (ly.activation === 'prelu')
      tensors.set(
        tensorNames.preluSlope(l),
        filled([ly.units], () => 0.2),
      );
    if (ly.batchNorm) {
      tensors.set(
        tensorNames.bnScale(l),
        filled([ly.units], (i) => 1 - 0.1 * i),
      );
      tensors.set(
        tensorNames.bnShift(l),
        filled([ly.units], (i) => 0.1 * i),
      );
    }
  });
  const noise = expectScaleLikelihood(spec).noise;
  if (noise.kind === 'lognormal') {
    tensors.set(
      tensorNames.noiseLoc,
      filled([], () => -1.2),
    );
    tensors.set(
      tensorNames.noiseScale,
      filled([], () => 0.1),
    );
  } else if (noise.kind === 'gamma') {
    tensors.set(
      tensorNames.noiseConcentration,
      filled([], () => 3),
    );
    tensors.set(
      tensorNames.noiseRate,
      filled([], () => 4),
    );
  }
  return tensors;
}

const modelOf = (spec: ModelSpec): Model => ({ spec, tensors: tensorsFor(spec) });

const withLayer = (spec: ModelSpec, l: number, patch: Partial<LayerSpec>): ModelSpec => ({
  ...spec,
  layers: spec.layers.map((ly, i) => (i === l ? { ...ly, ...patch } : ly)),
});

const withLikelihood = (spec: ModelSpec, patch: Partial<NormalLikelihood>): ModelSpec => ({
  ...spec,
  likelihood: { ...expectScaleLikelihood(spec), ...patch },
});

/** The model with one tensor replaced (or removed when `tensor` is null). */
function withTensor(model: Model, name: string, tensor: Tensor | null): Model {
  const tensors = new Map(model.tensors);
  if (tensor === null) tensors.delete(name);
  else tensors.set(name, tensor);
  return { spec: model.spec, tensors };
}

function expectThrows(run: () => unknown, errorClass: typeof ModelFormatError | typeof InvalidInputError, fragment: string | RegExp): void {
  expect(run).toThrow(errorClass);
  expect(run).toThrow(fragment);
}

const expectInvalidModel = (model: Model, fragment: string | RegExp): void => expectThrows(() => validateModel(model), ModelFormatError, fragment);

const bits = (data: Float32Array): number[] => [...new Uint32Array(data.buffer, data.byteOffset, data.length)];

function expectSameModel(actual: Model, expected: Model): void {
  expect(actual.spec).toEqual(expected.spec);
  expect([...actual.tensors.keys()].sort()).toEqual([...expected.tensors.keys()].sort());
  for (const [name, tensor] of expected.tensors) {
    const got = actual.tensors.get(name);
    expect(got?.shape, name).toEqual(tensor.shape);
    expect(bits(got?.data ?? new Float32Array()), name).toEqual(bits(tensor.data));
  }
}

/** A spec exercising every optional feature. */
const richSpec: ModelSpec = {
  inputDim: 3,
  layers: [
    layer(0, 4, 'prelu', { batchNorm: true }),
    { ...layer(1, 5, 'leaky_relu', { leakySlope: 0.2, dropout: 0.25 }), weight: param('1.weight', 'delta') },
    { ...layer(2, 4, 'identity'), bias: param('2.bias', 'delta') },
  ],
  likelihood: { noise: { kind: 'heteroscedastic', minScale: 1e-3 }, link: 'sigma2', sigmaPrior: null },
  standardization: { xMean: [0, 1, 2], xStd: [1, 2, 3], yMean: [0.5, -0.5], yStd: [2, 3] },
};

// ---------------------------------------------------------------------------------------------

describe('model file round trip', () => {
  it.each([
    ['lognormal noise', baseSpec],
    ['prelu, batch-norm, delta posteriors, heteroscedastic head, standardization', richSpec],
    ['gamma noise without a sigma prior', withLikelihood(baseSpec, { noise: { kind: 'gamma', site: 's' }, sigmaPrior: null })],
    ['fixed noise', withLikelihood(baseSpec, { noise: { kind: 'fixed', sigma: 0.3 }, sigmaPrior: null })],
  ])('%s: save then load gives the same spec and bit-identical tensors', (_name, spec) => {
    const model = modelOf(spec);
    const loaded = modelFromBytes(modelToBytes(model));
    expectSameModel(loaded, model);
  });

  it('writes our format marker and the spec as JSON metadata', () => {
    const { metadata, tensors } = parseSafetensors(modelToBytes(modelOf(baseSpec)));
    expect(metadata['format']).toBe('webgpu-bnn');
    expect(metadata['version']).toBe('1');
    expect(JSON.parse(metadata['model'] ?? '')).toEqual(baseSpec);
    expect([...tensors.keys()].sort()).toEqual([...tensorsFor(baseSpec).keys()].sort());
  });

  it('gives the same bytes for the same model whatever the tensor insertion order', () => {
    const model = modelOf(richSpec);
    const shuffled: Model = { spec: model.spec, tensors: new Map([...model.tensors].reverse()) };
    expect(modelToBytes(shuffled)).toEqual(modelToBytes(model));
  });

  it('refuses to save an invalid model', () => {
    expectThrows(() => modelToBytes(withTensor(modelOf(baseSpec), tensorNames.biasLoc(0), null)), ModelFormatError, 'missing tensor');
  });
});

describe('ensemble files', () => {
  const members = () => [modelOf(baseSpec), modelOf(richSpec), modelOf(withLikelihood(baseSpec, { noise: { kind: 'fixed', sigma: 0.3 }, sigmaPrior: null }))];

  it('round trip: the members, in order, with bit-identical tensors; a single-model file is one member', () => {
    const loaded = ensembleFromBytes(ensembleToBytes(members()));
    expect(loaded).toHaveLength(3);
    loaded.forEach((m, k) => expectSameModel(m, members()[k] as Model));
    const single = ensembleFromBytes(modelToBytes(modelOf(baseSpec)));
    expect(single).toHaveLength(1);
    expectSameModel(single[0] as Model, modelOf(baseSpec));
  });

  it('loadEnsemble reads a path; loadModel on an ensemble file says what it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-ensemble-'));
    try {
      const path = join(dir, 'ensemble.safetensors');
      await writeFile(path, ensembleToBytes(members()));
      expect(await loadEnsemble(path)).toHaveLength(3);
      await expect(loadModel(path)).rejects.toThrow(/holds a deep ensemble, not one model/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const tampered = (edit: (metadata: Record<string, string>, tensors: Map<string, Tensor>) => void): Uint8Array => {
    const file = parseSafetensors(ensembleToBytes(members().slice(0, 2)));
    const metadata = { ...file.metadata };
    const tensors = new Map<string, Tensor>([...file.tensors].map(([n, t]) => [n, { shape: t.shape, data: t.data }]));
    edit(metadata, tensors);
    return serializeSafetensors(tensors, metadata);
  };

  it.each([
    ['member specs that are not JSON', (m: Record<string, string>) => (m['ensemble'] = '[{'), /__metadata__.ensemble is not valid JSON/],
    ['an empty member list', (m: Record<string, string>) => (m['ensemble'] = '[]'), /must list 1\.\.1024 member specs/],
    ['a hostile member count', (m: Record<string, string>) => (m['ensemble'] = JSON.stringify(Array.from({ length: 2000 }, () => baseSpec))), /must list 1\.\.1024/],
    ['a bad member spec', (m: Record<string, string>) => (m['ensemble'] = JSON.stringify([baseSpec, { inputDim: -1 }])), /ensemble member 1: /],
    ['another version', (m: Record<string, string>) => (m['version'] = '7'), /ensemble file version "7" is not supported/],
    ['a missing member tensor', (_m: Record<string, string>, t: Map<string, Tensor>) => t.delete(`members.1.${tensorNames.biasLoc(0)}`), /ensemble member 1: .*missing tensor/],
    [
      'a stray tensor',
      (_m: Record<string, string>, t: Map<string, Tensor>) => t.set('members.5.extra', { shape: [1], data: new Float32Array(1) }),
      /tensor 'members\.5\.extra' belongs to no member/,
    ],
  ] as const)('%s is a ModelFormatError naming the problem', (_name, edit, message) => {
    expectThrows(() => ensembleFromBytes(tampered(edit)), ModelFormatError, message);
  });

  it('refuses to write no members', () => {
    expect(() => ensembleToBytes([])).toThrow(InvalidInputError);
  });
});

describe('modelFromBytes format detection', () => {
  it('rejects a safetensors file that is neither format, listing the accepted ones', () => {
    const bytes = serializeSafetensors(new Map([['x', filled([1], () => 1)]]), { format: 'pt' });
    expectThrows(() => modelFromBytes(bytes), ModelFormatError, /accepted: a webgpu-bnn model .* or a Pyro AutoNormal export/);
  });

  it('rejects another version of our format', () => {
    const bytes = serializeSafetensors(tensorsFor(baseSpec), {
      format: 'webgpu-bnn',
      version: '2',
      model: JSON.stringify(baseSpec),
    });
    expectThrows(() => modelFromBytes(bytes), ModelFormatError, 'version "2" is not supported');
  });

  it('rejects our format without a model spec or with bad JSON', () => {
    const missing = serializeSafetensors(tensorsFor(baseSpec), { format: 'webgpu-bnn', version: '1' });
    expectThrows(() => modelFromBytes(missing), ModelFormatError, 'has no __metadata__.model');
    const bad = serializeSafetensors(tensorsFor(baseSpec), { format: 'webgpu-bnn', version: '1', model: '{oops' });
    expectThrows(() => modelFromBytes(bad), ModelFormatError, '__metadata__.model is not valid JSON');
  });

  it('validates what it loads (NaN in a stored tensor)', () => {
    const tensors = tensorsFor(baseSpec);
    tensors.set(
      tensorNames.weightLoc(1),
      filled([1, 3], (i) => (i === 2 ? NaN : 0)),
    );
    const bytes = serializeSafetensors(tensors, {
      format: 'webgpu-bnn',
      version: '1',
      model: JSON.stringify(baseSpec),
    });
    expectThrows(() => modelFromBytes(bytes), ModelFormatError, "tensor 'layers.1.weight.loc' has a non-finite value (NaN) at index 2");
  });

  it('rejects a spec with an unknown activation in the file', () => {
    const spec = { ...baseSpec, layers: [{ ...baseSpec.layers[0], activation: 'swish' }, baseSpec.layers[1]] };
    const bytes = serializeSafetensors(tensorsFor(baseSpec), {
      format: 'webgpu-bnn',
      version: '1',
      model: JSON.stringify(spec),
    });
    expectThrows(() => modelFromBytes(bytes), ModelFormatError, 'layers[0].activation must be one of relu, tanh');
  });
});

describe('validateModel', () => {
  const base = modelOf(baseSpec);

  it('accepts the base and rich models', () => {
    expect(() => validateModel(base)).not.toThrow();
    expect(() => validateModel(modelOf(richSpec))).not.toThrow();
  });

  it('rejects a model without layers', () => {
    expectInvalidModel({ spec: { ...baseSpec, layers: [] }, tensors: new Map() }, 'has no layers');
  });

  it.each([0, -1, 1.5, NaN])('rejects inputDim %s', (inputDim) => {
    expectInvalidModel(modelOf({ ...baseSpec, inputDim }), 'inputDim must be a positive integer');
  });

  it.each([0, -3, 2.5])('rejects units %s', (units) => {
    expectInvalidModel({ spec: withLayer(baseSpec, 0, { units }), tensors: base.tensors }, 'layers[0].units must be a positive integer');
  });

  it('rejects an unknown activation, listing the known ones', () => {
    const spec = withLayer(baseSpec, 0, { activation: 'swish' as LayerSpec['activation'] });
    expectInvalidModel({ spec, tensors: base.tensors }, 'layers[0].activation is "swish"; known: relu, tanh, sigmoid, gelu, leaky_relu, prelu, identity, silu');
  });

  it.each([1, -0.1, 1.5, NaN])('rejects dropout %s', (dropout) => {
    expectInvalidModel(modelOf(withLayer(baseSpec, 1, { dropout })), 'layers[1].dropout must be in [0, 1)');
  });

  it.each([0, -1, Infinity])('rejects prior scale %s', (scale) => {
    const weight: ParamSpec = { ...param('0.weight'), prior: { kind: 'normal', loc: 0, scale } };
    expectInvalidModel(modelOf(withLayer(baseSpec, 0, { weight })), 'layers[0].weight.prior.scale must be a finite number > 0');
  });

  it('rejects two parameters sharing a site', () => {
    expectInvalidModel(modelOf(withLayer(baseSpec, 1, { bias: param('0.bias') })), "site '0.bias' is used by both layers[0].bias and layers[1].bias");
  });

  it('names a missing tensor', () => {
    expectInvalidModel(withTensor(base, tensorNames.weightScale(1), null), "missing tensor 'layers.1.weight.scale'");
  });

  it('names a tensor with the wrong shape, the expected and the actual shape', () => {
    const transposed = filled([2, 3], locValues);
    expectInvalidModel(withTensor(base, tensorNames.weightLoc(0), transposed), "tensor 'layers.0.weight.loc' has shape [2, 3], expected [3, 2]");
  });

  it('rejects a tensor whose data length does not match its shape', () => {
    const short: Tensor = { shape: [3], data: new Float32Array(2) };
    expectInvalidModel(withTensor(base, tensorNames.biasLoc(0), short), "tensor 'layers.0.bias.loc' has 2 values for shape [3]");
  });

  it.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('rejects %s in a tensor, naming tensor and index', (bad, shown) => {
    const tensor = filled([3], (i) => (i === 1 ? bad : 0));
    expectInvalidModel(withTensor(base, tensorNames.biasLoc(0), tensor), `tensor 'layers.0.bias.loc' has a non-finite value (${shown}) at index 1`);
  });

  it('rejects a negative posterior scale but allows zero', () => {
    const negative = filled([3, 2], (i) => (i === 4 ? -0.5 : 0.1));
    expectInvalidModel(withTensor(base, tensorNames.weightScale(0), negative), "tensor 'layers.0.weight.scale' has value -0.5 at index 4; it must be >= 0");
    const zero = filled([3, 2], () => 0);
    expect(() => validateModel(withTensor(base, tensorNames.weightScale(0), zero))).not.toThrow();
  });

  it('rejects a negative noise scale', () => {
    expectInvalidModel(
      withTensor(
        base,
        tensorNames.noiseScale,
        filled([], () => -0.1),
      ),
      "tensor 'noise.scale' has value",
    );
  });

  it('uses shape [] for scalar noise tensors', () => {
    expectInvalidModel(
      withTensor(
        base,
        tensorNames.noiseLoc,
        filled([1], () => 0),
      ),
      "tensor 'noise.loc' has shape [1], expected []",
    );
  });

  it('needs a prelu slope of shape [units] or [1]', () => {
    const prelu = modelOf(withLayer(baseSpec, 0, { activation: 'prelu' }));
    expectInvalidModel(withTensor(prelu, tensorNames.preluSlope(0), null), "missing tensor 'layers.0.prelu_slope'");
    expect(() =>
      validateModel(
        withTensor(
          prelu,
          tensorNames.preluSlope(0),
          filled([1], () => 0.25),
        ),
      ),
    ).not.toThrow();
    expectInvalidModel(
      withTensor(
        prelu,
        tensorNames.preluSlope(0),
        filled([2], () => 0.25),
      ),
      'expected [3] or [1]',
    );
  });

  it('checks the heteroscedastic head', () => {
    const hetero = withLikelihood(baseSpec, { noise: { kind: 'heteroscedastic', minScale: 0 }, sigmaPrior: null });
    expectInvalidModel(modelOf(hetero), 'needs an even number of last-layer units');
    const even = withLayer(hetero, 1, { units: 2 });
    expect(() => validateModel(modelOf(even))).not.toThrow();
    const negativeMin = withLikelihood(even, { noise: { kind: 'heteroscedastic', minScale: -0.1 } });
    expectInvalidModel(modelOf(negativeMin), 'minScale must be a finite number >= 0');
  });

  it.each([0, -1, NaN, Infinity])('rejects fixed sigma %s', (sigma) => {
    const spec = withLikelihood(baseSpec, { noise: { kind: 'fixed', sigma }, sigmaPrior: null });
    expectInvalidModel(modelOf(spec), 'likelihood.noise.sigma (fixed) must be a finite number > 0');
  });

  it('rejects a sigma prior on a sigma that is not latent', () => {
    expectInvalidModel(modelOf(withLikelihood(baseSpec, { noise: { kind: 'fixed', sigma: 1 } })), 'sigmaPrior is set but sigma is not latent');
  });

  it('rejects non-positive Gamma posterior parameters', () => {
    const gamma = modelOf(withLikelihood(baseSpec, { noise: { kind: 'gamma', site: 'sigma' } }));
    expect(() => validateModel(gamma)).not.toThrow();
    expectInvalidModel(
      withTensor(
        gamma,
        tensorNames.noiseConcentration,
        filled([], () => 0),
      ),
      "tensor 'noise.concentration' has value 0 at index 0; it must be > 0",
    );
    expectInvalidModel(
      withTensor(
        gamma,
        tensorNames.noiseRate,
        filled([], () => -2),
      ),
      "tensor 'noise.rate' has value -2",
    );
  });

  it.each([
    [{ concentration: 0, rate: 1 }, 'sigmaPrior.concentration'],
    [{ concentration: 1, rate: -1 }, 'sigmaPrior.rate'],
  ])('rejects sigma prior %o', (sigmaPrior, fragment) => {
    expectInvalidModel(modelOf(withLikelihood(baseSpec, { sigmaPrior })), `${fragment} must be a finite number > 0`);
  });

  it('allows lognormal noise without a sigma prior', () => {
    expect(() => validateModel(modelOf(withLikelihood(baseSpec, { sigmaPrior: null })))).not.toThrow();
  });

  it('checks standardization lengths and stds', () => {
    const s = { xMean: [0, 0], xStd: [1, 1], yMean: [0], yStd: [1] };
    expect(() => validateModel(modelOf({ ...baseSpec, standardization: s }))).not.toThrow();
    expectInvalidModel(modelOf({ ...baseSpec, standardization: { ...s, xMean: [0] } }), 'standardization.xMean has 1 entries, expected 2');
    expectInvalidModel(modelOf({ ...baseSpec, standardization: { ...s, yStd: [1, 1] } }), 'standardization.yStd has 2 entries, expected 1');
    expectInvalidModel(modelOf({ ...baseSpec, standardization: { ...s, xStd: [1, 0] } }), 'standardization.xStd[1] must be a finite number > 0');
  });

  it('rejects unknown extra tensors', () => {
    expectInvalidModel(
      withTensor(
        base,
        'layers.0.weight.lco',
        filled([1], () => 0),
      ),
      "unknown tensor(s) 'layers.0.weight.lco'",
    );
    const delta = modelOf(withLayer(baseSpec, 0, { weight: param('0.weight', 'delta') }));
    expectInvalidModel(
      withTensor(
        delta,
        tensorNames.weightScale(0),
        filled([3, 2], () => 0.1),
      ),
      "unknown tensor(s) 'layers.0.weight.scale'",
    );
  });
});

describe('validateSpecJson', () => {
  const minimal = {
    inputDim: 2,
    layers: [
      { units: 3, activation: 'tanh', weight: param('0.weight'), bias: param('0.bias') },
      { units: 1, activation: 'identity', dropout: 0.1, weight: param('1.weight'), bias: param('1.bias') },
    ],
    likelihood: {
      noise: { kind: 'lognormal', site: 'sigma' },
      link: 'sigma',
      sigmaPrior: { concentration: 0.5, rate: 1 },
    },
  };

  it('fills defaults and returns a typed spec', () => {
    expect(validateSpecJson(minimal)).toEqual(baseSpec);
    const noPrior = validateSpecJson({
      ...minimal,
      likelihood: { noise: { kind: 'fixed', sigma: 1 }, link: 'sigma2' },
    });
    expect(expectScaleLikelihood(noPrior).sigmaPrior).toBeNull();
  });

  it('round-trips a rich spec through JSON', () => {
    expect(validateSpecJson(JSON.parse(JSON.stringify(richSpec)))).toEqual(richSpec);
  });

  const invalid: [string, unknown, string][] = [
    ['not an object', [1], 'spec must be an object'],
    ['a string inputDim', { ...minimal, inputDim: '2' }, 'inputDim must be a number (got "2")'],
    ['layers not an array', { ...minimal, layers: {} }, 'layers must be an array'],
    ['an unknown activation', { ...minimal, layers: [{ ...minimal.layers[0], activation: 'swish' }] }, 'layers[0].activation must be one of relu, tanh, sigmoid'],
    ['a misspelt field', { ...minimal, layers: [{ ...minimal.layers[0], dropuot: 0.5 }] }, 'layers[0] has unknown field(s) dropuot'],
    ['a string batchNorm', { ...minimal, layers: [{ ...minimal.layers[0], batchNorm: 'yes' }] }, 'layers[0].batchNorm must be a boolean'],
    [
      'an unknown posterior',
      { ...minimal, layers: [{ ...minimal.layers[0], weight: { ...param('w'), posterior: 'laplace' } }] },
      'layers[0].weight.posterior must be one of normal, delta',
    ],
    ['a missing likelihood', { inputDim: 2, layers: minimal.layers }, 'likelihood must be an object'],
    [
      'an unknown noise kind',
      { ...minimal, likelihood: { ...minimal.likelihood, noise: { kind: 'student' } } },
      'likelihood.noise.kind must be one of fixed, lognormal, gamma, heteroscedastic',
    ],
    [
      'a noise field of another kind',
      { ...minimal, likelihood: { ...minimal.likelihood, noise: { kind: 'fixed', sigma: 1, site: 's' } } },
      'likelihood.noise has unknown field(s) site',
    ],
    ['an unknown link', { ...minimal, likelihood: { ...minimal.likelihood, link: 'log' } }, 'likelihood.link must be one of sigma, sigma2'],
    ['non-numeric standardization', { ...minimal, standardization: { xMean: ['a'], xStd: [1], yMean: [0], yStd: [1] } }, 'standardization.xMean[0] must be a number'],
    ['zero units (range check)', { ...minimal, layers: [{ ...minimal.layers[0], units: 0 }, minimal.layers[1]] }, 'layers[0].units must be a positive integer'],
  ];
  it.each(invalid)('rejects %s', (_what, json, fragment) => {
    expectThrows(() => validateSpecJson(json), ModelFormatError, fragment);
  });
});

describe('loadModel', () => {
  let dir = '';
  let path = '';
  const model = modelOf(baseSpec);
  const bytes = modelToBytes(model);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-model-'));
    path = join(dir, 'model.safetensors');
    await writeFile(path, bytes);
    await writeFile(join(dir, 'corrupt.safetensors'), bytes.subarray(0, 20));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('loads bytes, an ArrayBuffer, a path, a file: URL object and a file: URL string', async () => {
    const copy = bytes.slice();
    for (const source of [bytes, copy.buffer, path, pathToFileURL(path), pathToFileURL(path).href]) {
      expectSameModel(await loadModel(source), model);
    }
  });

  it('reports an unreadable path as InvalidInputError naming it', async () => {
    const missing = join(dir, 'nope.safetensors');
    await expect(loadModel(missing)).rejects.toThrow(InvalidInputError);
    await expect(loadModel(missing)).rejects.toThrow(`cannot read model file '${missing}'`);
  });

  it('names the source of a corrupt file', async () => {
    const corrupt = join(dir, 'corrupt.safetensors');
    await expect(loadModel(corrupt)).rejects.toThrow(ModelFormatError);
    await expect(loadModel(corrupt)).rejects.toThrow(`${corrupt}: safetensors: header length`);
  });

  it('fetches http(s) URLs', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(new Response(bytes.slice())));
    vi.stubGlobal('fetch', fetchMock);
    expectSameModel(await loadModel('https://example.com/m.safetensors'), model);
    expect(String(fetchMock.mock.calls[0]?.[0 as never])).toBe('https://example.com/m.safetensors');
  });

  it('reports HTTP errors and network failures as InvalidInputError with the URL', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response('gone', { status: 404, statusText: 'Not Found' }))),
    );
    await expect(loadModel(new URL('http://example.com/x'))).rejects.toThrow(InvalidInputError);
    await expect(loadModel(new URL('http://example.com/x'))).rejects.toThrow("cannot fetch model 'http://example.com/x': HTTP 404 Not Found");
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('network down'))),
    );
    await expect(loadModel('http://example.com/y')).rejects.toThrow("cannot fetch model 'http://example.com/y': network down");
  });

  it('rejects unsupported URL schemes and source types', async () => {
    await expect(loadModel('ftp://example.com/m')).rejects.toThrow("unsupported URL scheme 'ftp:'");
    await expect(loadModel(42 as unknown as string)).rejects.toThrow(InvalidInputError);
  });
});

describe('pointFromBytes', () => {
  const model = modelOf(baseSpec);
  const point = (entries: [string, Tensor][]): Uint8Array => serializeSafetensors(new Map(entries));
  const sites = (): [string, Tensor][] => [
    ['0.weight', filled([3, 2], locValues)],
    ['0.bias', filled([3], locValues)],
    ['1.weight', filled([1, 3], locValues)],
    ['1.bias', filled([1], locValues)],
    ['sigma', filled([], () => 0.5)],
  ];
  const without = (site: string): [string, Tensor][] => sites().filter(([name]) => name !== site);
  const replaced = (site: string, tensor: Tensor): [string, Tensor][] => [...without(site), [site, tensor]];
  const expectBadPoint = (bytes: Uint8Array, fragment: string): void => expectThrows(() => pointFromBytes(bytes, model), ModelFormatError, fragment);

  it('reads one value per site', () => {
    const values = pointFromBytes(point(sites()), model);
    expect([...values.keys()].sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.weight', 'sigma']);
    expect([...(values.get('sigma') ?? [])]).toEqual([0.5]);
    expect(bits(values.get('0.weight') ?? new Float32Array())).toEqual(bits(filled([3, 2], locValues).data));
  });

  it('accepts sigma of shape [1]', () => {
    expect([
      ...(pointFromBytes(
        point(
          replaced(
            'sigma',
            filled([1], () => 2),
          ),
        ),
        model,
      ).get('sigma') ?? []),
    ]).toEqual([2]);
  });

  it('fills a missing delta site from the model loc; other missing sites are errors', () => {
    const delta = modelOf(withLayer(baseSpec, 0, { weight: param('0.weight', 'delta') }));
    const values = pointFromBytes(point(without('0.weight')), delta);
    expect(bits(values.get('0.weight') ?? new Float32Array())).toEqual(bits(delta.tensors.get(tensorNames.weightLoc(0))?.data ?? new Float32Array()));
    expectBadPoint(point(without('0.bias')), "missing site '0.bias'");
    expectBadPoint(point(without('sigma')), "missing site 'sigma'");
  });

  it('rejects unknown sites, wrong shapes, NaN and non-positive sigma', () => {
    expectBadPoint(point([...sites(), ['2.weight', filled([1], () => 0)]]), "unknown site '2.weight'");
    expectBadPoint(point(replaced('0.weight', filled([2, 3], locValues))), "site '0.weight' has shape [2, 3], expected [3, 2]");
    expectBadPoint(
      point(
        replaced(
          'sigma',
          filled([2], () => 1),
        ),
      ),
      "site 'sigma' has shape [2], expected [] or [1]",
    );
    expectBadPoint(
      point(
        replaced(
          '1.bias',
          filled([1], () => NaN),
        ),
      ),
      "site '1.bias' has a non-finite value (NaN) at index 0",
    );
    expectBadPoint(
      point(
        replaced(
          'sigma',
          filled([], () => 0),
        ),
      ),
      "site 'sigma' has value 0 at index 0; it must be > 0",
    );
    expectBadPoint(
      point(
        replaced(
          'sigma',
          filled([], () => -1),
        ),
      ),
      'must be > 0',
    );
  });

  it('accepts AutoNormal.locs.<site> names (sigma as exp of its loc) and ignores AutoNormal.scales.*', () => {
    const guide: [string, Tensor][] = sites().map(([site, t]) => [`AutoNormal.locs.${site}`, site === 'sigma' ? filled([], () => Math.log(0.5)) : t]);
    guide.push(['AutoNormal.scales.0.bias', filled([3], scaleValues)]);
    const values = pointFromBytes(point(guide), model);
    expect(values.get('sigma')?.[0]).toBeCloseTo(0.5, 6);
    expect(bits(values.get('1.weight') ?? new Float32Array())).toEqual(bits(filled([1, 3], locValues).data));
    expectBadPoint(point([...sites(), ['AutoNormal.locs.sigma', filled([], () => 0)]]), "site 'sigma' is given twice");
  });
});
