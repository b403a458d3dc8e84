/**
 * Named scratch buffers of an engine: allocated on first use, reused while big enough, replaced
 * (the old one destroyed) when a call needs more. Ownership stays with the BufferSet, so the
 * engine's dispose() destroys them and its counters see them.
 */
import type { BufferSet } from '../gpu/buffers.js';
import type { WebGpuBuffer, WebGpuBufferUsage } from '../gpu/webgpu-types.js';

export class ScratchBuffers<Name extends string> {
  private readonly byName = new Map<Name, WebGpuBuffer>();

  constructor(private readonly buffers: BufferSet) {}

  /** Buffer `name` with at least `bytes` (storage usage unless `usage` is given). */
  ensure(name: Name, bytes: number, usage?: WebGpuBufferUsage): WebGpuBuffer {
    const existing = this.byName.get(name);
    if (existing && existing.size >= bytes) return existing;
    this.buffers.destroy(existing);
    const buffer = usage === undefined ? this.buffers.createStorage(name, bytes) : this.buffers.create(name, bytes, usage);
    this.byName.set(name, buffer);
    return buffer;
  }

  /** Registers a buffer made elsewhere (still owned by the BufferSet) under `name`. */
  set(name: Name, buffer: WebGpuBuffer): void {
    this.byName.set(name, buffer);
  }

  get(name: Name): WebGpuBuffer {
    const b = this.byName.get(name);
    if (!b) throw new Error(`internal: scratch buffer '${name}' missing`);
    return b;
  }

  /** Forgets every buffer (after the BufferSet destroyed them). */
  clear(): void {
    this.byName.clear();
  }
}
