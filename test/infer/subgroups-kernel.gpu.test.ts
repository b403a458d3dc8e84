/**
 * `kernel: 'subgroups'` (shaders/infer/dense-subgroups.wgsl): the materialised matmul with each
 * weight loaded once per subgroup and handed round by subgroupShuffle.
 * - It sums in the materialised kernel's order with the same expressions, so its function samples
 *   are the materialised kernel's bit for bit: over input counts that give 1, 2, 4 and 8 inputs per
 *   thread, rows past the chunk's last input, several sample and input chunks, odd layer widths
 *   (padded rows and columns), dropout masks and a heteroscedastic head; and the float64 oracle's
 *   within the derived bounds.
 * - Without the device feature it is refused with a DeviceLimitError naming it, not compiled.
 * The device here (SwiftShader) has subgroups of 4 lanes, so each shuffle round covers one column;
 * rounds of several columns (subgroups of 8 or more lanes) run only on GPUs.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLimitError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import { subgroupsInputsPerThread } from '../../src/kernels/infer/dense.js';
import { oracleSamples } from '../../src/reference/forward.js';
import { expectAllClose } from '../support/all-close.js';
import { sampleBounds } from '../support/error-bound.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel, randomInputs } from '../support/model-builders.js';

describe('subgroupsInputsPerThread', () => {
  it('fills a 64-thread workgroup with one sample’s inputs, 1 to 8 a thread', () => {
    expect([1, 64, 127, 128, 255, 256, 511, 512, 4096].map(subgroupsInputsPerThread)).toEqual([1, 1, 1, 2, 2, 4, 4, 8, 8]);
  });
});

describeGpu("kernel 'subgroups' on the GPU", () => {
  const ctx = gpu!;

  it('runs on a device created with the feature (the adapter here offers it)', () => {
    expect(ctx.hasSubgroups).toBe(true);
    expect(ctx.device.features.has('subgroups')).toBe(true);
  });

  const cases = [
    { label: '1 input (a thread of 64 busy)', n: 1, chunk: {} },
    { label: '70 inputs (1 a thread, 2 workgroups a sample)', n: 70, chunk: {} },
    { label: '131 inputs (2 a thread, the last thread partly past the end)', n: 131, chunk: {} },
    { label: '300 inputs (4 a thread)', n: 300, chunk: {} },
    { label: '600 inputs (8 a thread)', n: 600, chunk: {} },
    { label: '300 inputs in chunks of 7 samples and 100 inputs', n: 300, chunk: { maxSamplesPerChunk: 7, maxInputsPerChunk: 100 } },
  ] as const;
  for (const c of cases) {
    it(`equals the materialised kernel bit for bit and the oracle within bounds: ${c.label}`, async () => {
      const model = buildModel({ inputDim: 5, units: [13, 6, 1], dropout: [0.1, 0.2, 0], seed: 7 });
      const x = randomInputs(c.n, 5, 11);
      const engine = Engine.create(ctx, model, c.chunk);
      try {
        const options = { samples: 19, seed: 3, returnSamples: true, path: 'joint' } as const;
        const shared = await engine.predict(x, { ...options, kernel: 'subgroups' });
        const materialized = await engine.predict(x, { ...options, kernel: 'materialized' });
        expect(shared.fSamples).toBeDefined();
        expect(Array.from(shared.fSamples!)).toEqual(Array.from(materialized.fSamples!));
        expect(Array.from(shared.mean)).toEqual(Array.from(materialized.mean));
        expect(Array.from(shared.std)).toEqual(Array.from(materialized.std));
        const bounds = sampleBounds(model, x, { samples: 19, seed: 3, path: 'joint' });
        expectAllClose(shared.fSamples!, oracleSamples(model, x, { samples: 19, seed: 3, path: 'joint' }).f, bounds.fBound, 'subgroups f samples');
      } finally {
        engine.dispose();
      }
    });
  }

  it('a wide layer (70 inputs, 37 units) with a heteroscedastic head: the materialised bits', async () => {
    const model = buildModel({ inputDim: 70, units: [37, 2], noise: { kind: 'heteroscedastic', minScale: 1e-3 }, seed: 12 });
    const x = randomInputs(129, 70, 5);
    const engine = Engine.create(ctx, model);
    try {
      const options = { samples: 5, seed: 8, returnSamples: true, path: 'joint' } as const;
      const shared = await engine.predict(x, { ...options, kernel: 'subgroups' });
      const materialized = await engine.predict(x, { ...options, kernel: 'materialized' });
      expect(Array.from(shared.fSamples!)).toEqual(Array.from(materialized.fSamples!));
      expect(Array.from(shared.scaleSamples!)).toEqual(Array.from(materialized.scaleSamples!));
      for (const v of shared.std) expect(Number.isFinite(v)).toBe(true);
    } finally {
      engine.dispose();
    }
  });

  it('is refused with a DeviceLimitError naming the feature on a device without it', async () => {
    const without = { ...ctx, hasSubgroups: false };
    const engine = Engine.create(without, buildModel({ inputDim: 3, units: [4, 1], seed: 2 }));
    try {
      const call = engine.predict(randomInputs(8, 3, 1), { samples: 4, path: 'joint', kernel: 'subgroups' });
      await expect(call).rejects.toThrow(DeviceLimitError);
      await expect(engine.predict(randomInputs(8, 3, 1), { samples: 4, path: 'joint', kernel: 'subgroups' })).rejects.toThrow(/'subgroups' feature/);
      // The engine stays usable.
      const r = await engine.predict(randomInputs(8, 3, 1), { samples: 4, path: 'joint', kernel: 'materialized' });
      for (const v of r.mean) expect(Number.isFinite(v)).toBe(true);
    } finally {
      engine.dispose();
    }
  });
});
