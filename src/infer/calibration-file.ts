/**
 * Kernel calibrations kept beyond a device's life, per adapter: `saveKernelCalibrations(ctx)` gives
 * the device's calibrations (kernel-calibration.ts) as plain JSON-able data tagged with the adapter
 * that measured them; `loadKernelCalibrations(ctx, saved)` puts them back on another device of the
 * same adapter, so that a page (localStorage) or a server (a file) calibrates a shape class once per
 * adapter rather than once per device. Calibrations measured on another adapter are not loaded
 * (their times say nothing about this one); anything malformed is refused by name, since the data
 * comes back from storage a user or another program can edit.
 */
import { InvalidInputError } from '../errors.js';
import type { AdapterDescription, GpuContext } from '../gpu/device.js';
import { CALIBRATION_KERNELS, deviceCalibrations, storeCalibration, type KernelCalibration } from './kernel-calibration.js';
import type { NamedKernel } from './types.js';

export const CALIBRATIONS_FORMAT = 'webgpu-bnn kernel calibrations';
export const CALIBRATIONS_VERSION = 1;
/** Shape classes a saved set may hold, and the length of a key: far beyond real use, a bound on hostile input. */
const MAX_ENTRIES = 10000;
const MAX_KEY_LENGTH = 4096;

export interface SavedKernelCalibrations {
  readonly format: typeof CALIBRATIONS_FORMAT;
  readonly version: typeof CALIBRATIONS_VERSION;
  /** The adapter that measured them. */
  readonly adapter: AdapterDescription;
  /** By shape class (kernel-calibration.ts calibrationKey). */
  readonly entries: Readonly<Record<string, KernelCalibration>>;
}

/** The device's calibrations, tagged with its adapter (JSON.stringify-able). */
export function saveKernelCalibrations(ctx: GpuContext): SavedKernelCalibrations {
  return {
    format: CALIBRATIONS_FORMAT,
    version: CALIBRATIONS_VERSION,
    adapter: { ...ctx.adapter },
    entries: Object.fromEntries(deviceCalibrations(ctx.device)),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKernel(value: unknown): value is NamedKernel {
  return typeof value === 'string' && (CALIBRATION_KERNELS as readonly string[]).includes(value);
}

function readEntry(key: string, value: unknown): KernelCalibration {
  const where = `kernel calibrations: entry '${key.slice(0, 80)}'`;
  if (!isRecord(value)) throw new InvalidInputError(`${where} is not an object`);
  const { kernel, timingsMs, samples } = value;
  if (!isKernel(kernel)) throw new InvalidInputError(`${where}: kernel must be one of ${CALIBRATION_KERNELS.join(', ')}, got ${JSON.stringify(kernel)}`);
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) throw new InvalidInputError(`${where}: samples must be a positive integer, got ${String(samples)}`);
  if (!isRecord(timingsMs)) throw new InvalidInputError(`${where}: timingsMs is not an object`);
  const timings: Partial<Record<NamedKernel, number>> = {};
  for (const [name, ms] of Object.entries(timingsMs)) {
    if (!isKernel(name)) throw new InvalidInputError(`${where}: unknown kernel '${name.slice(0, 40)}' in timingsMs`);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0)
      throw new InvalidInputError(`${where}: the time of '${name}' must be a finite number of ms >= 0, got ${String(ms)}`);
    timings[name] = ms;
  }
  if (timings[kernel] === undefined) throw new InvalidInputError(`${where}: the chosen kernel '${kernel}' has no time`);
  return { kernel, timingsMs: timings, samples };
}

function sameAdapter(a: AdapterDescription, b: Record<string, unknown>): boolean {
  return a.vendor === b['vendor'] && a.architecture === b['architecture'] && a.device === b['device'] && a.description === b['description'];
}

/**
 * Loads saved calibrations onto the context's device (replacing any of the same shape classes) and
 * returns how many it loaded: 0 when they were measured on another adapter. Entries that choose
 * 'subgroups' are skipped on a device without the feature. InvalidInputError for anything
 * malformed, nothing loaded then.
 */
export function loadKernelCalibrations(ctx: GpuContext, saved: unknown): number {
  if (!isRecord(saved)) throw new InvalidInputError('kernel calibrations must be an object (what saveKernelCalibrations returned)');
  if (saved['format'] !== CALIBRATIONS_FORMAT) throw new InvalidInputError(`kernel calibrations: format must be '${CALIBRATIONS_FORMAT}', got ${JSON.stringify(saved['format'])}`);
  if (saved['version'] !== CALIBRATIONS_VERSION)
    throw new InvalidInputError(`kernel calibrations: version ${String(saved['version'])} is not supported (this version reads ${CALIBRATIONS_VERSION})`);
  const adapter = saved['adapter'];
  if (!isRecord(adapter) || !['vendor', 'architecture', 'device', 'description'].every((k) => typeof adapter[k] === 'string')) {
    throw new InvalidInputError('kernel calibrations: adapter must be an object of strings vendor, architecture, device and description');
  }
  const entries = saved['entries'];
  if (!isRecord(entries)) throw new InvalidInputError('kernel calibrations: entries is not an object');
  const keys = Object.keys(entries);
  if (keys.length > MAX_ENTRIES) throw new InvalidInputError(`kernel calibrations: ${keys.length} entries, more than ${MAX_ENTRIES}`);
  const parsed = keys.map((key): [string, KernelCalibration] => {
    if (key.length > MAX_KEY_LENGTH) throw new InvalidInputError(`kernel calibrations: a key of ${key.length} characters, longer than ${MAX_KEY_LENGTH}`);
    return [key, readEntry(key, entries[key])];
  });
  if (!sameAdapter(ctx.adapter, adapter)) return 0;
  let loaded = 0;
  for (const [key, calibration] of parsed) {
    if (calibration.kernel === 'subgroups' && !ctx.hasSubgroups) continue;
    storeCalibration(ctx.device, key, calibration);
    loaded++;
  }
  return loaded;
}
