/**
 * Caps on what a model file may hold. Model files come from users and the network, so every size
 * that decides how much memory, time or GPU work a file costs is bounded before anything is spent on
 * it; a file beyond a cap is a ModelFormatError that names the cap and the value (an unreadable or
 * oversized file is an InvalidInputError from the reader). Each number is far above what a model
 * this library can run needs, and far below what would hang or exhaust the process.
 *
 * MAX_LAYERS (the depth of a network) lives in spec.ts, MAX_ENSEMBLE_MEMBERS in ensemble-file.ts.
 */

/**
 * Largest safetensors header (the JSON before the tensor bytes). A model's header is about 100
 * bytes per tensor plus its spec (~250 bytes per layer): a 1024-member ensemble of MAX_LAYERS-deep
 * networks stays under 16 MiB, and parsing 16 MiB of JSON takes well under a second.
 */
export const MAX_HEADER_BYTES = 16 * 2 ** 20;

/**
 * Largest tensor, in elements: 2^28 float32 values are 1 GiB, above the storage-buffer binding size
 * of every WebGPU device, so a larger tensor could never be bound; refusing it before allocating
 * keeps a 100-byte file from asking for terabytes.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/**
 * Most tensors in one file. A single model has at most 6 per layer plus 2 for the noise (~200 at
 * MAX_LAYERS); a 1024-member ensemble of one-hidden-layer networks has ~10k. Every entry costs a
 * parse, a check and a Map slot, so an unbounded count is a cheap way to stall the loader.
 */
export const MAX_TENSORS_PER_FILE = 65_536;

/**
 * Longest tensor name, site name or metadata key, in characters. Real names are a few dozen
 * characters (`members.12.layers.3.weight.scale`, `AutoNormal.locs.layers.2.bias`); names are
 * echoed in messages, tables and Map keys, so megabyte names are refused rather than carried.
 */
export const MAX_NAME_LENGTH = 1024;

/**
 * Deepest nesting of any JSON the loader reads (the header, the model spec, Pyro's model info, a
 * JSON table). Our documents nest at most 5 levels; 64 leaves room for any honest writer, while
 * 10^5 levels would overflow the stack of any recursive consumer (printing, validation).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Largest model file read from disk or the network, in bytes. The bytes are held in memory next
 * to their float32 copies, so 2 GiB (a float32 model of 2^29 parameters, twice the largest tensor)
 * is the most a loader should attempt; anything larger is refused before it is read.
 */
export const MAX_MODEL_FILE_BYTES = 2 * 2 ** 30;
