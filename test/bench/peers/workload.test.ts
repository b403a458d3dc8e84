/** The peer workload's pure pieces: layout, nominal FLOPs (WORKLOAD.md's table), the data-file split and the model conversion. */
import { describe, expect, it } from 'vitest';
import { CONFIGS, DATASETS, engineModel, layout, nominalFlops, softplus, splitDataset, type DatasetMeta } from '../../../bench/peers/lib/workload.js';
import { tensorNames } from '../../../src/model/spec.js';

describe('peer workload', () => {
  it('has the parameter counts of WORKLOAD.md', () => {
    expect(layout(DATASETS.uci.layers).P).toBe(3301);
    expect(layout(DATASETS.wide.layers).P).toBe(399370);
    expect(layout([2, 3, 1]).layers).toEqual([
      { din: 2, dout: 3, wOff: 0, bOff: 6 },
      { din: 3, dout: 1, wOff: 9, bOff: 12 },
    ]);
  });

  it('counts the nominal FLOPs of WORKLOAD.md exactly', () => {
    // 2·S·N·Σ(in·out) + 2·S·P: A Σ = 3200, P = 3301; B Σ = 398336, P = 399370.
    const flops = CONFIGS.map((c) => nominalFlops(DATASETS[c.dataset].layers, c.N, c.S));
    expect(flops).toEqual([2 * 1000 * 3200 + 2 * 1000 * 3301, 2 * 1000 * 256 * 3200 + 2 * 1000 * 3301, 2 * 100 * 64 * 398336 + 2 * 100 * 399370]);
  });

  const meta: DatasetMeta = { name: 'tiny', layers: [2, 3, 1], N: 2, P: 13, sigma: 0.5, layout: layout([2, 3, 1]).layers, sha256: '' };
  const file = Float32Array.from({ length: 2 * 13 + 2 * 3 }, (_, i) => i / 10 - 1);

  it('splits a data file into mu, rho, X and y, and rejects a file of the wrong size', () => {
    const ds = splitDataset(meta, file);
    expect(Array.from(ds.mu)).toEqual(Array.from(file.subarray(0, 13)));
    expect(Array.from(ds.rho)).toEqual(Array.from(file.subarray(13, 26)));
    expect(ds.X.length).toBe(4);
    expect(Array.from(ds.y)).toEqual(Array.from(file.subarray(30, 32)));
    expect(() => splitDataset(meta, file.subarray(1))).toThrow(/holds 31 floats, its metadata says 32/);
  });

  it('converts the workload into a model: weights transposed to [units][inputs], scales = softplus(rho)', () => {
    const ds = splitDataset(meta, file);
    const model = engineModel(ds);
    expect(model.spec.layers.map((l) => [l.units, l.activation])).toEqual([
      [3, 'relu'],
      [1, 'identity'],
    ]);
    const loc = model.tensors.get(tensorNames.weightLoc(0));
    const scale = model.tensors.get(tensorNames.weightScale(0));
    expect(loc?.shape).toEqual([3, 2]);
    // The workload's W[k][j] (input k, unit j) at mu[k·3 + j] is the model's [j][k].
    for (let k = 0; k < 2; k++) {
      for (let j = 0; j < 3; j++) {
        expect(loc?.data[j * 2 + k]).toBe(ds.mu[k * 3 + j]);
        expect(scale?.data[j * 2 + k]).toBeCloseTo(Math.log(1 + Math.exp(ds.rho[k * 3 + j] ?? NaN)), 6);
      }
    }
    expect(Array.from(model.tensors.get(tensorNames.biasLoc(1))?.data ?? [])).toEqual([ds.mu[12]]);
  });

  it('softplus is log(1 + e^r) without overflow', () => {
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(softplus(-5)).toBeCloseTo(Math.log1p(Math.exp(-5)), 15);
  });
});
