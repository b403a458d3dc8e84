/** WGSL libraries of the inference programs beyond shaders/lib: the chunk's key and layer helpers. */
import { WORKGROUP_SIZE } from '../program.js';
import { u32, type WgslLibrary } from '../wgsl.js';

export const FLAT_INDEX: WgslLibrary = { file: 'lib/flat-index', consts: { WORKGROUP_SIZE: u32(WORKGROUP_SIZE) } };
/** seed_key() from the Chunk uniform. */
export const CHUNK_KEY: WgslLibrary = { file: 'infer/chunk' };
