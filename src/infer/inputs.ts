/**
 * Validation and normalisation of user-supplied matrices: rows of numbers (number[][]) or a flat
 * row-major array. Every problem gets an InvalidInputError naming the argument, row and column.
 */
import { InvalidInputError } from '../errors.js';

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

/** Reads `input` as a matrix with `cols` columns (a flat array of length rows*cols also works). */
export function toMatrix(input: MatrixInput, cols: number, name: string): Matrix {
  if (input === null || typeof input !== 'object' || typeof (input as { length?: unknown }).length !== 'number') {
    throw new InvalidInputError(`${name} must be an array of rows or a flat numeric array`);
  }
  let data: Float64Array;
  let rows: number;
  if (isRowArray(input)) {
    rows = input.length;
    data = new Float64Array(rows * cols);
    input.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new InvalidInputError(
          `${name} row ${r} has ${Array.isArray(row) ? row.length : 'no'} values; the model expects ${cols}`,
        );
      }
      for (let c = 0; c < cols; c++) data[r * cols + c] = row[c] as number;
    });
  } else {
    const flat = input as ArrayLike<number>;
    if (flat.length % cols !== 0) {
      throw new InvalidInputError(`${name} has ${flat.length} values, not a multiple of ${cols} columns`);
    }
    rows = flat.length / cols;
    data = Float64Array.from(flat as ArrayLike<number>, (v) => v);
  }
  if (rows === 0) throw new InvalidInputError(`${name} has no rows`);
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidInputError(
        `${name} row ${Math.floor(k / cols)} column ${k % cols} is ${String(v)}; values must be finite numbers`,
      );
    }
  }
  return { rows, cols, data };
}

/** Checks an integer option in [min, max]. */
export function checkInteger(value: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}
