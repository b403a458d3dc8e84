/**
 * What a failed GPU operation means for the caller, and the error scopes every GPU call runs in. When a device is lost, WebGPU rejects the work
 * in flight with plain errors (mapAsync's AbortError, "device destroyed" OperationErrors) before
 * the device's `lost` promise has settled, so a caller would see a raw DOMException. Waiting
 * briefly for `lost` turns those into the DeviceLostError the caller can act on.
 */
import { BnnError, GpuExecutionError } from '../errors.js';
import type { GpuContext } from './device.js';
import type { AbortSignalLike } from '../platform-types.js';

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

/**
 * Runs GPU work inside validation and out-of-memory error scopes: a scope error becomes a
 * GpuExecutionError, a rejection after device loss a DeviceLostError, and a call cancelled by its
 * signal rejects with the signal's reason (as fetch does). Predict, score and train all run so.
 */
export async function withErrorScopes<T>(ctx: GpuContext, during: string, signal: AbortSignalLike | undefined, work: () => Promise<T>): Promise<T> {
  const device = ctx.device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let outcome: { value: T } | null = null;
  let failure: unknown = null;
  try {
    outcome = { value: await work() };
  } catch (error) {
    failure = error;
  }
  let scopeError: GPUError | null = null;
  try {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    scopeError = validation ?? oom;
  } catch (error) {
    // After a device loss the scopes cannot be popped; the loss is what gets reported.
    failure ??= error;
  }
  ctx.assertHealthy();
  // The signal's reason is thrown as given, as fetch does (it need not be an Error).
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure !== null && signal?.aborted && failure === signal.reason) throw failure;
  if (failure !== null) return surfaceGpuFailure(ctx, failure, during);
  if (scopeError) throw new GpuExecutionError(`WebGPU error during ${during}: ${scopeError.message}`);
  if (!outcome) throw new GpuExecutionError(`${during} produced no result`);
  return outcome.value;
}
