/**
 * The Python exporter's torch paths (python/webgpu_bnn_export.py) on real torch networks trained in
 * a subprocess (test/python/export_cases.py, seeded): the files load, and what the engine predicts
 * from them is what torch computes.
 *
 * Tolerances:
 * - Deterministic forward passes (MC dropout with dropout off, ensemble members): the GPU and torch
 *   both compute the network in float32; each is within test/support/error-bound.ts's derived bound of the
 *   float64 oracle (the GPU by that rule; torch's float32 sums and activations obey the same rule),
 *   so they are within twice it of each other. Both comparisons are asserted.
 * - MC dropout with dropout on: torch's and the engine's masks come from different generators, so the
 *   moments are compared by z = |ours - torch| / SE with SE from both estimates' sample sizes
 *   (mean: sqrt(v/P + v/S); std: the delta-method sqrt((m4 - v^2)/(4v) (1/P + 1/S))); max |z| < 5
 *   over 13 inputs x 2 statistics (false-failure rate < 2e-5 under normality).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, predictEnsemble } from '../../src/index.js';
import { ensembleFromBytes, modelFromBytes, parseSafetensors, type Model } from '../../src/model/index.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { expectAllClose } from '../support/all-close.js';
import { sampleBounds } from '../support/error-bound.js';
import { gpu, gpuSkipReason } from '../support/gpu.js';
import { removeExportCases, runExportCases } from '../support/python.js';

const cases = runExportCases();
afterAll(() => removeExportCases(cases));

const fileBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(cases.dir, name)));
const loadFile = (name: string): Model => modelFromBytes(fileBytes(name));

/** The model with every dropout rate 0: torch's eval mode. */
function withoutDropout(model: Model): Model {
  return { ...model, spec: { ...model.spec, layers: model.spec.layers.map((l) => ({ ...l, dropout: 0 })) } };
}

/** f of the dropout-free network at x: oracle (float64), its float32 error bound, and the GPU's. */
async function deterministic(model: Model, x: number[][]): Promise<{ oracle: Float64Array; bound: Float64Array; gpuF: Float32Array | null }> {
  const eval_ = withoutDropout(model);
  const oracle = oracleSamples(eval_, x, { samples: 1, seed: 0, path: 'joint' }).f;
  const bound = sampleBounds(eval_, x, { samples: 1, seed: 0, path: 'joint' }).fBound;
  if (!gpu) return { oracle, bound, gpuF: null };
  const engine = Engine.create(gpu, eval_);
  try {
    return { oracle, bound, gpuF: (await engine.predict(x, { samples: 1, seed: 0 })).mean };
  } finally {
    engine.dispose();
  }
}

describe('safetensors written by hand in Python', () => {
  it('has the 8-byte header length, a space-padded header and F32 tensors in name order', () => {
    const bytes = fileBytes(cases.mc_dropout.file);
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const file = parseSafetensors(bytes);
    expect(file.metadata['format']).toBe('webgpu-bnn');
    expect(file.metadata['version']).toBe('1');
    const names = [...file.tensors.keys()];
    expect(names).toEqual([...names].sort());
    expect([...file.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
  });
});

describe('MC dropout: a torch nn.Sequential (Linear, ReLU, Dropout(0.1), Linear, Tanh, Dropout(0.2), Linear)', () => {
  it("becomes delta weights, dropout on the next layer's input, fixed sigma", () => {
    const { spec } = loadFile(cases.mc_dropout.file);
    expect(spec.layers.map((l) => [l.units, l.activation, l.dropout])).toEqual([
      [16, 'relu', 0],
      [16, 'tanh', expect.closeTo(0.1, 7) as number],
      [1, 'identity', expect.closeTo(0.2, 7) as number],
    ]);
    expect(spec.layers.every((l) => l.weight.posterior === 'delta' && l.bias.posterior === 'delta')).toBe(true);
    expect(spec.layers[0]?.weight.prior).toEqual({ kind: 'normal', loc: 0, scale: 0.5 });
    expect(spec.likelihood).toEqual({ noise: { kind: 'fixed', sigma: 0.1 }, link: 'sigma', sigmaPrior: null });
  });

  it("with dropout off equals torch's eval-mode forward pass to float32 rounding (oracle and GPU)", async () => {
    const c = cases.mc_dropout;
    const { oracle, bound, gpuF } = await deterministic(loadFile(c.file), c.x);
    const torchF = c.eval_f.flat();
    expectAllClose(torchF, oracle, bound, 'torch vs the oracle');
    if (gpuF)
      expectAllClose(
        gpuF,
        torchF,
        bound.map((b) => 2 * b),
        'GPU vs torch',
      );
  });

  it.skipIf(!gpu)(
    `with dropout on has torch's MC-dropout mean and std within Monte-Carlo error ${gpu ? '' : gpuSkipReason}`,
    async () => {
      const c = cases.mc_dropout;
      const S = 4000;
      const engine = Engine.create(gpu!, loadFile(c.file));
      const r = await engine.predict(c.x, { samples: S, seed: 11 });
      engine.dispose();
      let worst = 0;
      c.x.forEach((_, i) => {
        const v = c.mc_var[i]!;
        const seMean = Math.sqrt(v / c.passes + v / S);
        const seStd = Math.sqrt((Math.max(c.mc_m4[i]! - v * v, 1e-12) / (4 * v)) * (1 / c.passes + 1 / S));
        worst = Math.max(worst, Math.abs(r.mean[i]! - c.mc_mean[i]!) / seMean, Math.abs(r.epistemicStd[i]! - Math.sqrt(v)) / seStd);
        expect(r.aleatoricStd[i]).toBeCloseTo(0.1, 6);
      });
      expect(worst).toBeLessThan(5);
    },
    120_000,
  );
});

describe('MC dropout: a module with named layers, read with a description, standardised', () => {
  it('takes the layers in the order given, with their activations, dropout rates and the standardisation', () => {
    const { spec } = loadFile(cases.mc_dropout_named.file);
    expect(spec.layers.map((l) => [l.units, l.activation, l.dropout])).toEqual([
      [8, 'tanh', 0],
      [8, 'sigmoid', 0.25],
      [1, 'identity', 0.25],
    ]);
    expect(spec.standardization).toEqual({ xMean: [0.5], xStd: [2], yMean: [1], yStd: [3] });
  });

  it("with dropout off equals torch's eval-mode forward pass, in the original units", async () => {
    const c = cases.mc_dropout_named;
    const { oracle, bound, gpuF } = await deterministic(loadFile(c.file), c.x);
    expectAllClose(c.eval_f.flat(), oracle, bound, 'torch vs the oracle');
    if (gpuF)
      expectAllClose(
        gpuF,
        c.eval_f.flat(),
        bound.map((b) => 2 * b),
        'GPU vs torch',
      );
  });
});

describe('MC dropout: input dropout, BatchNorm1d folded, LeakyReLU, PReLU, GELU(tanh), SiLU, a nested Sequential', () => {
  it('reads every module', () => {
    const { spec, tensors } = loadFile(cases.mc_dropout_bn.file);
    expect(spec.layers.map((l) => [l.activation, l.batchNorm, l.dropout])).toEqual([
      ['leaky_relu', true, expect.closeTo(0.05, 7) as number],
      ['prelu', false, 0],
      ['gelu', false, 0],
      ['silu', false, 0],
      ['identity', false, 0],
    ]);
    expect(spec.layers[0]?.leakySlope).toBeCloseTo(0.2, 7);
    expect(tensors.get('layers.1.prelu_slope')?.shape).toEqual([12]);
  });

  it("with dropout off equals torch's eval-mode forward pass", async () => {
    const c = cases.mc_dropout_bn;
    const { oracle, bound, gpuF } = await deterministic(loadFile(c.file), c.x);
    expectAllClose(c.eval_f.flat(), oracle, bound, 'torch vs the oracle');
    if (gpuF)
      expectAllClose(
        gpuF,
        c.eval_f.flat(),
        bound.map((b) => 2 * b),
        'GPU vs torch',
      );
  });
});

describe.each(['ensemble', 'ensemble_heads'] as const)('deep ensemble (%s): sigma = softplus(raw) + min_scale', (which) => {
  it('is an ensemble file of delta members with the heteroscedastic head', () => {
    const c = cases[which];
    const members = ensembleFromBytes(fileBytes(c.file));
    expect(members).toHaveLength(c.member_mean.length);
    for (const m of members) {
      expect(m.spec.likelihood).toEqual({ noise: { kind: 'heteroscedastic', minScale: c.min_scale }, link: 'sigma', sigmaPrior: null });
      expect(m.spec.layers.at(-1)?.units).toBe(2);
      expect(m.spec.layers.every((l) => l.dropout === 0 && l.weight.posterior === 'delta')).toBe(true);
    }
  });

  it("each member's mean and sigma are torch's (oracle), and the mixture's mean and std too (GPU)", async () => {
    const c = cases[which];
    const members = ensembleFromBytes(fileBytes(c.file));
    const bounds = members.map((m) => sampleBounds(m, c.x, { samples: 1, seed: 0, path: 'joint' }));
    members.forEach((m, k) => {
      const o = oracleSamples(m, c.x, { samples: 1, seed: 0, path: 'joint' });
      expectAllClose(c.member_mean[k]!, o.f, bounds[k]!.fBound, `member ${k} mean, torch vs the oracle`);
      expectAllClose(c.member_std[k]!, o.scale, bounds[k]!.scaleBound, `member ${k} sigma, torch vs the oracle`);
    });
    if (!gpu) return;
    const mix = await predictEnsemble(gpu, members, c.x);
    // Mixture bounds from the members' (twice: GPU and torch each within one of the oracle):
    // mean = avg mu; var = avg(s^2 + mu^2) - mean^2, so |dvar| <= avg(2|s| ds + 2|mu| dmu) + 2|mean| dmean.
    const M = members.length;
    const meanBound = c.x.map((_, i) => bounds.reduce((a, b) => a + 2 * b.fBound[i]!, 0) / M);
    const stdBound = c.x.map((_, i) => {
      const dvar =
        members.reduce((a, _m, k) => a + 2 * c.member_std[k]![i]! * 2 * bounds[k]!.scaleBound[i]! + 2 * Math.abs(c.member_mean[k]![i]!) * 2 * bounds[k]!.fBound[i]!, 0) / M +
        2 * Math.abs(c.mean[i]!) * meanBound[i]!;
      return dvar / (2 * c.std[i]!) + 1e-7 * c.std[i]!;
    });
    expectAllClose(mix.mean, c.mean, meanBound, 'mixture mean, GPU vs torch');
    expectAllClose(mix.std, c.std, stdBound, 'mixture std, GPU vs torch');
  }, 120_000);
});

describe('refusals: a clear ExportError naming what cannot be mapped', () => {
  it.each([
    ['exact_gelu', "nn.GELU() is the exact (erf) GELU; webgpu-bnn's gelu is the tanh approximation"],
    ['dropout_before_activation', 'a Dropout right after a Linear'],
    ['output_dropout', 'module 3 (Dropout): a Dropout right after a Linear (before its activation, or on the outputs)'],
    ['unknown_module', 'module 1 (Softplus): not supported'],
    ['conv_module', 'module 0 (Conv1d): not supported'],
    ['no_bias', 'a Linear without bias is not supported'],
    ['custom_without_layers', 'a Named is read only with a description'],
    ['custom_float_dropout', 'dropout must list one rate per layer'],
    ['not_chained', 'the layers are not in forward order or not chained'],
    ['ensemble_exp_head', "scale_head='exp' (sigma = exp(raw)) cannot be mapped"],
    ['ensemble_log_variance_head', "scale_head='log_variance' (sigma = exp(raw / 2)) cannot be mapped"],
    ['ensemble_odd_head', 'the last layer has 3 units; a mean and a scale head need 2D'],
    ['ensemble_softplus_module', 'module 1 (Softplus): not supported'],
    ['ensemble_activation_on_head', 'the last Linear must be the raw output'],
    ['pyro_autodelta', "guide 'AutoDelta' is not supported"],
    ['pyro_diag_without_sites', "guide='AutoDiagonalNormal' needs sites"],
    ['pyro_diag_wrong_length', 'sites cover 5 values but AutoDiagonalNormal.loc has 8'],
    ['pyro_unused_site', "parameter(s) ['AutoNormal.locs.tau', 'AutoNormal.scales.tau'] belong to no layer"],
    ['pyro_missing_site', "the parameters have no 'AutoNormal.locs.fc1.weight'"],
    ['pyro_no_bias', 'a layer without a bias is not supported'],
    ['prior_inverse_gamma', 'prior on sigma is not supported'],
    ['prior_batched', 'Gamma.concentration has shape [2]; a prior on sigma must be scalar'],
    ['prior_unknown_kind', "sigma prior kind 'inversegamma' is not supported"],
    ['uniform_negative_low', 'low must be >= 0'],
    ['numpyro_layout_missing', "weight_layout must be 'in_out' (x @ w) or 'out_in'"],
  ])('%s', (name, fragment) => {
    const message = cases.refusals[name];
    expect(message, `${name} was not refused`).not.toBeNull();
    expect(message).toContain(fragment);
  });
});

describe('prior_from_distribution', () => {
  it('reads torch / Pyro distribution objects by class and attributes', () => {
    expect(cases.prior_from_distribution).toEqual({
      uniform: { kind: 'uniform', low: 0, high: 10 },
      halfcauchy: { kind: 'halfcauchy', scale: 2 },
      gamma: { kind: 'gamma', concentration: 0.5, rate: 1 },
    });
  });
});
