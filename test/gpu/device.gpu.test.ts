/**
 * Device acquisition and loss: a lost device is reported to callers as DeviceLostError (never a
 * hang or a silent wrong answer), and an engine or trainer on it refuses further work; how the Node
 * context waits changes no result.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLostError } from '../../src/errors.js';
import { Engine } from '../../src/infer/engine.js';
import { createNodeContext } from '../../src/node/device.js';
import { train } from '../../src/train/trainer.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';

describeGpu('device loss', () => {
  it('reports the adapter and raised limits', () => {
    expect(gpu!.adapter.architecture.length + gpu!.adapter.description.length).toBeGreaterThan(0);
    expect(gpu!.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
  });

  it("predicts the same bits whether the context sleeps or spins while it waits (gpuWait 'sleep' / 'spin')", async () => {
    const model = buildModel({ inputDim: 2, units: [8, 1], seed: 5 });
    const x = Array.from({ length: 16 }, (_, i) => [i / 16, 1 - i / 16]);
    const results: Awaited<ReturnType<Engine['predict']>>[] = [];
    for (const gpuWait of ['sleep', 'spin'] as const) {
      const ctx = await createNodeContext({ gpuWait });
      try {
        const engine = Engine.create(ctx, model);
        results.push(await engine.predict(x, { samples: 64, seed: 3 }));
        engine.dispose();
      } finally {
        ctx.destroy();
      }
    }
    const [sleeping, spinning] = results;
    expect(sleeping?.mean.every(Number.isFinite)).toBe(true);
    expect(Array.from(sleeping?.mean ?? [])).toEqual(Array.from(spinning?.mean ?? []));
    expect(Array.from(sleeping?.std ?? [])).toEqual(Array.from(spinning?.std ?? []));
  });

  it('surfaces a lost device as DeviceLostError in predict and train', async () => {
    // A context of its own: losing it must not disturb the shared test device.
    const ctx = await createNodeContext();
    const engine = Engine.create(ctx, buildModel({ inputDim: 1, units: [4, 1], seed: 1 }));
    await engine.predict([[0.5]], { samples: 4 });
    ctx.destroy();
    const lost = await ctx.lost;
    expect(lost).toBeInstanceOf(DeviceLostError);
    await expect(engine.predict([[0.5]], { samples: 4 })).rejects.toBeInstanceOf(DeviceLostError);
    await expect(train(ctx, { inputDim: 1, hidden: [2], activation: 'tanh' }, { x: [[0], [1]], y: [0, 1] }, { method: 'map', epochs: 1 })).rejects.toBeInstanceOf(DeviceLostError);
    engine.dispose();
  });

  it('surfaces a device lost while training or predicting is in flight as DeviceLostError', async () => {
    const x = Array.from({ length: 64 }, (_, i) => [i / 64]);
    const y = x.map(([v]) => Math.sin(6 * (v as number)));
    const ctx = await createNodeContext();
    const training = train(
      ctx,
      { inputDim: 1, hidden: [8], activation: 'tanh' },
      { x, y },
      {
        method: 'map',
        epochs: 50,
        batchSize: 8,
        onProgress: ({ epoch }) => {
          if (epoch === 2) ctx.destroy();
        },
      },
    );
    await expect(training).rejects.toBeInstanceOf(DeviceLostError);

    const ctx2 = await createNodeContext();
    const engine = Engine.create(ctx2, buildModel({ inputDim: 1, units: [16, 1], seed: 3 }));
    await engine.predict([[0.5]], { samples: 4 });
    const predicting = engine.predict(x, { samples: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    ctx2.destroy();
    await expect(predicting).rejects.toBeInstanceOf(DeviceLostError);
    engine.dispose();
  });
});

describe('no adapter', () => {
  it('names the fix when there is no navigator.gpu or no adapter', async () => {
    const { createContext } = await import('../../src/gpu/device.js');
    const { GpuUnavailableError } = await import('../../src/errors.js');
    await expect(createContext(undefined)).rejects.toBeInstanceOf(GpuUnavailableError);
    await expect(createContext(undefined)).rejects.toThrow(/--enable-unsafe-webgpu/);
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    await expect(createContext(noAdapter, { fixHint: 'install chromium libvulkan1' })).rejects.toThrow(/no WebGPU adapter was found\. install chromium libvulkan1/);
    const throwing = { requestAdapter: () => Promise.reject(new Error('driver crashed')) } as unknown as GPU;
    await expect(createContext(throwing)).rejects.toBeInstanceOf(GpuUnavailableError);
  });
});
