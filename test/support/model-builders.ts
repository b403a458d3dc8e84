/**
 * Random but reproducible models for property tests: any architecture, activation, dropout and
 * noise model, with tensors from a seeded generator (not the library's RNG, so tests stay independent).
 */
import { mulberry32 } from '../../bench/lib/synthetic.js';
import type { Activation, LayerSpec, Model, ModelSpec, NoiseSpec, Tensor } from '../../src/model/spec.js';
import { layerInputs, tensorNames } from '../../src/model/spec.js';

/** A seeded generator for test data (mulberry32, shared with the benchmarks). */
export const testRng = mulberry32;

export interface BuildOptions {
  readonly inputDim: number;
  readonly units: readonly number[];
  readonly activations?: readonly Activation[];
  readonly dropout?: readonly number[];
  readonly batchNorm?: readonly boolean[];
  readonly noise?: NoiseSpec;
  readonly link?: 'sigma' | 'sigma2';
  /** One posterior kind for every parameter, or per layer for [weight, bias]. */
  readonly posterior?: 'normal' | 'delta' | readonly (readonly ['normal' | 'delta', 'normal' | 'delta'])[];
  readonly seed?: number;
  /** Largest posterior scale (each drawn from [0.2, 1] times it): one for all layers, or per layer. */
  readonly scale?: number | readonly number[];
  readonly leakySlope?: number;
  readonly standardization?: ModelSpec['standardization'];
}

export function buildModel(o: BuildOptions): Model {
  const rand = testRng(o.seed ?? 1);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const posterior = (l: number, part: 0 | 1) => (typeof o.posterior === 'string' || o.posterior === undefined ? (o.posterior ?? 'normal') : (o.posterior[l]?.[part] ?? 'normal'));
  const layers: LayerSpec[] = o.units.map((units, l) => ({
    units,
    activation: o.activations?.[l] ?? (l === o.units.length - 1 ? 'identity' : 'tanh'),
    leakySlope: o.leakySlope ?? 0.1,
    dropout: o.dropout?.[l] ?? 0,
    batchNorm: o.batchNorm?.[l] ?? false,
    weight: { site: `layers.${l}.weight`, posterior: posterior(l, 0), prior: { kind: 'normal', loc: 0, scale: 1 } },
    bias: { site: `layers.${l}.bias`, posterior: posterior(l, 1), prior: { kind: 'normal', loc: 0, scale: 1 } },
  }));
  const noise: NoiseSpec = o.noise ?? { kind: 'fixed', sigma: 0.3 };
  const spec: ModelSpec = {
    inputDim: o.inputDim,
    layers,
    likelihood: {
      noise,
      link: o.link ?? 'sigma',
      // A logitnormal sigma is AutoNormal's guide for a Uniform prior over the same interval.
      sigmaPrior:
        noise.kind === 'logitnormal'
          ? { kind: 'uniform', low: noise.low, high: noise.high }
          : noise.kind === 'lognormal' || noise.kind === 'gamma'
            ? { concentration: 0.5, rate: 1 }
            : null,
    },
    standardization: o.standardization ?? null,
  };
  const tensors = new Map<string, Tensor>();
  const fill = (shape: number[], f: () => number): Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    return { shape, data: Float32Array.from({ length: size }, f) };
  };
  layers.forEach((layer, l) => {
    const s = typeof o.scale === 'number' || o.scale === undefined ? (o.scale ?? 0.2) : (o.scale[l] ?? 0.2);
    const fanIn = layerInputs(spec, l);
    const w = 1 / Math.sqrt(fanIn);
    tensors.set(
      tensorNames.weightLoc(l),
      fill([layer.units, fanIn], () => uniform(-1.5 * w, 1.5 * w)),
    );
    tensors.set(
      tensorNames.biasLoc(l),
      fill([layer.units], () => uniform(-0.5, 0.5)),
    );
    if (layer.weight.posterior === 'normal')
      tensors.set(
        tensorNames.weightScale(l),
        fill([layer.units, fanIn], () => uniform(0.2 * s, s)),
      );
    if (layer.bias.posterior === 'normal')
      tensors.set(
        tensorNames.biasScale(l),
        fill([layer.units], () => uniform(0.2 * s, s)),
      );
    if (layer.activation === 'prelu')
      tensors.set(
        tensorNames.preluSlope(l),
        fill([layer.units], () => uniform(0, 0.3)),
      );
    if (layer.batchNorm) {
      tensors.set(
        tensorNames.bnScale(l),
        fill([layer.units], () => uniform(0.5, 1.5)),
      );
      tensors.set(
        tensorNames.bnShift(l),
        fill([layer.units], () => uniform(-0.3, 0.3)),
      );
    }
  });
  if (noise.kind === 'lognormal') {
    tensors.set(tensorNames.noiseLoc, { shape: [], data: Float32Array.of(Math.log(0.3)) });
    tensors.set(tensorNames.noiseScale, { shape: [], data: Float32Array.of(0.2) });
  } else if (noise.kind === 'logitnormal') {
    // The median sigma 0.3 (or the interval's middle if 0.3 is outside it): u = logit((sigma - low)/(high - low)).
    const median = noise.low < 0.3 && 0.3 < noise.high ? 0.3 : (noise.low + noise.high) / 2;
    const p = (median - noise.low) / (noise.high - noise.low);
    tensors.set(tensorNames.noiseLoc, { shape: [], data: Float32Array.of(Math.log(p / (1 - p))) });
    tensors.set(tensorNames.noiseScale, { shape: [], data: Float32Array.of(0.5) });
  } else if (noise.kind === 'gamma') {
    tensors.set(tensorNames.noiseConcentration, { shape: [], data: Float32Array.of(3) });
    tensors.set(tensorNames.noiseRate, { shape: [], data: Float32Array.of(10) });
  }
  return { spec, tensors };
}

export function randomInputs(n: number, dim: number, seed: number): number[][] {
  const rand = testRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => 4 * rand() - 2));
}
