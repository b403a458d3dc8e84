/**
 * Buffer ownership: every buffer the engine creates is registered here, labelled, and destroyed by
 * dispose(). Byte and buffer counters make leak tests exact.
 */
import { DeviceLimitError } from '../errors.js';
import type { WebGpuBuffer, WebGpuBufferUsage, WebGpuDevice } from './webgpu-types.js';
import type { GpuContext } from './device.js';

export class BufferSet {
  private readonly live = new Set<WebGpuBuffer>();
  private liveBytes = 0;

  constructor(private readonly device: WebGpuDevice) {}

  create(label: string, size: number, usage: WebGpuBufferUsage): WebGpuBuffer {
    // WebGPU wants sizes in multiples of 4 and > 0 for storage bindings.
    const padded = Math.max(16, Math.ceil(size / 16) * 16);
    if (padded > this.device.limits.maxBufferSize) {
      throw new DeviceLimitError(`buffer '${label}' needs ${padded} bytes, beyond this device's maxBufferSize (${this.device.limits.maxBufferSize})`);
    }
    const buffer = this.device.createBuffer({ label, size: padded, usage });
    this.live.add(buffer);
    this.liveBytes += buffer.size;
    return buffer;
  }

  createStorage(label: string, size: number, extraUsage: WebGpuBufferUsage = 0): WebGpuBuffer {
    return this.create(label, size, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC | extraUsage);
  }

  /** A storage buffer initialised from host data. */
  upload(label: string, data: Float32Array | Uint32Array): WebGpuBuffer {
    const buffer = this.createStorage(label, data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  destroy(buffer: WebGpuBuffer | null | undefined): void {
    if (!buffer || !this.live.has(buffer)) return;
    this.live.delete(buffer);
    this.liveBytes -= buffer.size;
    buffer.destroy();
  }

  destroyAll(): void {
    for (const buffer of this.live) buffer.destroy();
    this.live.clear();
    this.liveBytes = 0;
  }

  get count(): number {
    return this.live.size;
  }

  get bytes(): number {
    return this.liveBytes;
  }
}

/**
 * Reads `size` bytes from `source` at `offset`: copy to a MAP_READ staging buffer, map, copy out,
 * and destroy the staging buffer whatever happens.
 */
export async function readBuffer(ctx: Pick<GpuContext, 'device' | 'waitFor'>, source: WebGpuBuffer, offset: number, size: number): Promise<ArrayBuffer> {
  const device = ctx.device;
  const padded = Math.ceil(size / 4) * 4;
  const staging = device.createBuffer({ label: 'readback', size: Math.max(4, padded), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder({ label: 'readback' });
    encoder.copyBufferToBuffer(source, offset, staging, 0, padded);
    device.queue.submit([encoder.finish()]);
    await ctx.waitFor(staging.mapAsync(GPUMapMode.READ));
    return staging.getMappedRange(0, padded).slice(0, size);
  } finally {
    staging.destroy();
  }
}
