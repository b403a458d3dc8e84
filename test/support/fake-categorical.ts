/** A fake categorical PredictResult on the classification page's grid, for its pure rendering code (test/demo). */
import type { PredictResult } from '../../src/index.js';
import type { GridSpec } from '../../demo/class-grid.js';

/** A categorical result on the grid: cell i's probabilities [i/N, 1 − i/N] (K = 2), entropy i, MI i/10. */
export function fakeCategorical(grid: GridSpec): PredictResult {
  const n = grid.size * grid.size;
  const probs = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    probs[2 * i] = i / n;
    probs[2 * i + 1] = 1 - i / n;
  }
  const zeros = new Float32Array(2 * n);
  return {
    n,
    outputDim: 2,
    samples: 10,
    likelihood: 'categorical',
    path: 'joint',
    mean: probs,
    std: zeros,
    epistemicStd: zeros,
    aleatoricStd: zeros,
    lower: probs,
    upper: probs,
    intervalLevel: 0.9,
    probs,
    probsStd: zeros,
    entropy: Float32Array.from({ length: n }, (_, i) => i),
    expectedEntropy: Float32Array.from({ length: n }, (_, i) => 0.9 * i),
    mutualInformation: Float32Array.from({ length: n }, (_, i) => i / 10),
  };
}
