/**
 * The per-chunk uniform block every kernel reads. Field order is the single source of truth for
 * the host-side packing (src/scheduler/chunk-uniforms.ts packs CHUNK_FIELDS in this order).
 */
export const CHUNK_FIELDS = [
  ['sampleOffset', 'u32'],
  ['sampleCount', 'u32'],
  ['nOffset', 'u32'],
  ['nCount', 'u32'],
  ['seedLo', 'u32'],
  ['seedHi', 'u32'],
  ['samplesBefore', 'u32'],
  ['totalSamples', 'u32'],
  ['totalInputs', 'u32'],
  ['intervalZ', 'f32'],
  /** How many quantile levels the quantile kernel reads (its levels buffer may be longer). */
  ['quantileCount', 'u32'],
  ['pad1', 'u32'],
] as const;

export type ChunkField = (typeof CHUNK_FIELDS)[number][0];

export const chunkStructWgsl = `struct Chunk {\n${CHUNK_FIELDS.map(([name, type]) => `  ${name}: ${type},`).join('\n')}\n}\n`;
