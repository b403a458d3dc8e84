/**
 * Random architectures for the GPU-vs-oracle fuzz test (test/infer/fuzz.gpu.test.ts): every activation
 * (hidden and output), dropout, folded batch norm, every noise kind and link, standardisation,
 * normal and point posteriors per layer, posterior scales up to 1, PReLU and leaky slopes, inputs
 * from [-2, 2] up to +-1e4 (past every activation's saturation), and S and N across chunk
 * boundaries for every path and kernel. A case is a pure function of its seed.
 */
import type { Model, NoiseSpec } from '../../src/model/spec.js';
import { ACTIVATIONS, expectScaleLikelihood } from '../../src/model/spec.js';
import { buildModel, testRng } from './model-builders.js';

export interface FuzzCase {
  readonly seed: number;
  readonly name: string;
  readonly model: Model;
  readonly x: number[][];
  readonly y: number[][];
  readonly samples: number;
  /** Engine chunk limits, small enough to split S and N into several chunks. */
  readonly chunk: { readonly samples: number; readonly inputs: number };
  readonly fusedInputsPerWorkgroup: number;
  readonly registersInputsPerThread: number;
}

const NOISES: readonly NoiseSpec[] = [
  { kind: 'fixed', sigma: 0.3 },
  { kind: 'lognormal', site: 'sigma' },
  { kind: 'gamma', site: 'sigma' },
  { kind: 'heteroscedastic', minScale: 1e-3 },
  { kind: 'logitnormal', site: 'sigma', low: 0.05, high: 2 },
];

const POSTERIOR_SCALES = [0.05, 0.2, 0.5, 1] as const;
/** Input magnitudes: most rows ordinary, some far out where tanh, sigmoid and gelu saturate. */
const INPUT_SCALES = [2, 2, 2, 30, 1e4] as const;

export function fuzzCase(seed: number): FuzzCase {
  const rand = testRng(seed * 7919 + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const depth = int(1, 4);
  const noise = pick(NOISES);
  const outDim = int(1, 2);
  // Mostly small widths; sometimes one past a vec4 / register-tile boundary.
  const width = () => (rand() < 0.15 ? int(60, 70) : int(1, 40));
  const units = Array.from({ length: depth }, (_, l) => (l === depth - 1 ? (noise.kind === 'heteroscedastic' ? 2 * outDim : outDim) : width()));
  const inputDim = int(1, 9);
  const activations = units.map((_, l) => (l === depth - 1 && rand() < 0.7 ? 'identity' : pick(ACTIVATIONS)));
  const dropout = units.map(() => (rand() < 0.4 ? Math.round(rand() * 60) / 100 : 0));
  const batchNorm = units.map(() => rand() < 0.3);
  const posterior = units.map(() => [rand() < 0.85 ? 'normal' : 'delta', rand() < 0.85 ? 'normal' : 'delta'] as const);
  const scale = units.map(() => pick(POSTERIOR_SCALES));
  const standardize = rand() < 0.3;
  const model = buildModel({
    inputDim,
    units,
    activations,
    dropout,
    batchNorm,
    noise,
    link: rand() < 0.5 ? 'sigma' : 'sigma2',
    posterior,
    scale,
    leakySlope: pick([0.01, 0.1, 0.3]),
    seed,
    standardization: standardize
      ? {
          xMean: Array.from({ length: inputDim }, () => rand() - 0.5),
          xStd: Array.from({ length: inputDim }, () => 0.5 + rand()),
          yMean: Array.from({ length: outDim }, () => 2 * rand() - 1),
          yStd: Array.from({ length: outDim }, () => 0.5 + 2 * rand()),
        }
      : null,
  });
  const n = int(1, 40);
  const x = Array.from({ length: n }, () => {
    const magnitude = pick(INPUT_SCALES);
    return Array.from({ length: inputDim }, () => magnitude * (2 * rand() - 1));
  });
  const y = Array.from({ length: n }, () => Array.from({ length: outDim }, () => 2 * rand() - 1));
  const name =
    `seed ${seed}: ${inputDim}-${units.join('-')} ${activations.join('/')} dropout ${dropout.join('/')} ` +
    `bn ${batchNorm.map(Number).join('')} scale ${scale.join('/')} noise ${noise.kind} ${expectScaleLikelihood(model.spec).link}`;
  return {
    seed,
    name,
    model,
    x,
    y,
    samples: int(1, 40),
    chunk: { samples: int(1, 9), inputs: int(1, 17) },
    fusedInputsPerWorkgroup: int(1, 8),
    registersInputsPerThread: int(1, 8),
  };
}
