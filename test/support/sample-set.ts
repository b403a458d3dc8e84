/**
 * Teachers for the distillation tests: a 2-input VI classifier whose probabilities vary over the
 * inputs, and a sample-set posterior (point models drawn from a VI posterior, as MCMC, Laplace and
 * SWAG samples are saved: an ensemble of delta members).
 */
import { tensorNames, type Model, type Tensor } from '../../src/model/spec.js';
import { buildModel, testRng, type BuildOptions } from './model-builders.js';
import { gaussian } from './train-data.js';

/** A 2-input VI classifier whose output weights are scaled so its probabilities vary over x. */
export function scaledClassifier(classes: number, seed: number, extra: Partial<BuildOptions> = {}): Model {
  const m = buildModel({ inputDim: 2, units: [8, classes === 2 ? 1 : classes], seed, scale: 0.5, ...extra });
  const tensors = new Map(m.tensors);
  const out = tensors.get(tensorNames.weightLoc(1)) as Tensor;
  tensors.set(tensorNames.weightLoc(1), { shape: out.shape, data: out.data.map((v) => 5 * v) });
  return { spec: { ...m.spec, likelihood: classes === 2 ? { kind: 'bernoulli' } : { kind: 'categorical', classes } }, tensors };
}

/** `count` point models drawn from a VI model's posterior (loc + scale · z per parameter): a sample-set posterior. */
export function sampleSet(vi: Model, count: number, seed: number): Model[] {
  const rand = testRng(seed);
  return Array.from({ length: count }, () => {
    const tensors = new Map<string, Tensor>();
    vi.spec.layers.forEach((_, l) => {
      for (const [loc, scale] of [
        [tensorNames.weightLoc(l), tensorNames.weightScale(l)],
        [tensorNames.biasLoc(l), tensorNames.biasScale(l)],
      ] as const) {
        const mu = vi.tensors.get(loc) as Tensor;
        const sd = vi.tensors.get(scale);
        tensors.set(loc, { shape: mu.shape, data: mu.data.map((v, i) => v + (sd ? (sd.data[i] as number) * gaussian(rand) : 0)) });
      }
    });
    const layers = vi.spec.layers.map((layer) => ({ ...layer, weight: { ...layer.weight, posterior: 'delta' as const }, bias: { ...layer.bias, posterior: 'delta' as const } }));
    return { spec: { ...vi.spec, layers }, tensors };
  });
}
