/**
 * Host-side packing of the Chunk uniform (shaders/lib/chunk.wgsl.ts defines the field order).
 * Each chunk gets its own 256-byte slot of one uniform buffer, bound with a dynamic offset, so many
 * chunks with different offsets can be recorded into one command encoder.
 */
import { CHUNK_FIELDS, type ChunkField } from '../../shaders/lib/chunk.wgsl.js';

/** minUniformBufferOffsetAlignment is at most 256 on every adapter. */
export const UNIFORM_SLOT_BYTES = 256;

export type ChunkValues = Readonly<Record<Exclude<ChunkField, 'pad1'>, number>>;

/** Writes one chunk's values into slot `slot` of `target` (a Uint32Array view of the slots). */
export function packChunk(target: ArrayBuffer, slot: number, values: ChunkValues): void {
  const words = new Uint32Array(target, slot * UNIFORM_SLOT_BYTES, CHUNK_FIELDS.length);
  const floats = new Float32Array(target, slot * UNIFORM_SLOT_BYTES, CHUNK_FIELDS.length);
  CHUNK_FIELDS.forEach(([name, type], i) => {
    const value = name === 'pad1' ? 0 : values[name];
    if (type === 'f32') floats[i] = value;
    else words[i] = value >>> 0;
  });
}
