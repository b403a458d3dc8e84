/**
 * `kernel: 'calibrate'`: the joint path's kernel chosen by timing, not by the rule of
 * kernel-choice.ts. The rule was measured on SwiftShader; on a GPU the trade-offs invert and no GPU
 * has measured them, so a caller who predicts the same shape many times can let the adapter decide:
 * the first call of a shape class runs each kernel on it (CALIBRATION_SAMPLES samples, once to
 * compile and grow the scratch buffers, once timed), keeps the fastest for the device, and every
 * later call of that class goes straight to it.
 *
 * Every kernel draws the same weights for a sample (the Philox streams are keyed by the weight, not
 * by the thread that draws it), so the choice changes the time and the rounding of the sums, never
 * the Monte-Carlo draws: a calibrated call equals the same call with the chosen kernel named, bit
 * for bit.
 *
 * A shape class is what the kernels' relative cost depends on: the layers' shapes, dropout and
 * posterior kinds, the likelihood, the path's extras (y, per-sample outputs, quantiles), and the
 * number of inputs to the next power of two. Samples are left out: every kernel's cost grows
 * linearly in them. The cache lives as long as the device (a WeakMap keyed by it).
 */
import type { WebGpuDevice } from '../gpu/webgpu-types.js';
import type { ModelLayout } from '../model/gpu-layout.js';
import type { NamedKernel } from './types.js';

/** The kernels a calibration times, in the order it runs them. */
export const CALIBRATION_KERNELS: readonly NamedKernel[] = ['materialized', 'lanes', 'network', 'fused', 'registers', 'tiled', 'subgroups'];

/** Samples of each timed run: enough that a run is not dominated by its submit, few enough to cost a fraction of a default call (S = 1000). */
export const CALIBRATION_SAMPLES = 64;

/** What a calibration measured and chose for one shape class. */
export interface KernelCalibration {
  readonly kernel: NamedKernel;
  /** Milliseconds of the timed run of each kernel that fits the device (the ones a device limit refused are absent). */
  readonly timingsMs: Readonly<Partial<Record<NamedKernel, number>>>;
  /** The samples each timed run drew. */
  readonly samples: number;
}

/** The call's features that a calibration's result is valid for. */
export interface CalibrationShape {
  readonly n: number;
  readonly withY: boolean;
  readonly returnSamples: boolean;
  readonly withQuantiles: boolean;
}

const calibrations = new WeakMap<WebGpuDevice, Map<string, KernelCalibration>>();

/** The device's calibrations so far, by shape class (read-only view; for reports and tests). */
export function deviceCalibrations(device: WebGpuDevice): ReadonlyMap<string, KernelCalibration> {
  return calibrations.get(device) ?? new Map<string, KernelCalibration>();
}

/** Smallest power of two >= n. */
function inputBucket(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/** The shape class of a call (see the header). */
export function calibrationKey(layout: ModelLayout, shape: CalibrationShape): string {
  const layers = layout.layers.map((l) => `${l.inputs}x${l.units}${l.weightIsNormal ? 'n' : 'd'}${l.biasIsNormal ? 'n' : 'd'}${l.dropout > 0 ? 'm' : ''}`).join(',');
  const extras = `${shape.withY ? 'y' : ''}${shape.returnSamples ? 's' : ''}${shape.withQuantiles ? 'q' : ''}`;
  return `${layers}|${layout.likelihood}|N<=${inputBucket(shape.n)}|${extras}`;
}

/** The cached calibration of a shape class on the device, or null. */
export function cachedCalibration(device: WebGpuDevice, key: string): KernelCalibration | null {
  return calibrations.get(device)?.get(key) ?? null;
}

/** The fastest of the measured kernels (ties: the earlier in CALIBRATION_KERNELS). */
export function fastestKernel(timingsMs: KernelCalibration['timingsMs']): NamedKernel | null {
  let best: NamedKernel | null = null;
  for (const kernel of CALIBRATION_KERNELS) {
    const t = timingsMs[kernel];
    if (t === undefined) continue;
    if (best === null || t < (timingsMs[best] as number)) best = kernel;
  }
  return best;
}

/** Records a calibration for the device. */
export function storeCalibration(device: WebGpuDevice, key: string, calibration: KernelCalibration): void {
  let map = calibrations.get(device);
  if (!map) {
    map = new Map();
    calibrations.set(device, map);
  }
  map.set(key, calibration);
}
