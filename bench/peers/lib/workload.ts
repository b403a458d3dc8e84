/**
 * The peer benchmark's workload in TypeScript (bench/peers/WORKLOAD.md; bench/peers/src/workload.js
 * is the same definition for the plain-JavaScript peers and generates the data files): the three
 * configurations, the parameter layout, the nominal FLOP count, the split of a data file, and the
 * conversion of the workload's parameters into a webgpu-bnn model.
 */
import { validateModel } from '../../../src/model/validate-model.js';
import { tensorNames, type LayerSpec, type Model, type ModelSpec, type Tensor } from '../../../src/model/spec.js';

export type DatasetName = 'uci' | 'wide';

export interface Config {
  readonly id: string;
  readonly dataset: DatasetName;
  readonly N: number;
  readonly S: number;
}

export const SIGMA = 0.5;

export const DATASETS: Readonly<Record<DatasetName, { readonly layers: readonly number[]; readonly N: number }>> = {
  uci: { layers: [13, 50, 50, 1], N: 256 },
  wide: { layers: [256, 512, 512, 10], N: 64 },
};

export const CONFIGS: readonly Config[] = [
  { id: 'A-uci-N1', dataset: 'uci', N: 1, S: 1000 },
  { id: 'A-uci-N256', dataset: 'uci', N: 256, S: 1000 },
  { id: 'B-wide-N64', dataset: 'wide', N: 64, S: 100 },
];

export interface LayerLayout {
  readonly din: number;
  readonly dout: number;
  readonly wOff: number;
  readonly bOff: number;
}

/** What data/<name>.json records (written by src/gen_data.mjs). */
export interface DatasetMeta {
  readonly name: string;
  readonly layers: readonly number[];
  readonly N: number;
  readonly P: number;
  readonly sigma: number;
  readonly layout: readonly LayerLayout[];
  readonly sha256: string;
}

export interface Dataset {
  readonly meta: DatasetMeta;
  readonly mu: Float32Array;
  readonly rho: Float32Array;
  readonly X: Float32Array;
  readonly y: Float32Array;
}

/** Flat layout: per layer W (d_in x d_out, row-major, h @ W), then b (d_out). */
export function layout(layers: readonly number[]): { layers: LayerLayout[]; P: number } {
  const out: LayerLayout[] = [];
  let off = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const din = layers[l] ?? 0;
    const dout = layers[l + 1] ?? 0;
    out.push({ din, dout, wOff: off, bOff: off + din * dout });
    off += din * dout + dout;
  }
  return { layers: out, P: off };
}

/** 2·S·N·Σ(in·out) for the forward matmuls + 2·S·P for the weight draws (WORKLOAD.md). */
export function nominalFlops(layers: readonly number[], N: number, S: number): number {
  let macs = 0;
  for (let l = 0; l + 1 < layers.length; l++) macs += (layers[l] ?? 0) * (layers[l + 1] ?? 0);
  return 2 * S * N * macs + 2 * S * layout(layers).P;
}

/** data/<name>.bin = float32 mu[P] | rho[P] | X[N·d_in] | y[N·d_out]; throws if the sizes disagree. */
export function splitDataset(meta: DatasetMeta, f32: Float32Array): Dataset {
  const din = meta.layers[0] ?? 0;
  const dout = meta.layers[meta.layers.length - 1] ?? 0;
  const expected = 2 * meta.P + meta.N * (din + dout);
  if (f32.length !== expected) throw new Error(`data file for '${meta.name}' holds ${f32.length} floats, its metadata says ${expected}`);
  let o = 0;
  const take = (n: number) => f32.subarray(o, (o += n));
  return { meta, mu: take(meta.P), rho: take(meta.P), X: take(meta.N * din), y: take(meta.N * dout) };
}

/** The first N rows of X and y, as the rows engine.predict takes. */
export function configRows(ds: Dataset, N: number): { x: number[][]; y: number[][] } {
  const din = ds.meta.layers[0] ?? 0;
  const dout = ds.meta.layers[ds.meta.layers.length - 1] ?? 0;
  const rows = (a: Float32Array, w: number) => Array.from({ length: N }, (_, n) => Array.from(a.subarray(n * w, (n + 1) * w)));
  return { x: rows(ds.X, din), y: rows(ds.y, dout) };
}

/** log(1 + e^r) without overflow. */
export function softplus(r: number): number {
  return Math.max(r, 0) + Math.log1p(Math.exp(-Math.abs(r)));
}

/**
 * The workload's posterior as a webgpu-bnn model: ReLU hidden layers, identity output, mean-field
 * Normal (loc = mu, scale = softplus(rho)), fixed sigma. The workload's W is [d_in][d_out]; the
 * model's weight tensors are [units][inputs], so they are transposed.
 */
export function engineModel(ds: Dataset): Model {
  const L = ds.meta.layout;
  const layers: LayerSpec[] = L.map((l, i) => ({
    units: l.dout,
    activation: i === L.length - 1 ? 'identity' : 'relu',
    leakySlope: 0.01,
    dropout: 0,
    batchNorm: false,
    weight: { site: `layers.${i}.weight`, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
    bias: { site: `layers.${i}.bias`, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
  }));
  const spec: ModelSpec = {
    inputDim: ds.meta.layers[0] ?? 0,
    layers,
    likelihood: { noise: { kind: 'fixed', sigma: ds.meta.sigma }, link: 'sigma', sigmaPrior: null },
    standardization: null,
  };
  const tensors = new Map<string, Tensor>();
  L.forEach((l, i) => {
    const loc = new Float32Array(l.din * l.dout);
    const scale = new Float32Array(l.din * l.dout);
    for (let k = 0; k < l.din; k++) {
      for (let j = 0; j < l.dout; j++) {
        loc[j * l.din + k] = ds.mu[l.wOff + k * l.dout + j] ?? NaN;
        scale[j * l.din + k] = softplus(ds.rho[l.wOff + k * l.dout + j] ?? NaN);
      }
    }
    tensors.set(tensorNames.weightLoc(i), { shape: [l.dout, l.din], data: loc });
    tensors.set(tensorNames.weightScale(i), { shape: [l.dout, l.din], data: scale });
    tensors.set(tensorNames.biasLoc(i), { shape: [l.dout], data: ds.mu.slice(l.bOff, l.bOff + l.dout) });
    tensors.set(tensorNames.biasScale(i), { shape: [l.dout], data: Float32Array.from(ds.rho.subarray(l.bOff, l.bOff + l.dout), softplus) });
  });
  const model = { spec, tensors };
  validateModel(model);
  return model;
}
