/**
 * What a failed GPU operation means for the caller. When a device is lost, WebGPU rejects the work
 * in flight with plain errors (mapAsync's AbortError, "device destroyed" OperationErrors) before
 * the device's `lost` promise has settled, so a caller would see a raw DOMException. Waiting
 * briefly for `lost` turns those into the DeviceLostError the caller can act on.
 */
import { BnnError, GpuExecutionError } from '../errors.js';
import type { GpuContext } from './device.js';

/** How long a rejected operation waits for the device's `lost` promise (it settles within a task or two). */
const LOST_GRACE_MS = 200;

/** WebGPU's own rejections (DOMException names), as opposed to a bug in our code. */
function isWebGpuRejection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return ['AbortError', 'OperationError', 'InvalidStateError', 'OutOfMemoryError'].includes(error.name) || /lost|destroyed/i.test(error.message);
}

/** Rethrows `error` as the typed error it stands for: DeviceLostError when the device went away meanwhile. */
export async function surfaceGpuFailure(ctx: GpuContext, error: unknown, during: string): Promise<never> {
  if (error instanceof BnnError) throw error;
  if (!isWebGpuRejection(error)) throw error;
  const lost = await Promise.race([ctx.lost, new Promise<null>((resolve) => setTimeout(() => resolve(null), LOST_GRACE_MS))]);
  if (lost) throw lost;
  throw new GpuExecutionError(`WebGPU failed during ${during}: ${(error as Error).message}`, { cause: error });
}
