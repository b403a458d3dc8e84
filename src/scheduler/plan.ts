/**
 * Splits S samples x N inputs into chunks that respect the device: every buffer a kernel binds stays
 * under maxStorageBufferBindingSize (and the caller's byte budget), every dispatch dimension under
 * maxComputeWorkgroupsPerDimension. Chunks are independent: the running reductions merge them.
 */
import { DeviceLimitError } from '../errors.js';

export interface ChunkLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export interface PlanRequest {
  readonly samples: number;
  readonly inputs: number;
  /** Widest activation row (floats per (sample, input)). */
  readonly maxUnits: number;
  /** Floats per sample of the materialised weights buffer (0 if the materialised path is unused). */
  readonly weightsPerSample: number;
  readonly masksPerSample: number;
  readonly workgroupSize: number;
  /** Upper bound for any one chunk buffer, in bytes (<= the device's binding limit). */
  readonly maxChunkBytes: number;
  readonly maxSamplesPerChunk: number;
  readonly maxInputsPerChunk: number;
}

export interface ChunkPlan {
  readonly samplesPerChunk: number;
  readonly inputsPerChunk: number;
  readonly sampleChunks: number;
  readonly inputChunks: number;
}

export function planChunks(req: PlanRequest, limits: ChunkLimits): ChunkPlan {
  const budget = Math.min(req.maxChunkBytes, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const floatsBudget = Math.floor(budget / 4);
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  const rowFloats = Math.max(req.maxUnits, 1);
  if (rowFloats > floatsBudget) {
    throw new DeviceLimitError(`one activation row of ${rowFloats} floats exceeds the chunk budget of ${budget} bytes`);
  }
  if (req.weightsPerSample > floatsBudget) {
    throw new DeviceLimitError(
      `one posterior sample's weights (${req.weightsPerSample} floats) exceed the chunk budget of ${budget} bytes; use the fused kernel or a device with a larger maxStorageBufferBindingSize`,
    );
  }
  // Inputs per chunk: thread grids of nCount*units must fit one dispatch dimension.
  const inputsPerChunk = Math.max(
    1,
    Math.min(req.inputs, req.maxInputsPerChunk, Math.floor((maxGroups * req.workgroupSize) / rowFloats), Math.floor(floatsBudget / rowFloats)),
  );
  const samplesPerChunk = Math.max(
    1,
    Math.min(
      req.samples,
      req.maxSamplesPerChunk,
      maxGroups,
      Math.floor(floatsBudget / (inputsPerChunk * rowFloats)),
      req.weightsPerSample > 0 ? Math.floor(floatsBudget / req.weightsPerSample) : Infinity,
      req.masksPerSample > 0 ? Math.floor(floatsBudget / req.masksPerSample) : Infinity,
    ),
  );
  return {
    samplesPerChunk,
    inputsPerChunk,
    sampleChunks: Math.ceil(req.samples / samplesPerChunk),
    inputChunks: Math.ceil(req.inputs / inputsPerChunk),
  };
}
