/**
 * `predict --kernel calibrate` across runs: the kernel calibrations (src/infer/calibration-file.ts)
 * kept in a cache file per adapter, so that a shape class is timed on the first run and later runs
 * go straight to its kernel. The folder: WEBGPU_BNN_CACHE_DIR, else $XDG_CACHE_HOME/webgpu-bnn,
 * else ~/.cache/webgpu-bnn. A cache is an optimisation, so a file that cannot be read, parsed or
 * written costs a one-line warning on stderr, never the prediction.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GpuContext } from '../gpu/device.js';
import { loadKernelCalibrations, saveKernelCalibrations } from '../infer/calibration-file.js';
import type { CliIo } from './io.js';

/** The cache folder from the environment, or null when none can be named. */
export function calibrationCacheDir(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env['WEBGPU_BNN_CACHE_DIR']) return env['WEBGPU_BNN_CACHE_DIR'];
  if (env['XDG_CACHE_HOME']) return join(env['XDG_CACHE_HOME'], 'webgpu-bnn');
  if (env['HOME']) return join(env['HOME'], '.cache', 'webgpu-bnn');
  return null;
}

/** The adapter's cache file: one per adapter, named after it (letters, digits and dashes). */
export function calibrationCacheFile(dir: string, ctx: GpuContext): string {
  const a = ctx.adapter;
  const name = `${a.vendor}-${a.architecture}-${a.device}-${a.description}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 100);
  return join(dir, `kernel-calibrations-${name || 'adapter'}.json`);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads the adapter's cached calibrations onto the device, if there are any. */
export async function loadCalibrationCache(io: CliIo, ctx: GpuContext): Promise<void> {
  const dir = calibrationCacheDir(io.env ?? {});
  if (dir === null) return;
  const file = calibrationCacheFile(dir, ctx);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') io.stderr(`webgpu-bnn: warning: cannot read the kernel calibration cache ${file}: ${reason(error)}\n`);
    return;
  }
  try {
    loadKernelCalibrations(ctx, JSON.parse(text));
  } catch (error) {
    io.stderr(`webgpu-bnn: warning: ignoring the kernel calibration cache ${file}: ${reason(error)}\n`);
  }
}

/** Writes the device's calibrations to the adapter's cache file. */
export async function saveCalibrationCache(io: CliIo, ctx: GpuContext): Promise<void> {
  const dir = calibrationCacheDir(io.env ?? {});
  if (dir === null) return;
  const file = calibrationCacheFile(dir, ctx);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, `${JSON.stringify(saveKernelCalibrations(ctx), null, 1)}\n`);
  } catch (error) {
    io.stderr(`webgpu-bnn: warning: cannot write the kernel calibration cache ${file}: ${reason(error)}\n`);
  }
}
