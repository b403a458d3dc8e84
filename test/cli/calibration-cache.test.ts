/**
 * `predict --kernel calibrate` keeps its kernel calibrations in a cache file per adapter
 * (src/cli/calibration-cache.ts): the first run writes the choice, a later run uses what the file
 * says (a file edited to choose 'tiled' makes the run use 'tiled', which SwiftShader never picks by
 * timing), and a corrupt file costs a warning on stderr, not the prediction.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrationCacheDir, calibrationCacheFile } from '../../src/cli/calibration-cache.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';

type PredictJson = { kernels: string[]; mean: number[] };
const json = (text: string) => JSON.parse(text) as PredictJson;
const MODEL = fileURLToPath(new URL('../../models/pyro-toy1d.safetensors', import.meta.url));

describe('calibrationCacheDir', () => {
  it('WEBGPU_BNN_CACHE_DIR, then XDG_CACHE_HOME, then HOME/.cache, else none', () => {
    expect(calibrationCacheDir({ WEBGPU_BNN_CACHE_DIR: '/a', XDG_CACHE_HOME: '/b', HOME: '/c' })).toBe('/a');
    expect(calibrationCacheDir({ XDG_CACHE_HOME: '/b', HOME: '/c' })).toBe(join('/b', 'webgpu-bnn'));
    expect(calibrationCacheDir({ HOME: '/c' })).toBe(join('/c', '.cache', 'webgpu-bnn'));
    expect(calibrationCacheDir({})).toBeNull();
  });
});

describeGpu('predict --kernel calibrate and its cache', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-calibration-'));
    await writeFile(join(dir, 'x.csv'), `x\n${Array.from({ length: 20 }, (_, i) => (i / 5 - 2).toFixed(2)).join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const run = () =>
    cli(
      ['predict', MODEL, '--x', join(dir, 'x.csv'), '--samples', '40', '--path', 'joint', '--kernel', 'calibrate', '--json'],
      withGpu({ env: { WEBGPU_BNN_CACHE_DIR: join(dir, 'cache') } }),
    );
  const cacheFile = () => calibrationCacheFile(join(dir, 'cache'), gpu!);

  it('writes the choice, uses an edited file, and survives a corrupt one with a warning', async () => {
    const first = await run();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const kernels = json(first.stdout).kernels;
    const saved = JSON.parse(await readFile(cacheFile(), 'utf8')) as {
      adapter: unknown;
      entries: Record<string, { kernel: string; timingsMs: Record<string, number>; samples: number }>;
    };
    expect(saved.adapter).toEqual(gpu!.adapter);
    const [key, entry] = Object.entries(saved.entries).find(([k]) => k.startsWith('1x32')) ?? [];
    expect(key, Object.keys(saved.entries).join('; ')).toBeDefined();
    expect(kernels.every((k) => k === entry!.kernel)).toBe(true);

    // Edited to choose 'tiled': the next run uses it.
    saved.entries[key!] = { kernel: 'tiled', timingsMs: { ...entry!.timingsMs, tiled: 0.001 }, samples: 64 };
    await writeFile(cacheFile(), JSON.stringify(saved));
    const second = await run();
    expect(second.code).toBe(0);
    expect(json(second.stdout).kernels).toEqual(kernels.map(() => 'tiled'));

    // Corrupt: a warning, the prediction, and the file rewritten whole.
    await writeFile(cacheFile(), '{ not json');
    const third = await run();
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/warning: ignoring the kernel calibration cache .*kernel-calibrations-.*\.json/);
    for (const v of json(third.stdout).mean) expect(Number.isFinite(v)).toBe(true);
    expect((JSON.parse(await readFile(cacheFile(), 'utf8')) as { format: string }).format).toBe('webgpu-bnn kernel calibrations');
  });
});
