/**
 * GPU time of the engine's compute passes, from timestamp queries, without touching the engine.
 *
 * `timedContext(ctx)` returns a copy of the context whose device is a thin proxy: while a
 * measurement is open (`begin()` .. `end()`), every command encoder it creates adds
 * `timestampWrites` (start and end of pass) to each compute pass, and before `finish()` resolves
 * the timestamps into a buffer that is read back after the work. `end()` sums (end − start) over
 * all passes: the GPU time spent inside the predict's passes (uploads, queue gaps and read-backs
 * excluded). Everything else on the device is the real object, bound to it.
 *
 * Notes: browsers may quantise timestamps (Chrome rounds to 100 µs unless started with
 * --enable-webgpu-developer-features); passes beyond MAX_PASSES_PER_ENCODER in one encoder, or an
 * adapter without 'timestamp-query', make `end()` return null, and the caller should use wall time.
 */
import type { GpuContext } from '../src/index.js';

const MAX_PASSES_PER_ENCODER = 256;

interface Pending {
  readonly querySet: GPUQuerySet;
  readonly resolve: GPUBuffer;
  readonly read: GPUBuffer;
  readonly passes: number;
}

export interface GpuTimer {
  /** The context to hand to Engine.create. */
  readonly ctx: GpuContext;
  /** Whether timestamps are available (the adapter has 'timestamp-query' and the device enabled it). */
  readonly available: boolean;
  begin(): void;
  /** GPU milliseconds of the passes since begin(), or null when they could not all be timed. */
  end(): Promise<number | null>;
}

function bindAll<T extends object>(target: T, overrides: Partial<Record<PropertyKey, unknown>>): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop in overrides) return overrides[prop];
      const value: unknown = Reflect.get(obj, prop, obj);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

export function timedContext(ctx: GpuContext): GpuTimer {
  const device = ctx.device;
  const available = ctx.hasTimestampQuery && device.features.has('timestamp-query');
  if (!available) {
    return { ctx, available: false, begin: () => undefined, end: () => Promise.resolve(null) };
  }
  let recording = false;
  let incomplete = false;
  let pending: Pending[] = [];

  const createCommandEncoder = (descriptor?: GPUCommandEncoderDescriptor): GPUCommandEncoder => {
    const encoder = device.createCommandEncoder(descriptor);
    if (!recording) return encoder;
    let querySet: GPUQuerySet | null = null;
    let passes = 0;
    const beginComputePass = (passDescriptor: GPUComputePassDescriptor = {}): GPUComputePassEncoder => {
      if (passDescriptor.timestampWrites || passes >= MAX_PASSES_PER_ENCODER) {
        incomplete = true;
        return encoder.beginComputePass(passDescriptor);
      }
      querySet ??= device.createQuerySet({ type: 'timestamp', count: 2 * MAX_PASSES_PER_ENCODER, label: 'bench timestamps' });
      const index = passes++;
      return encoder.beginComputePass({
        ...passDescriptor,
        timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * index, endOfPassWriteIndex: 2 * index + 1 },
      });
    };
    const finish = (finishDescriptor?: GPUCommandBufferDescriptor): GPUCommandBuffer => {
      if (querySet && passes > 0) {
        const bytes = 2 * passes * 8;
        const resolve = device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, label: 'timestamps resolve' });
        const read = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'timestamps read' });
        encoder.resolveQuerySet(querySet, 0, 2 * passes, resolve, 0);
        encoder.copyBufferToBuffer(resolve, 0, read, 0, bytes);
        pending.push({ querySet, resolve, read, passes });
      }
      return encoder.finish(finishDescriptor);
    };
    return bindAll(encoder, { beginComputePass, finish });
  };

  const timedDevice = bindAll(device, { createCommandEncoder });
  return {
    ctx: { ...ctx, device: timedDevice },
    available: true,
    begin() {
      recording = true;
      incomplete = false;
      pending = [];
    },
    async end() {
      recording = false;
      const taken = pending;
      pending = [];
      let ns = 0n;
      let ok = !incomplete;
      for (const p of taken) {
        try {
          await p.read.mapAsync(GPUMapMode.READ);
          const t = new BigUint64Array(p.read.getMappedRange());
          for (let i = 0; i < p.passes; i++) {
            const start = t[2 * i] ?? 0n;
            const stop = t[2 * i + 1] ?? 0n;
            if (stop >= start) ns += stop - start;
            else ok = false;
          }
          p.read.unmap();
        } catch {
          ok = false;
        } finally {
          p.read.destroy();
          p.resolve.destroy();
          p.querySet.destroy();
        }
      }
      return ok && taken.length > 0 ? Number(ns) / 1e6 : null;
    },
  };
}
