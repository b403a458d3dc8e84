/**
 * The uniform every inference program reads: one chunk of samples x inputs of a predict call (and,
 * for the quantile pass, the call's totals). Declared once: the WGSL struct and the host packer
 * both come from this list.
 */
import { defineStruct } from '../struct.js';
import type { BindingSpec } from '../wgsl.js';

export const CHUNK = defineStruct('Chunk', [
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
  /** How many quantile levels the quantile program reads (its levels buffer may be longer). */
  ['quantileCount', 'u32'],
] as const);

export type ChunkField = (typeof CHUNK.fields)[number][0];

export const chunkBinding: BindingSpec = { name: 'chunk', access: 'uniform', type: 'Chunk' };
