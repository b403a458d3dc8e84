/** The WGSL library of the inference programs beyond shaders/lib: the chunk's Philox key. */
import type { WgslLibrary } from '../wgsl.js';

/** seed_key() from the Chunk uniform. */
export const CHUNK_KEY: WgslLibrary = { file: 'infer/chunk' };
