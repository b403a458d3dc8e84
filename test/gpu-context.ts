/**
 * One WebGPU context per test file (Dawn in Node, SwiftShader where there is no GPU).
 * Without an adapter GPU tests skip with the reason — unless BNN_REQUIRE_GPU=1 (CI sets it), where
 * a missing adapter fails the run instead of silently skipping.
 */
import type { GpuContext } from '../src/gpu/device.js';
import { createNodeContext } from '../src/node/device.js';

let shared: Promise<GpuContext | null> | null = null;
export let gpuUnavailableReason = '';

export function requireGpu(): boolean {
  return process.env['BNN_REQUIRE_GPU'] === '1';
}

export function getGpu(): Promise<GpuContext | null> {
  shared ??= createNodeContext().catch((error: unknown) => {
    gpuUnavailableReason = String(error);
    if (requireGpu()) throw error;
    return null;
  });
  return shared;
}

/** Resolved before describe blocks run (top-level await), so `describe.skipIf(!gpu)` works. */
export const gpu: GpuContext | null = await getGpu();
