/**
 * The Node context's waits (src/node/gpu-wait.ts): a sleeping wait hands back exactly what it
 * waited for (values, rejections, several waits at once), sleeps in slices only while a wait is
 * pending (no sleep loop left behind), and 'auto' sleeps on CPU adapters only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { createNodeContext } from '../../src/node/device.js';
import { GPU_WAIT_SLICE_MS, nodeWaitFor, sleepingWaitFor } from '../../src/node/gpu-wait.js';

const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'swiftshader-device-subzero-', description: 'SwiftShader driver 5.0.0' };
const NVIDIA = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200' };

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sleepingWaitFor', () => {
  it('resolves to the value and rejects with the error of what it waits for, several at once', async () => {
    const waitFor = sleepingWaitFor();
    const failure = new Error('mapAsync failed');
    const [a, b, c] = await Promise.allSettled([waitFor(later(5, 'a')), waitFor(later(15, 42)), waitFor(later(10, null).then(() => Promise.reject(failure)))]);
    expect(a).toEqual({ status: 'fulfilled', value: 'a' });
    expect(b).toEqual({ status: 'fulfilled', value: 42 });
    expect(c).toEqual({ status: 'rejected', reason: failure });
  });

  it('sleeps a slice per turn of the event loop while a wait is pending, and stops when none is', async () => {
    const sleep = vi.spyOn(Atomics, 'wait');
    const waitFor = sleepingWaitFor();
    const started = performance.now();
    await waitFor(later(30, 0));
    const elapsed = performance.now() - started;
    const during = sleep.mock.calls.length;
    // Each call sleeps one slice (nothing notifies the cell): at least one, at most one per slice elapsed (+1 for the last turn).
    expect(during).toBeGreaterThanOrEqual(1);
    expect(during).toBeLessThanOrEqual(Math.ceil(elapsed / GPU_WAIT_SLICE_MS) + 1);
    for (const call of sleep.mock.calls) expect(call[3]).toBe(GPU_WAIT_SLICE_MS);
    // No wait pending: the loop has ended, whatever the event loop does next.
    await turns(20);
    expect(sleep.mock.calls.length).toBeLessThanOrEqual(during + 1);
    const settled = sleep.mock.calls.length;
    await turns(20);
    expect(sleep.mock.calls.length).toBe(settled);
  });

  it('runs one sleep loop however many waits overlap, and restarts it for the next wait', async () => {
    const sleep = vi.spyOn(Atomics, 'wait');
    const waitFor = sleepingWaitFor();
    const started = performance.now();
    await Promise.all(Array.from({ length: 8 }, (_, i) => waitFor(later(20 + i, i))));
    const elapsed = performance.now() - started;
    expect(sleep.mock.calls.length).toBeLessThanOrEqual(Math.ceil(elapsed / GPU_WAIT_SLICE_MS) + 1);
    await turns(5);
    const before = sleep.mock.calls.length;
    await waitFor(later(10, 0));
    expect(sleep.mock.calls.length).toBeGreaterThan(before);
  });

  it('refuses a slice outside (0, 100] ms', () => {
    expect(() => sleepingWaitFor(0)).toThrow(InvalidInputError);
    expect(() => sleepingWaitFor(Number.NaN)).toThrow(InvalidInputError);
    expect(() => sleepingWaitFor(1000)).toThrow(/sleep slice/);
  });
});

describe('nodeWaitFor', () => {
  it("'auto' sleeps on a CPU adapter and hands a GPU's promise back as it is; 'spin' and 'sleep' are what they say", async () => {
    const pending = later(1, 7);
    expect(nodeWaitFor('auto', NVIDIA)(pending)).toBe(pending);
    expect(nodeWaitFor('spin', SWIFTSHADER)(pending)).toBe(pending);
    const sleep = vi.spyOn(Atomics, 'wait');
    expect(nodeWaitFor('auto', SWIFTSHADER)(pending)).not.toBe(pending);
    await expect(nodeWaitFor('sleep', NVIDIA)(later(5, 8))).resolves.toBe(8);
    expect(sleep).toHaveBeenCalled();
  });

  it('createNodeContext refuses an unknown gpuWait before it opens a device', async () => {
    await expect(createNodeContext({ gpuWait: 'nap' as never })).rejects.toThrow(InvalidInputError);
    await expect(createNodeContext({ gpuWait: 'nap' as never })).rejects.toThrow(/unknown gpuWait 'nap' \(expected auto, spin, sleep\)/);
  });
});
