/**
 * Dispatch grids for kernels indexed by flat_index (shaders/kernels/common.ts): `threads` packed
 * densely into workgroups, the workgroup count folded into x and y so neither dimension passes
 * maxComputeWorkgroupsPerDimension. Shared by the inference encoder and the trainer.
 */
import { DeviceLimitError } from '../errors.js';

/** Workgroups needed for `threads` threads (at least one). */
export function workgroupsFor(threads: number, workgroupSize: number): number {
  return Math.max(1, Math.ceil(threads / workgroupSize));
}

/** The [x, y] grid of a flat_index kernel over `threads` threads. */
export function flatGrid(threads: number, workgroupSize: number, maxPerDimension: number): [number, number] {
  const groups = workgroupsFor(threads, workgroupSize);
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  if (y > maxPerDimension) throw new DeviceLimitError(`${threads} threads need a ${x}x${y} grid, beyond maxComputeWorkgroupsPerDimension (${maxPerDimension})`);
  return [x, y];
}
