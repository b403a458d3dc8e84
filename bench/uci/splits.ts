/**
 * The split logic of the UCI protocol (bench/uci/PROTOCOL.md): which splits run, and the validation hold-out
 * of the grid search — the last 20% of a split's training rows (in file order; the first
 * floor(0.8 n) rows fit, as in Gal & Ghahramani's experiment code). Standardisation is not done
 * here: train() standardises every model with the statistics of the rows it is given.
 */
import { InvalidInputError } from '../../src/errors.js';
import type { UciDataset } from './dataset.js';

/** Share of a split's training rows held out for validation in the grid search. */
export const VALIDATION_FRACTION = 0.2;

export interface ValidationSplit {
  /** Rows the grid points train on (the first 80%). */
  readonly fit: readonly number[];
  /** Rows they are scored on (the last 20%). */
  readonly validation: readonly number[];
}

/** The training rows of a split cut into fit and validation parts; both keep at least one row. */
export function validationSplit(train: readonly number[]): ValidationSplit {
  if (train.length < 2) throw new InvalidInputError(`a validation hold-out needs at least 2 training rows, got ${train.length}`);
  const fitRows = Math.min(train.length - 1, Math.max(1, Math.floor((1 - VALIDATION_FRACTION) * train.length)));
  return { fit: train.slice(0, fitRows), validation: train.slice(fitRows) };
}

/** Indices of the splits to run: the first `count` (all when undefined). */
export function selectSplits(dataset: UciDataset, count?: number): number[] {
  const n = dataset.splits.length;
  if (count === undefined) return Array.from({ length: n }, (_, k) => k);
  if (!Number.isInteger(count) || count < 1) throw new InvalidInputError(`splits must be a positive integer, got ${String(count)}`);
  if (count > n) throw new InvalidInputError(`${dataset.name} has ${n} splits, ${count} were asked for`);
  return Array.from({ length: count }, (_, k) => k);
}

/** The rows of `rows` as x rows and y values (what Engine.predict takes). */
export function gatherRows(dataset: UciDataset, rows: readonly number[]): { x: number[][]; y: number[] } {
  const d = dataset.inputDim;
  return {
    x: rows.map((r) => Array.from(dataset.x.subarray(r * d, (r + 1) * d))),
    y: rows.map((r) => dataset.y[r] as number),
  };
}
