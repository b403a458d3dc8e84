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
 * Largest safetensors header (the JSON before the tensor bytes). A header takes ~630 bytes per
 * layer (four tensor entries and the layer's spec): a MAX_LAYERS-deep model's is 20 KB, so 16 MiB
 * holds ~800 such members, or 1024 members of up to 25 layers. Real headers are kilobytes, and the
 * strict scan and JSON.parse of 16 MiB take a few hundred milliseconds.
 */
export const MAX_HEADER_BYTES = 16 * 2 ** 20;

/**
 * Largest tensor, in elements: 2^28 float32 values are 1 GiB, eight times WebGPU's default
 * maxStorageBufferBindingSize (128 MiB) and more than most devices raise it to, so a larger tensor
 * could hardly be bound; refusing it before allocating keeps a 100-byte file from asking for terabytes.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/**
 * Most tensors in one file. A model has 4 per layer (up to 7 with PReLU slopes and batch-norm) plus 2 for the
 * noise: 130 at MAX_LAYERS, so this holds 500 MAX_LAYERS-deep members or 1024 members of up to 15
 * layers (deep ensembles use 5 to 10 shallow ones). Every entry costs a parse, a check and a Map
 * slot (65k take ~0.5 s), so an unbounded count is a cheap way to stall the loader.
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
