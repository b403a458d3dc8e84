/**
 * Synthetic models for benchmarks (the Node script and the browser benchmark page): an MLP of the
 * given widths, ReLU hidden layers, identity output, mean-field Normal posterior on every weight
 * and bias with locs and scales from a seeded generator, fixed sigma. The same seed gives the same
 * model everywhere, so numbers from both benchmarks describe one workload.
 */
import { validateModel } from '../../src/model/validate-model.js';
import { layerInputs, tensorNames, type LayerSpec, type Model, type ModelSpec, type Tensor } from '../../src/model/spec.js';

/** mulberry32: a small seeded generator of uniforms in [0, 1) for weights and data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** widths = [inputs, hidden..., outputs], e.g. [13, 50, 50, 1]. */
export function syntheticModel(widths: readonly number[], seed = 1, sigma = 0.1): Model {
  const rand = mulberry32(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
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
    likelihood: { noise: { kind: 'fixed', sigma }, link: 'sigma', sigmaPrior: null },
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
    tensors.set(
      tensorNames.weightLoc(l),
      fill([layer.units, fanIn], () => uniform(-w, w)),
    );
    tensors.set(
      tensorNames.weightScale(l),
      fill([layer.units, fanIn], () => uniform(0.01, 0.1)),
    );
    tensors.set(
      tensorNames.biasLoc(l),
      fill([layer.units], () => uniform(-0.1, 0.1)),
    );
    tensors.set(
      tensorNames.biasScale(l),
      fill([layer.units], () => uniform(0.01, 0.1)),
    );
  });
  const model = { spec, tensors };
  validateModel(model);
  return model;
}
