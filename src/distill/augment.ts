/**
 * The inputs a student is distilled on: the given rows, then `copies` jittered copies of each,
 * x' = x + jitter · s_c · ε with s_c the column's standard deviation over the given rows (so the
 * jitter is in standardised units, the units the networks see) and ε ~ N(0, 1) from the Philox
 * stream DISTILL_JITTER_STREAM keyed by the seed (reproducible, independent of the GPU's streams).
 * Jitter rather than mixup: it probes the teacher around every training input, where the student is
 * asked to predict, and in a 1-D gap it reaches into the gap from both sides.
 */
import { normalAt } from '../random/draws.js';
import { seedToKey } from '../random/streams.js';
import type { Matrix } from '../inputs.js';

/** A stream number outside the model's layer streams (ASCII 'dist'), so jitter draws never reuse a weight draw's words. */
export const DISTILL_JITTER_STREAM = 0x64697374;

/** Each column's population standard deviation, 1 where a column is constant (no scale to jitter by). */
export function columnStd(x: Matrix): Float64Array {
  const std = new Float64Array(x.cols);
  for (let c = 0; c < x.cols; c++) {
    let mean = 0;
    for (let r = 0; r < x.rows; r++) mean += (x.data[r * x.cols + c] as number) / x.rows;
    let v = 0;
    for (let r = 0; r < x.rows; r++) v += ((x.data[r * x.cols + c] as number) - mean) ** 2 / x.rows;
    std[c] = v > 0 ? Math.sqrt(v) : 1;
  }
  return std;
}

/** The given rows followed by `copies` jittered copies of them (copy k, row r at row (k + 1)·N + r). */
export function jitteredInputs(x: Matrix, copies: number, jitter: number, seed: number): Matrix {
  const { rows, cols } = x;
  const std = columnStd(x);
  const key = seedToKey(seed);
  const data = new Float64Array((copies + 1) * rows * cols);
  data.set(x.data);
  for (let k = 0; k < copies; k++) {
    for (let i = 0; i < rows * cols; i++) {
      data[(k + 1) * rows * cols + i] = (x.data[i] as number) + jitter * (std[i % cols] as number) * normalAt(key, k, DISTILL_JITTER_STREAM, i);
    }
  }
  return { rows: (copies + 1) * rows, cols, data };
}
