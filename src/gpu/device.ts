/**
 * One place that turns a `GPU` object (navigator.gpu in a browser, Dawn's in Node) into a device
 * the engine can use: only the limits we rely on are raised (to the adapter's values), device loss
 * and uncaptured errors are recorded and surfaced to callers instead of being swallowed.
 */
import { DeviceLostError, GpuExecutionError, GpuUnavailableError } from '../errors.js';
import { withDisposeSymbol } from './dispose-symbol.js';
import type { WebGpu, WebGpuAdapter, WebGpuDevice, WebGpuLimits } from './webgpu-types.js';

/** Limits the scheduler sizes its chunks by; requested at the adapter's maximum. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
}

export interface GpuContext {
  readonly device: WebGpuDevice;
  readonly adapter: AdapterDescription;
  readonly limits: WebGpuLimits;
  readonly hasTimestampQuery: boolean;
  /** Whether the device has the 'subgroups' feature (requested whenever the adapter offers it). */
  readonly hasSubgroups: boolean;
  /** Throws DeviceLostError if the device was lost, GpuExecutionError for a recorded uncaptured error. */
  assertHealthy(): void;
  /** Resolves when the device is lost (also after destroy()). */
  readonly lost: Promise<DeviceLostError>;
  /**
   * Awaits a promise that settles when the GPU has done something (a buffer mapped, submitted work
   * done, a pipeline compiled): every wait of the engine goes through it. In a browser it is the promise itself; in Node
   * it can keep Dawn's event polling off the CPU while it waits (src/node/gpu-wait.ts).
   */
  waitFor<T>(pending: Promise<T>): Promise<T>;
  /** Destroys the device (and, in Node, releases the GPU instance held by `owner`). */
  destroy(): void;
}

export interface CreateContextOptions {
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** Keeps the object that created the GPU alive as long as the device (Dawn in Node needs this). */
  readonly owner?: unknown;
  /** How to get an adapter, shown when none is found. */
  readonly fixHint?: string;
  /** The context's waitFor for its adapter (default: waitForPromise); createNodeContext passes its own. */
  readonly waitFor?: (adapter: AdapterDescription) => WaitFor;
}

/** GpuContext.waitFor's shape. */
export type WaitFor = <T>(pending: Promise<T>) => Promise<T>;

/** The waitFor that is the promise itself (browsers; Dawn's own polling in Node). */
export const waitForPromise: WaitFor = (pending) => pending;

/**
 * Whether an adapter runs on the CPU (SwiftShader, llvmpipe/lavapipe): where the engine's threads and
 * the adapter's share the same cores, so kernel choices and waiting differ from a GPU's.
 */
export function isCpuAdapterDescription(a: AdapterDescription): boolean {
  return /swiftshader|llvmpipe|lavapipe|cpu/i.test(`${a.architecture} ${a.description} ${a.vendor}`);
}

function describeAdapter(info: GPUAdapterInfo | undefined): AdapterDescription {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}

/** Requests an adapter, or returns null (so a caller can try another backend before failing). */
export async function requestAdapter(gpu: WebGpu, options: CreateContextOptions = {}): Promise<WebGpuAdapter | null> {
  try {
    return await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : {});
  } catch {
    return null;
  }
}

export async function createContextFromAdapter(adapter: WebGpuAdapter, options: CreateContextOptions = {}): Promise<GpuContext> {
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const hasTimestampQuery = adapter.features.has('timestamp-query');
  // The subgroups predict kernel's (kernel: 'subgroups'); nothing else changes with it.
  const hasSubgroups = adapter.features.has('subgroups');
  const requiredFeatures: GPUFeatureName[] = [...(hasTimestampQuery ? ['timestamp-query' as const] : []), ...(hasSubgroups ? ['subgroups' as const] : [])];
  let device: WebGpuDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'webgpu-bnn' });
  } catch (cause) {
    throw new GpuUnavailableError(`the adapter refused to create a device: ${String(cause)}`, { cause });
  }
  const owner = options.owner;
  let lostError: DeviceLostError | null = null;
  let uncaptured: GpuExecutionError | null = null;
  const lost = device.lost.then((info) => {
    lostError = new DeviceLostError(info.reason, `the GPU device was lost (${info.reason})${info.message ? `: ${info.message}` : ''}`);
    return lostError;
  });
  device.addEventListener('uncapturederror', (event) => {
    const error = event.error;
    uncaptured ??= new GpuExecutionError(`uncaptured WebGPU error: ${error.message}`);
  });
  const description = describeAdapter(adapter.info);
  const context = {
    device,
    adapter: description,
    limits: device.limits,
    hasTimestampQuery,
    hasSubgroups,
    lost,
    waitFor: options.waitFor ? options.waitFor(description) : waitForPromise,
    assertHealthy() {
      if (lostError) throw lostError;
      if (uncaptured) {
        const error = uncaptured;
        uncaptured = null;
        throw error;
      }
    },
    destroy() {
      device.destroy();
      // Referencing `owner` here keeps it reachable for the device's whole life.
      void owner;
    },
  };
  // [Symbol.dispose] too, which src/disposable.ts declares for `using`.
  return withDisposeSymbol(context, () => context.destroy());
}

/** Creates a context from a `GPU` object, with one clear error when no adapter exists. */
export async function createContext(gpu: WebGpu | undefined, options: CreateContextOptions = {}): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuUnavailableError(
      `WebGPU is not available here (no navigator.gpu). ${options.fixHint ?? 'Use a browser with WebGPU enabled (Chrome 113+, or Chromium with --enable-unsafe-webgpu).'}`,
    );
  }
  const adapter = await requestAdapter(gpu, options);
  if (!adapter) {
    throw new GpuUnavailableError(
      `no WebGPU adapter was found. ${options.fixHint ?? 'Enable WebGPU in the browser (chrome://flags/#enable-unsafe-webgpu) or update the GPU driver.'}`,
    );
  }
  return createContextFromAdapter(adapter, options);
}

/** The browser entry: navigator.gpu. */
export async function createBrowserContext(options: CreateContextOptions = {}): Promise<GpuContext> {
  const gpu = typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: WebGpu }).gpu : undefined;
  return createContext(gpu, options);
}
