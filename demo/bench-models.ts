/**
 * Synthetic models and inputs for the benchmark page: an MLP of the given widths ('13-50-50-1'),
 * ReLU hidden layers, identity output, mean-field Normal posterior on every weight and bias (locs
 * and scales from a seeded generator, as in bench/predict.bench.ts), fixed σ = 0.1.
 */
import { layerInputs, tensorNames, validateModel, type LayerSpec, type Model, type ModelSpec, type Tensor } from '../src/index.js';
import { seededRandom } from './data.js';

/** Parses '13-50-50-1' (also 'x', ',' or spaces between widths) into widths, input first. */
export function parseArchitecture(text: string): number[] {
  const widths = text
    .trim()
    .split(/[\s,x×-]+/)
    .filter((t) => t !== '')
    .map(Number);
  if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`architecture '${text}': expected widths like 13-50-50-1`);
  }
  return widths;
}

/** Σ over layers of inputs·outputs: the multiply-adds of one forward pass for one input. */
export function macsPerForward(widths: readonly number[]): number {
  let macs = 0;
  for (let l = 1; l < widths.length; l++) macs += (widths[l - 1] ?? 0) * (widths[l] ?? 0);
  return macs;
}

export function benchModel(widths: readonly number[], seed = 1): Model {
  const r = seededRandom(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * r.uniform();
  const units = widths.slice(1);
  const layers: LayerSpec[] = units.map((u, l) => ({
    units: u,
    activation: l === units.length - 1 ? 'identity' : 'relu',
    leakySlope: 0.01,
    dropout: 0,
    batchNorm: false,
    weight: { site: `layers.${l}.weight`, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
    bias: { site: `layers.${l}.bias`, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: 1 } },
  }));
  const spec: ModelSpec = {
    inputDim: widths[0] ?? 1,
    layers,
    likelihood: { noise: { kind: 'fixed', sigma: 0.1 }, link: 'sigma', sigmaPrior: null },
    standardization: null,
  };
  const tensors = new Map<string, Tensor>();
  const fill = (shape: number[], f: () => number): Tensor => ({
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, f),
  });
  layers.forEach((layer, l) => {
    const fanIn = layerInputs(spec, l);
    const w = Math.sqrt(2 / fanIn);
    tensors.set(tensorNames.weightLoc(l), fill([layer.units, fanIn], () => uniform(-w, w)));
    tensors.set(tensorNames.weightScale(l), fill([layer.units, fanIn], () => uniform(0.01, 0.1)));
    tensors.set(tensorNames.biasLoc(l), fill([layer.units], () => uniform(-0.1, 0.1)));
    tensors.set(tensorNames.biasScale(l), fill([layer.units], () => uniform(0.01, 0.1)));
  });
  const model = { spec, tensors };
  validateModel(model);
  return model;
}

/** N rows of inputs uniform in [-2, 2], as one flat row-major array. */
export function benchInputs(n: number, inputDim: number, seed = 2): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * inputDim }, () => 4 * r.uniform() - 2);
}
