/**
 * Validation and normalisation of user-supplied matrices: rows of numbers (number[][]) or a flat
 * row-major array. Every problem gets an InvalidInputError naming the argument, row and column.
 */
import { InvalidInputError } from './errors.js';
import { describeValue, isFiniteFloat32 } from './options.js';
import { FLOAT32_MAX } from './float32.js';

export type MatrixInput = ArrayLike<number> | readonly (readonly number[])[];

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values. */
  readonly data: Float64Array;
}

function isRowArray(input: MatrixInput): input is readonly (readonly number[])[] {
  return Array.isArray(input) && input.length > 0 && Array.isArray(input[0]);
}

/**
 * Reads `input` as a matrix with `cols` columns (a flat array of length rows*cols also works),
 * rejecting ragged rows, a flat length that is not a multiple of `cols`, non-numbers (no silent
 * coercion of strings or nested arrays) and values that are not finite in float32 (they would
 * poison every statistic on the GPU).
 */
export function toMatrix(input: MatrixInput, cols: number, name: string): Matrix {
  if (input === null || typeof input !== 'object' || typeof (input as { length?: unknown }).length !== 'number') {
    throw new InvalidInputError(`${name} must be an array of rows or a flat numeric array`);
  }
  const rowsGiven = isRowArray(input);
  if (!rowsGiven && input.length % cols !== 0) {
    throw new InvalidInputError(`${name} has ${input.length} values, not a multiple of ${cols} columns`);
  }
  const rows = rowsGiven ? input.length : input.length / cols;
  if (rows === 0) throw new InvalidInputError(`${name} has no rows`);
  const data = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let row: unknown = input;
    let base = r * cols;
    if (rowsGiven) {
      row = input[r];
      base = 0;
      if (!Array.isArray(row) || row.length !== cols) {
        throw new InvalidInputError(`${name} row ${r} has ${Array.isArray(row) ? row.length : 'no'} values; the model expects ${cols}`);
      }
    }
    for (let c = 0; c < cols; c++) {
      const v: unknown = (row as ArrayLike<unknown>)[base + c];
      if (!isFiniteFloat32(v)) {
        const why =
          typeof v === 'number' && Number.isFinite(v) ? `beyond float32's range (±${FLOAT32_MAX.toPrecision(5)}), which the GPU computes in` : 'values must be finite numbers';
        throw new InvalidInputError(`${name} row ${r} column ${c} is ${describeValue(v)}; ${why}`);
      }
      data[r * cols + c] = v;
    }
  }
  return { rows, cols, data };
}
