/**
 * The one GPU fixture of the tests: one WebGPU context per test file (Dawn in Node, SwiftShader
 * where there is no GPU), the skip logic, and a guard around every GPU test.
 *
 * - Without an adapter, GPU suites are skipped with the reason in their name, unless
 *   BNN_REQUIRE_GPU=1 (CI sets it): then a missing adapter fails the run instead.
 * - BNN_GPU=off skips them on purpose (`npm run test:cpu`: the CPU-only tests, in seconds).
 * - Each test of a `describeGpu` suite runs inside validation and out-of-memory error scopes and
 *   fails on any error they catch, and on an uncaptured WebGPU error or a lost device afterwards:
 *   a kernel that misbehaves without throwing still fails the test that ran it.
 */
import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { GpuContext } from '../../src/gpu/device.js';
import { createNodeContext } from '../../src/node/device.js';

export const gpuOff = process.env['BNN_GPU'] === 'off';
const required = process.env['BNN_REQUIRE_GPU'] === '1';

async function open(): Promise<{ ctx: GpuContext | null; reason: string }> {
  if (gpuOff) return { ctx: null, reason: 'BNN_GPU=off' };
  try {
    return { ctx: await createNodeContext(), reason: '' };
  } catch (error) {
    if (required) throw error;
    return { ctx: null, reason: String(error) };
  }
}

const opened = await open();

/** The file's context, or null when GPU tests are skipped (resolved before suites are declared). */
export const gpu: GpuContext | null = opened.ctx;
/** Why GPU tests are skipped ('' when they run). */
export const gpuSkipReason = opened.reason;

/** The context inside a GPU suite (which only runs when there is one). */
export function gpuContext(): GpuContext {
  if (!gpu) throw new Error(`no GPU context: ${gpuSkipReason}`);
  return gpu;
}

/** A describe() of GPU tests: skipped, with the reason, without a context; each test guarded (see the header). */
export function describeGpu(name: string, body: () => void): void {
  describe.skipIf(!gpu)(gpu ? name : `${name} (skipped: ${gpuSkipReason})`, () => {
    beforeEach(() => {
      const device = gpuContext().device;
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
    });
    afterEach(async () => {
      const ctx = gpuContext();
      const validation = await ctx.device.popErrorScope();
      const outOfMemory = await ctx.device.popErrorScope();
      expect(validation?.message ?? null, 'a WebGPU validation error during the test').toBeNull();
      expect(outOfMemory?.message ?? null, 'a WebGPU out-of-memory error during the test').toBeNull();
      ctx.assertHealthy();
    });
    body();
  });
}
