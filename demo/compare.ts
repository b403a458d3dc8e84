/**
 * The side-by-side comparison's choices and measures, apart from the page (compare-view.ts draws
 * it): which two methods (`compare=hmc,vi`), where the gap in the data is, and the grid point
 * nearest an x.
 */
import { DEFAULT_COMPARISON, DEMO_METHODS, isDemoMethod, type DemoTrainMethod } from './regression-methods.js';

export type ComparisonPair = readonly [DemoTrainMethod, DemoTrainMethod];

/** 'hmc,vi' -> the two methods; a typo or a count other than two is an error naming the choices. */
export function parseComparison(text: string): ComparisonPair {
  const names = text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const unknown = names.filter((n) => !isDemoMethod(n));
  if (names.length !== 2 || unknown.length > 0) {
    throw new Error(`compare: expected two of ${DEMO_METHODS.join(', ')} separated by a comma (like '${DEFAULT_COMPARISON.join(',')}'), got '${text}'`);
  }
  return [names[0], names[1]] as unknown as ComparisonPair;
}

/** The middle of the widest interval between consecutive distinct x of the points, or null. */
export function widestGapCentre(xs: readonly number[]): number | null {
  const sorted = [...new Set(xs)].sort((a, b) => a - b);
  let best: number | null = null;
  let widest = -Infinity;
  for (let i = 1; i < sorted.length; i++) {
    const lo = sorted[i - 1] ?? NaN;
    const hi = sorted[i] ?? NaN;
    if (hi - lo > widest) {
      widest = hi - lo;
      best = (lo + hi) / 2;
    }
  }
  return best;
}

/** Index of the grid point nearest x. */
export function nearestIndex(xs: readonly number[], x: number): number {
  let best = 0;
  xs.forEach((g, i) => {
    if (Math.abs(g - x) < Math.abs((xs[best] ?? Infinity) - x)) best = i;
  });
  return best;
}
