/**
 * Synthetic models and inputs for the benchmark page: an MLP of the given widths ('13-50-50-1'),
 * ReLU hidden layers, identity output, mean-field Normal posterior on every weight and bias (bench/lib/synthetic.ts), fixed σ = 0.1.
 */
import type { Model } from '../src/index.js';
import { syntheticModel } from '../bench/lib/synthetic.js';
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
  return syntheticModel(widths, seed);
}

/** N rows of inputs uniform in [-2, 2], as one flat row-major array. */
export function benchInputs(n: number, inputDim: number, seed = 2): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * inputDim }, () => 4 * r.uniform() - 2);
}
