/**
 * The prediction grid of the classification page and what a classifier's prediction on it gives
 * the maps: G × G cell centres over the view, row-major with row 0 at the top (the largest x2), so a
 * cell's index is its pixel's index in a G × G image; the class probabilities, predictive entropy
 * and mutual information per cell (PredictResult's classifier fields); the values under a point.
 */
import type { PredictResult } from '../src/index.js';
import type { View } from './class-data.js';

export interface GridSpec {
  readonly view: View;
  /** Cells per side (G). */
  readonly size: number;
}

/** The centre of cell (row, col). */
export function cellCentre(grid: GridSpec, row: number, col: number): [number, number] {
  const { view, size } = grid;
  return [view.xMin + ((col + 0.5) * (view.xMax - view.xMin)) / size, view.yMax - ((row + 0.5) * (view.yMax - view.yMin)) / size];
}

/** The G² cell centres as model inputs, in cell order. */
export function gridInputs(grid: GridSpec): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < grid.size; r++) for (let c = 0; c < grid.size; c++) rows.push(cellCentre(grid, r, c));
  return rows;
}

/** The index of the cell holding (x, y), or -1 outside the view. */
export function cellAt(grid: GridSpec, x: number, y: number): number {
  const { view, size } = grid;
  const col = Math.floor(((x - view.xMin) / (view.xMax - view.xMin)) * size);
  const row = Math.floor(((view.yMax - y) / (view.yMax - view.yMin)) * size);
  if (!(col >= 0 && col < size && row >= 0 && row < size)) return -1;
  return row * size + col;
}

/** A classifier's prediction on the grid: what the three maps show. */
export interface ClassMaps {
  readonly grid: GridSpec;
  readonly classes: number;
  /** Mean class probabilities, [G², K]. */
  readonly probs: Float32Array;
  /** Predictive entropy H[p̄] (total), nats, [G²]. */
  readonly entropy: Float32Array;
  /** Mutual information (epistemic), nats, [G²]. */
  readonly mutualInformation: Float32Array;
  /** Expected entropy E_s H[p_s] (aleatoric), nats, [G²]. */
  readonly expectedEntropy: Float32Array | null;
  readonly samples: number;
}

/** The maps of a categorical model's prediction on the grid; throws when the result is not one. */
export function classMapsFrom(result: PredictResult, grid: GridSpec): ClassMaps {
  const cells = grid.size * grid.size;
  const { probs, entropy, mutualInformation } = result;
  if (result.likelihood !== 'categorical' || !probs || !entropy || !mutualInformation) {
    throw new Error(
      `the classification maps need a categorical model's prediction (class probabilities, entropy, mutual information); this model's likelihood is '${result.likelihood}'`,
    );
  }
  if (result.n !== cells || entropy.length !== cells || mutualInformation.length !== cells || probs.length % cells !== 0) {
    throw new Error(`the prediction has ${result.n} rows for a grid of ${cells} cells`);
  }
  return { grid, classes: probs.length / cells, probs, entropy, mutualInformation, expectedEntropy: result.expectedEntropy ?? null, samples: result.samples };
}

/** The prediction at one point of the plane (its grid cell's). */
export interface Probe {
  readonly x: number;
  readonly y: number;
  readonly probs: number[];
  /** The most probable class. */
  readonly predicted: number;
  readonly entropy: number;
  readonly mutualInformation: number;
}

export function probeAt(maps: ClassMaps, x: number, y: number): Probe | null {
  const cell = cellAt(maps.grid, x, y);
  if (cell < 0) return null;
  const k = maps.classes;
  const probs = Array.from(maps.probs.subarray(cell * k, (cell + 1) * k));
  const predicted = probs.reduce((best, p, i) => (p > (probs[best] ?? -Infinity) ? i : best), 0);
  return { x, y, probs, predicted, entropy: maps.entropy[cell] ?? NaN, mutualInformation: maps.mutualInformation[cell] ?? NaN };
}

/** 'class 0 0.912 · class 1 0.071 · ...; entropy 0.31 nats, mutual information 0.02 nats'. */
export function describeProbe(probe: Probe): string {
  const probs = probe.probs.map((p, i) => `class ${i} ${p.toFixed(3)}`).join(' · ');
  return `at (${probe.x.toFixed(2)}, ${probe.y.toFixed(2)}): ${probs}; entropy ${probe.entropy.toFixed(3)} nats, mutual information ${probe.mutualInformation.toFixed(3)} nats`;
}
