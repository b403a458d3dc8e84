/**
 * `kernel: 'calibrate'` (src/infer/kernel-calibration.ts): the first call of a shape class times
 * every joint-path kernel and keeps the fastest for the device; later calls of the class reuse it.
 * - A calibrated call is the same call with the chosen kernel named, bit for bit (same draws, same
 *   kernel), and its function samples equal the float64 oracle's within the derived bounds.
 * - The calibration records a finite positive time for every kernel that fits and chooses the
 *   fastest; a kernel a device limit refuses (registers beyond 4096 inputs) is left out, not fatal.
 * - The cache is per shape class: more samples reuse it, a number of inputs in another power-of-two
 *   bucket calibrates again, the marginal path (named) calibrates nothing.
 * Host-side helpers (the key, the choice among timings) are checked without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { CALIBRATION_KERNELS, CALIBRATION_SAMPLES, calibrationKey, deviceCalibrations, fastestKernel } from '../../src/infer/kernel-calibration.js';
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
    // On this CPU adapter 'auto' materialises (kernel-choice.ts).
    expect((await engine.predict(x, { samples: 4, path: 'joint' })).kernels).toEqual(['materialized', 'materialized']);
    expect((await engine.predict(x, { samples: 4, path: 'joint', kernel: 'registers' })).kernels).toEqual(['registers', 'registers']);
    engine.dispose();
    const ensemble = Engine.create(ctx, [buildModel({ inputDim: 3, units: [6, 1], seed: 1 }), buildModel({ inputDim: 3, units: [6, 1], seed: 2 })]);
    expect((await ensemble.predict(x, { samples: 4, path: 'joint', kernel: 'fused' })).kernels).toEqual(['fused', 'fused']);
    ensemble.dispose();
  });
});
