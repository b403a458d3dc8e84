/** Small helpers shared by the benchmark scripts (bench/) and the benchmark page. */
import type { AdapterDescription } from '../../src/gpu/device.js';

/** Median of the values (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** One line naming the adapter, as every benchmark prints it. */
export function adapterLine(adapter: AdapterDescription): string {
  const { vendor, architecture, description, device } = adapter;
  return `adapter: ${description || device || 'unknown'} (vendor ${vendor || '?'}, architecture ${architecture || '?'})`;
}
