/**
 * The three images of the classification page, from a classifier's prediction on the grid (pure:
 * G × G RGBA pixels, one per cell, in the grid's cell order):
 * - decision regions: each cell in its most probable class's colour, faded by that probability;
 * - predictive entropy H[p̄] (total uncertainty) on [0, ln K], the most it can be;
 * - mutual information (epistemic uncertainty, BALD) on [0, its largest value on the grid], since
 *   it is usually far below ln K; at least MI_SCALE_FLOOR, so a model with none (MAP) is not noise
 *   blown up.
 */
import type { ClassMaps } from './class-grid.js';
import { heatColour, regionColour, type Rgb } from './colour-maps.js';

export type MapName = 'regions' | 'entropy' | 'mi';

/** The top of the mutual-information scale is at least this (nats). */
export const MI_SCALE_FLOOR = 0.01;

export interface HeatScale {
  readonly min: number;
  readonly max: number;
}

export interface MapImages {
  readonly size: number;
  readonly regions: Uint8ClampedArray;
  readonly entropy: Uint8ClampedArray;
  readonly mi: Uint8ClampedArray;
  readonly entropyScale: HeatScale;
  readonly miScale: HeatScale;
}

function put(out: Uint8ClampedArray, cell: number, [r, g, b]: Rgb): void {
  out[4 * cell] = r;
  out[4 * cell + 1] = g;
  out[4 * cell + 2] = b;
  out[4 * cell + 3] = 255;
}

/** The largest finite value (0 when there is none). */
function finiteMax(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (Number.isFinite(v) && v > max) max = v;
  }
  return max;
}

export function heatImage(values: ArrayLike<number>, scale: HeatScale): Uint8ClampedArray {
  const out = new Uint8ClampedArray(4 * values.length);
  const span = scale.max - scale.min;
  for (let i = 0; i < values.length; i++) put(out, i, heatColour(((values[i] ?? NaN) - scale.min) / span));
  return out;
}

export function regionImage(probs: Float32Array, classes: number): Uint8ClampedArray {
  const cells = probs.length / classes;
  const out = new Uint8ClampedArray(4 * cells);
  for (let i = 0; i < cells; i++) put(out, i, regionColour(probs.subarray(i * classes, (i + 1) * classes)));
  return out;
}

export function mapImages(maps: ClassMaps): MapImages {
  const entropyScale = { min: 0, max: Math.log(maps.classes) };
  const miScale = { min: 0, max: Math.max(MI_SCALE_FLOOR, finiteMax(maps.mutualInformation)) };
  return {
    size: maps.grid.size,
    regions: regionImage(maps.probs, maps.classes),
    entropy: heatImage(maps.entropy, entropyScale),
    mi: heatImage(maps.mutualInformation, miScale),
    entropyScale,
    miScale,
  };
}
