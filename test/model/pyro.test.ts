// The Node entry installs the bounded path reader that loadModel uses for files.
import '../../src/node/index.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.js';
import {
  type Model,
  type Tensor,
  isPyroAutoNormal,
  loadModel,
  modelFromBytes,
  modelFromPyro,
  modelToBytes,
  parseSafetensors,
  pointFromBytes,
  serializeSafetensors,
  tensorNames,
} from '../../src/model/index.js';

const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/pyro/${name}.safetensors`, import.meta.url));
const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));

const bits = (data: Float32Array): number[] => [...new Uint32Array(data.buffer, data.byteOffset, data.length)];

/** The fixture's metadata and tensors, for building altered exports. */
function fixtureParts(name: string): { metadata: Record<string, string>; tensors: Map<string, Tensor> } {
  const file = parseSafetensors(fixtureBytes(name));
  return { metadata: { ...file.metadata }, tensors: new Map(file.tensors) };
}

function pyroModelJson(metadata: Record<string, string>): Record<string, unknown> {
  return JSON.parse(metadata['model'] ?? '{}') as Record<string, unknown>;
}

/** The toy1d export with tensors renamed/removed/added and model metadata changed. */
function alteredExport(
  change: {
    rename?: Record<string, string>;
    drop?: string[];
    add?: [string, Tensor][];
    model?: Record<string, unknown>;
  } = {},
): Uint8Array {
  const { metadata, tensors } = fixtureParts('toy1d');
  for (const [from, to] of Object.entries(change.rename ?? {})) {
    const t = tensors.get(from);
    if (!t) throw new Error(`fixture has no ${from}`);
    tensors.delete(from);
    tensors.set(to, t);
  }
  for (const name of change.drop ?? []) tensors.delete(name);
  for (const [name, t] of change.add ?? []) tensors.set(name, t);
  const model = { ...pyroModelJson(metadata), ...change.model };
  return serializeSafetensors(tensors, { model: JSON.stringify(model) });
}

function expectPyroError(bytes: Uint8Array, fragment: string | RegExp): void {
  expect(() => modelFromBytes(bytes)).toThrow(ModelFormatError);
  expect(() => modelFromBytes(bytes)).toThrow(fragment);
}

const scalar = (v: number): Tensor => ({ shape: [], data: new Float32Array([v]) });

describe.each([
  { name: 'toy1d', activation: 'relu', dropout: 0, link: 'sigma' },
  { name: 'seedquirk', activation: 'tanh', dropout: 0.1, link: 'sigma2' },
] as const)('Pyro fixture $name', ({ name, activation, dropout, link }) => {
  const model = modelFromBytes(fixtureBytes(name));
  const { spec } = model;

  it('has the right dims, activations and dropout placement', () => {
    expect(spec.inputDim).toBe(1);
    expect(spec.layers.map((l) => l.units)).toEqual([32, 32, 1]);
    expect(spec.layers.map((l) => l.activation)).toEqual([activation, activation, 'identity']);
    // Pyro's dropout acts on the last hidden layer's output = the last layer's input.
    expect(spec.layers.map((l) => l.dropout)).toEqual([0, 0, dropout]);
    expect(spec.layers.every((l) => !l.batchNorm)).toBe(true);
    expect(spec.standardization).toBeNull();
  });

  it("keeps Pyro's exact site names, with Normal(0, 1) priors and normal posteriors", () => {
    expect(spec.layers.map((l) => [l.weight.site, l.bias.site])).toEqual([
      ['0.weight', '0.bias'],
      ['1.weight', '1.bias'],
      ['layers.2.weight', 'layers.2.bias'],
    ]);
    for (const l of spec.layers) {
      for (const p of [l.weight, l.bias]) {
        expect(p.posterior).toBe('normal');
        expect(p.prior).toEqual({ kind: 'normal', loc: 0, scale: 1 });
      }
    }
  });

  it('has a LogNormal sigma with the Gamma(0.5, 1) prior and the right link', () => {
    expect(spec.likelihood).toEqual({
      noise: { kind: 'lognormal', site: 'sigma' },
      link,
      sigmaPrior: { concentration: 0.5, rate: 1 },
    });
    expect(model.tensors.get(tensorNames.noiseLoc)?.shape).toEqual([]);
    expect(model.tensors.get(tensorNames.noiseScale)?.shape).toEqual([]);
  });

  it("takes the tensors bit for bit from the guide's locs and scales, in torch's [out, in] layout", () => {
    const raw = parseSafetensors(fixtureBytes(name)).tensors;
    const pairs: [string, string][] = [
      [tensorNames.weightLoc(0), 'AutoNormal.locs.0.weight'],
      [tensorNames.weightScale(1), 'AutoNormal.scales.1.weight'],
      [tensorNames.weightLoc(2), 'AutoNormal.locs.layers.2.weight'],
      [tensorNames.biasScale(2), 'AutoNormal.scales.layers.2.bias'],
      [tensorNames.noiseLoc, 'AutoNormal.locs.sigma'],
      [tensorNames.noiseScale, 'AutoNormal.scales.sigma'],
    ];
    for (const [ours, theirs] of pairs) {
      expect(bits(model.tensors.get(ours)?.data ?? new Float32Array()), ours).toEqual(bits(raw.get(theirs)?.data ?? new Float32Array([NaN])));
    }
    expect(model.tensors.get(tensorNames.weightLoc(2))?.shape).toEqual([1, 32]);
    expect(model.tensors.size).toBe(14);
  });

  it('round-trips through our format unchanged', () => {
    const again: Model = modelFromBytes(modelToBytes(model));
    expect(again.spec).toEqual(spec);
    for (const [tensorName, t] of model.tensors) {
      expect(bits(again.tensors.get(tensorName)?.data ?? new Float32Array()), tensorName).toEqual(bits(t.data));
    }
  });

  it('loads from its path with loadModel', async () => {
    expect((await loadModel(fixturePath(name))).spec).toEqual(spec);
  });

  it("serves as a parameter point: the guide's locs, sigma = exp(loc)", () => {
    const point = pointFromBytes(fixtureBytes(name), model);
    expect([...point.keys()].sort()).toEqual(['0.bias', '0.weight', '1.bias', '1.weight', 'layers.2.bias', 'layers.2.weight', 'sigma']);
    const logSigma = model.tensors.get(tensorNames.noiseLoc)?.data[0] ?? NaN;
    expect(point.get('sigma')?.[0]).toBeCloseTo(Math.exp(logSigma), 6);
    expect(bits(point.get('layers.2.weight') ?? new Float32Array())).toEqual(bits(model.tensors.get(tensorNames.weightLoc(2))?.data ?? new Float32Array()));
  });
});

describe('Pyro export detection', () => {
  it('recognises an export by its tensor names even without guide metadata', () => {
    const bytes = alteredExport({ model: { guide: undefined } });
    const { metadata, tensors } = parseSafetensors(bytes);
    expect(pyroModelJson(metadata)['guide']).toBeUndefined();
    expect(isPyroAutoNormal(metadata, tensors)).toBe(true);
    expect(modelFromBytes(bytes).spec.layers).toHaveLength(3);
  });

  it('recognises an export by guide metadata alone', () => {
    expect(isPyroAutoNormal({ model: '{"guide": "AutoNormal"}' }, new Map())).toBe(true);
    expect(isPyroAutoNormal({ model: 'not json' }, new Map([['x', null]]))).toBe(false);
  });

  it('parses the layer index whatever the module prefix', () => {
    const bytes = alteredExport({
      rename: {
        'AutoNormal.locs.1.weight': 'AutoNormal.locs.net.hidden.1.weight',
        'AutoNormal.scales.1.weight': 'AutoNormal.scales.net.hidden.1.weight',
      },
    });
    expect(modelFromBytes(bytes).spec.layers[1]?.weight.site).toBe('net.hidden.1.weight');
  });

  it('is modelFromPyro on the parsed file', () => {
    const { metadata, tensors } = parseSafetensors(fixtureBytes('toy1d'));
    expect(modelFromPyro(metadata, tensors).spec).toEqual(modelFromBytes(fixtureBytes('toy1d')).spec);
  });
});

describe('bad Pyro exports', () => {
  it('needs the model metadata', () => {
    const { tensors } = fixtureParts('toy1d');
    expectPyroError(serializeSafetensors(tensors), '__metadata__.model is missing');
    expectPyroError(serializeSafetensors(tensors, { model: '{not json' }), '__metadata__.model is not valid JSON');
  });

  it('checks the model metadata fields', () => {
    expectPyroError(alteredExport({ model: { activation: 'swish' } }), 'activation must be one of relu, tanh, sigmoid, gelu, leaky_relu, prelu, identity, silu');
    expectPyroError(alteredExport({ model: { dims: [1] } }), 'must list the input size and at least one layer');
    expectPyroError(alteredExport({ model: { dims: '1-32-32-1' } }), 'dims must be an array');
    expectPyroError(alteredExport({ model: { weight_prior_scale: 0 } }), 'layers[0].weight.prior.scale must be a finite number > 0');
    expectPyroError(alteredExport({ model: { sigma_prior: [0.5] } }), 'sigma_prior must be [concentration, rate]');
    expectPyroError(alteredExport({ model: { sigma_prior: [0.5, -1] } }), 'sigmaPrior.rate must be a finite number > 0');
    expectPyroError(alteredExport({ model: { dropout: 1 } }), 'layers[2].dropout must be in [0, 1)');
    expectPyroError(alteredExport({ model: { guide: 'AutoDelta' } }), 'guide "AutoDelta" is not supported');
  });

  it('rejects a layer with two weight sites', () => {
    const t = fixtureParts('toy1d').tensors;
    const bytes = alteredExport({
      add: [
        ['AutoNormal.locs.2.weight', t.get('AutoNormal.locs.layers.2.weight') as Tensor],
        ['AutoNormal.scales.2.weight', t.get('AutoNormal.scales.layers.2.weight') as Tensor],
      ],
    });
    expectPyroError(bytes, "layer 2 has several weight sites: '2.weight', 'layers.2.weight'");
  });

  it('rejects a layer without a bias site', () => {
    expectPyroError(alteredExport({ drop: ['AutoNormal.locs.1.bias', 'AutoNormal.scales.1.bias'] }), 'layer 1 has no bias site');
  });

  it('rejects a site for a layer the dims do not have', () => {
    const bytes = alteredExport({
      add: [
        ['AutoNormal.locs.layers.7.weight', scalar(0)],
        ['AutoNormal.scales.layers.7.weight', scalar(1)],
      ],
    });
    expectPyroError(bytes, "site 'layers.7.weight' refers to layer 7, but dims give layers 0..2");
  });

  it('rejects unknown sites and stray tensors', () => {
    expectPyroError(
      alteredExport({
        add: [
          ['AutoNormal.locs.tau', scalar(0)],
          ['AutoNormal.scales.tau', scalar(1)],
        ],
      }),
      "site 'tau' is neither",
    );
    expectPyroError(alteredExport({ add: [['extra', scalar(0)]] }), "tensor 'extra' is neither AutoNormal.locs.<site> nor AutoNormal.scales.<site>");
  });

  it('rejects a loc without its scale', () => {
    expectPyroError(alteredExport({ drop: ['AutoNormal.scales.0.bias'] }), "site '0.bias' has AutoNormal.locs.0.bias but no AutoNormal.scales.0.bias");
  });

  it('needs the sigma site, as a scalar', () => {
    expectPyroError(alteredExport({ drop: ['AutoNormal.locs.sigma', 'AutoNormal.scales.sigma'] }), "no 'sigma' site");
    const wide = { shape: [2], data: new Float32Array([0, 0]) };
    expectPyroError(alteredExport({ add: [['AutoNormal.locs.sigma', wide]] }), 'AutoNormal.locs.sigma must be a scalar, got shape [2]');
  });

  it('validates shapes and values (transposed weight, negative scale, NaN)', () => {
    const t = fixtureParts('toy1d').tensors;
    const transposed = { shape: [1, 32], data: (t.get('AutoNormal.locs.0.weight') as Tensor).data };
    expectPyroError(alteredExport({ add: [['AutoNormal.locs.0.weight', transposed]] }), "tensor 'layers.0.weight.loc' has shape [1, 32], expected [32, 1]");
    const negative = { shape: [32], data: new Float32Array(32).fill(-0.1) };
    expectPyroError(alteredExport({ add: [['AutoNormal.scales.1.bias', negative]] }), "tensor 'layers.1.bias.scale' has value");
    expectPyroError(alteredExport({ add: [['AutoNormal.locs.sigma', scalar(NaN)]] }), "tensor 'noise.loc' has a non-finite value (NaN)");
  });
});
