/**
 * `kernel: 'calibrate'` (src/infer/kernel-calibration.ts): the first call of a shape class times
 * every joint-path kernel and keeps the fastest for the device; later calls of the class reuse it.
 * - A calibrated call is the same call with the chosen kernel named, bit for bit (same draws, same
 *   kernel), and its function samples equal the float64 oracle's within the derived bounds.
 * - The calibration records a finite positive time for every kernel that fits and chooses the
 *   fastest; a kernel a device limit refuses (registers beyond 4096 inputs) is left out, not fatal.
 * - The cache is per shape class: more samples reuse it, a number of inputs in another power-of-two
 *   bucket calibrates again, the marginal path (named) calibrates nothing.
 * - Saved calibrations (calibration-file.ts) round-trip through JSON and are what predict runs once
 *   loaded; another adapter's are not loaded; malformed or hostile data is refused by name.
 * Host-side helpers (the key, the choice among timings) are checked without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError, InvalidInputError } from '../../src/errors.js';
import { CALIBRATIONS_FORMAT, CALIBRATIONS_VERSION, loadKernelCalibrations, saveKernelCalibrations } from '../../src/infer/calibration-file.js';
import { Engine } from '../../src/infer/engine.js';
import { CALIBRATION_KERNELS, CALIBRATION_SAMPLES, calibrationKey, deviceCalibrations, fastestKernel } from '../../src/infer/kernel-calibration.js';
import { NETWORK_MAX_UNITS } from '../../src/kernels/infer/dense-network.js';
import { buildModelLayout } from '../../src/model/gpu-layout.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { expectAllClose } from '../support/all-close.js';
import { sampleBounds } from '../support/error-bound.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs } from '../support/model-builders.js';

describe('calibration helpers', () => {
  it('fastestKernel takes the smallest time, the earlier kernel on a tie, null when none was measured', () => {
    expect(fastestKernel({ materialized: 5, fused: 2, registers: 3, tiled: 9 })).toBe('fused');
    expect(fastestKernel({ registers: 2, fused: 2 })).toBe('fused');
    expect(fastestKernel({ tiled: 1 })).toBe('tiled');
    expect(fastestKernel({})).toBeNull();
  });

  it('the shape class buckets N by powers of two and separates layers, dropout and extras', () => {
    const layout = buildModelLayout(buildModel({ inputDim: 3, units: [8, 1], seed: 1 }));
    const shape = { n: 100, withY: false, returnSamples: false, withQuantiles: false };
    const key = calibrationKey(layout, shape);
    expect(calibrationKey(layout, { ...shape, n: 128 })).toBe(key);
    expect(calibrationKey(layout, { ...shape, n: 129 })).not.toBe(key);
    expect(calibrationKey(layout, { ...shape, withY: true })).not.toBe(key);
    expect(calibrationKey(layout, { ...shape, returnSamples: true })).not.toBe(key);
    expect(calibrationKey(layout, { ...shape, withQuantiles: true })).not.toBe(key);
    expect(calibrationKey(buildModelLayout(buildModel({ inputDim: 3, units: [9, 1], seed: 1 })), shape)).not.toBe(key);
    expect(calibrationKey(buildModelLayout(buildModel({ inputDim: 3, units: [8, 1], dropout: [0.2, 0], seed: 1 })), shape)).not.toBe(key);
  });
});

describeGpu("kernel 'calibrate' on the GPU", () => {
  const ctx = gpu!;

  it('times every kernel, keeps the fastest, and answers as the chosen kernel named (bit for bit, and the oracle within bounds)', async () => {
    const model = buildModel({ inputDim: 5, units: [12, 7, 1], dropout: [0.1, 0.2, 0], seed: 31 });
    const x = randomInputs(20, 5, 3);
    const engine = Engine.create(ctx, model);
    const before = new Set(deviceCalibrations(ctx.device).keys());
    const calibrated = await engine.predict(x, { samples: 100, seed: 4, returnSamples: true, kernel: 'calibrate' });
    const added = [...deviceCalibrations(ctx.device)].filter(([k]) => !before.has(k));
    expect(added).toHaveLength(1);
    const [, calibration] = added[0]!;
    expect(calibration.samples).toBe(CALIBRATION_SAMPLES);
    for (const kernel of CALIBRATION_KERNELS) {
      const t = calibration.timingsMs[kernel];
      expect(t, kernel).toBeDefined();
      expect(Number.isFinite(t) && t! > 0, `${kernel}: ${t} ms`).toBe(true);
    }
    expect(calibration.kernel).toBe(fastestKernel(calibration.timingsMs));
    // The result names the kernel every layer ran: the calibrated choice.
    expect(calibrated.kernels).toEqual([calibration.kernel, calibration.kernel, calibration.kernel]);
    const named = await engine.predict(x, { samples: 100, seed: 4, returnSamples: true, kernel: calibration.kernel });
    expect(Array.from(calibrated.fSamples!)).toEqual(Array.from(named.fSamples!));
    expect(Array.from(calibrated.mean)).toEqual(Array.from(named.mean));
    expect(Array.from(calibrated.std)).toEqual(Array.from(named.std));
    const bounds = sampleBounds(model, x, { samples: 100, seed: 4, path: 'joint' });
    expectAllClose(calibrated.fSamples!, oracleSamples(model, x, { samples: 100, seed: 4, path: 'joint' }).f, bounds.fBound, 'calibrated f samples');

    // Same class (more samples, another seed): no new calibration, the same object reused.
    const size = deviceCalibrations(ctx.device).size;
    const again = await engine.predict(x, { samples: 300, seed: 5, returnSamples: true, kernel: 'calibrate' });
    expect(deviceCalibrations(ctx.device).size).toBe(size);
    expect(deviceCalibrations(ctx.device).get(added[0]![0])).toBe(calibration);
    for (const v of again.mean) expect(Number.isFinite(v)).toBe(true);
    // Another N bucket calibrates again; the marginal path, named, calibrates nothing.
    await engine.predict(randomInputs(40, 5, 4), { samples: 10, returnSamples: true, kernel: 'calibrate' });
    expect(deviceCalibrations(ctx.device).size).toBe(size + 1);
    const marginal = await engine.predict(x, { samples: 10, path: 'marginal', kernel: 'calibrate' });
    expect(marginal.path).toBe('marginal');
    expect(marginal.kernels).toEqual(['marginal', 'marginal', 'marginal']);
    expect(deviceCalibrations(ctx.device).size).toBe(size + 1);
    engine.dispose();
  });

  it('leaves out a kernel that a device limit refuses (registers beyond 4096 inputs) and still chooses', async () => {
    const model = buildModel({ inputDim: 4100, units: [1], posterior: 'delta', seed: 2 });
    const x = randomInputs(3, 4100, 5);
    const engine = Engine.create(ctx, model);
    const before = new Set(deviceCalibrations(ctx.device).keys());
    const r = await engine.predict(x, { samples: 8, y: [0, 0, 0], kernel: 'calibrate' });
    for (const v of r.mean) expect(Number.isFinite(v)).toBe(true);
    const added = [...deviceCalibrations(ctx.device)].filter(([k]) => !before.has(k));
    expect(added).toHaveLength(1);
    const calibration = added[0]![1];
    expect(calibration.timingsMs.registers).toBeUndefined();
    expect(calibration.kernel).not.toBe('registers');
    expect(calibration.kernel).toBe(fastestKernel(calibration.timingsMs));
    expect(r.kernels).toEqual([calibration.kernel]);
    engine.dispose();
  });

  it("reports 'auto' resolved per layer, a named kernel as named, and an ensemble's first member's", async () => {
    const model = buildModel({ inputDim: 3, units: [6, 1], seed: 9 });
    const x = randomInputs(10, 3, 2);
    const engine = Engine.create(ctx, model);
    // On this CPU adapter 'auto' materialises and runs a model this narrow in the network kernel (kernel-choice.ts).
    expect((await engine.predict(x, { samples: 4, path: 'joint' })).kernels).toEqual(['network', 'network']);
    expect((await engine.predict(x, { samples: 4, path: 'joint', kernel: 'registers' })).kernels).toEqual(['registers', 'registers']);
    engine.dispose();
    // One unit past the network kernel's widest layer: 'auto' runs the layer-by-layer lanes matmul, and the network kernel by name is refused.
    const wide = Engine.create(ctx, buildModel({ inputDim: 3, units: [NETWORK_MAX_UNITS + 1, 1], seed: 9 }));
    expect((await wide.predict(x, { samples: 4, path: 'joint' })).kernels).toEqual(['lanes', 'lanes']);
    await expect(wide.predict(x, { samples: 4, kernel: 'network' })).rejects.toThrow(/layer 0 has 65 units, beyond the network kernel's 64/);
    await expect(wide.predict(x, { samples: 4, kernel: 'network' })).rejects.toBeInstanceOf(DeviceLimitError);
    wide.dispose();
    const ensemble = Engine.create(ctx, [buildModel({ inputDim: 3, units: [6, 1], seed: 1 }), buildModel({ inputDim: 3, units: [6, 1], seed: 2 })]);
    expect((await ensemble.predict(x, { samples: 4, path: 'joint', kernel: 'fused' })).kernels).toEqual(['fused', 'fused']);
    ensemble.dispose();
  });
});

describeGpu('kernel calibrations saved and loaded per adapter', () => {
  const ctx = gpu!;
  const model = buildModel({ inputDim: 4, units: [9, 1], seed: 21 });
  const layout = buildModelLayout(model);
  const x = randomInputs(6, 4, 8);
  // A shape class no other test here calibrates: 6 inputs (bucket 8), no extras.
  const key = calibrationKey(layout, { n: 6, withY: false, returnSamples: false, withQuantiles: false });
  const entry = { kernel: 'tiled', timingsMs: { materialized: 9, tiled: 1.5, fused: 3 }, samples: 64 } as const;
  const saved = (entries: Record<string, unknown>, adapter: object = ctx.adapter) => ({ format: CALIBRATIONS_FORMAT, version: CALIBRATIONS_VERSION, adapter, entries });

  it('a saved set round-trips through JSON, and a loaded choice is what predict runs, with no new timing', async () => {
    expect(loadKernelCalibrations(ctx, JSON.parse(JSON.stringify(saved({ [key]: entry }))))).toBe(1);
    expect(deviceCalibrations(ctx.device).get(key)).toEqual(entry);
    const size = deviceCalibrations(ctx.device).size;
    const engine = Engine.create(ctx, model);
    const r = await engine.predict(x, { samples: 8, path: 'joint', kernel: 'calibrate' });
    engine.dispose();
    // 'tiled' is never the fastest on SwiftShader: running it shows the loaded entry was used.
    expect(r.kernels).toEqual(['tiled', 'tiled']);
    expect(deviceCalibrations(ctx.device).size).toBe(size);
    const again = saveKernelCalibrations(ctx);
    expect(again.adapter).toEqual(ctx.adapter);
    expect(again.entries[key]).toEqual(entry);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
  });

  it('calibrations of another adapter are not loaded', () => {
    const other = { ...ctx.adapter, description: `${ctx.adapter.description} (another)` };
    expect(loadKernelCalibrations(ctx, saved({ 'other|key': entry }, other))).toBe(0);
    expect(deviceCalibrations(ctx.device).has('other|key')).toBe(false);
  });

  it('refuses malformed or hostile data by name and loads nothing', () => {
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [[], /must be an object/],
      [{ ...saved({}), format: 'x' }, /format must be/],
      [{ ...saved({}), version: 2 }, /version 2 is not supported/],
      [{ ...saved({}), adapter: { vendor: 1 } }, /adapter must be an object of strings/],
      [{ ...saved({}), entries: [] }, /entries is not an object/],
      [saved({ k: { ...entry, kernel: 'magic' } }), /kernel must be one of/],
      [saved({ k: { ...entry, samples: 0 } }), /samples must be a positive integer/],
      [saved({ k: { ...entry, samples: 2.5 } }), /samples must be a positive integer/],
      [saved({ k: { ...entry, timingsMs: { tiled: Number.NaN } } }), /finite number of ms/],
      [saved({ k: { ...entry, timingsMs: { tiled: -1 } } }), /finite number of ms/],
      [saved({ k: { ...entry, timingsMs: { tiled: 1, warp: 2 } } }), /unknown kernel 'warp'/],
      [saved({ k: { ...entry, timingsMs: { fused: 1 } } }), /the chosen kernel 'tiled' has no time/],
      [saved({ k: 3 }), /is not an object/],
      [saved({ ['x'.repeat(5000)]: entry }), /longer than 4096/],
      [saved(Object.fromEntries(Array.from({ length: 10001 }, (_, i) => [`k${i}`, entry]))), /more than 10000/],
    ];
    for (const [input, message] of cases) {
      const before = deviceCalibrations(ctx.device).size;
      expect(() => loadKernelCalibrations(ctx, input), String(message)).toThrow(InvalidInputError);
      expect(() => loadKernelCalibrations(ctx, input)).toThrow(message);
      expect(deviceCalibrations(ctx.device).size).toBe(before);
    }
    // A valid entry beside a malformed one: nothing loaded.
    expect(() => loadKernelCalibrations(ctx, saved({ good: entry, bad: { ...entry, kernel: 'magic' } }))).toThrow(InvalidInputError);
    expect(deviceCalibrations(ctx.device).has('good')).toBe(false);
  });

  it("skips an entry that chooses 'subgroups' on a device without the feature", () => {
    const without = { ...ctx, hasSubgroups: false };
    const sub = { kernel: 'subgroups', timingsMs: { subgroups: 1 }, samples: 64 };
    expect(loadKernelCalibrations(without, saved({ 'sub|a': sub, 'tiled|a': entry }))).toBe(1);
    expect(deviceCalibrations(ctx.device).has('sub|a')).toBe(false);
    expect(deviceCalibrations(ctx.device).has('tiled|a')).toBe(true);
  });
});
