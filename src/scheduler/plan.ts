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

/** The binding limit on chunk buffers, named after whichever bound is smallest (for messages). */
function chunkBudget(req: PlanRequest, limits: ChunkLimits): { bytes: number; says: string } {
  const bounds = [
    {
      bytes: req.maxChunkBytes,
      says: `the engine's chunk budget (EngineOptions.maxChunkBytes = ${req.maxChunkBytes} bytes; this device allows up to ${Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize)})`,
    },
    { bytes: limits.maxStorageBufferBindingSize, says: `this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize} bytes)` },
    { bytes: limits.maxBufferSize, says: `this device's maxBufferSize (${limits.maxBufferSize} bytes)` },
  ];
  return bounds.reduce((a, b) => (b.bytes < a.bytes ? b : a));
}

export function planChunks(req: PlanRequest, limits: ChunkLimits): ChunkPlan {
  const { bytes: budget, says } = chunkBudget(req, limits);
  const floatsBudget = Math.floor(budget / 4);
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  const rowFloats = Math.max(req.maxUnits, 1);
  if (rowFloats > floatsBudget) {
    throw new DeviceLimitError(`one activation row of ${rowFloats} floats (${rowFloats * 4} bytes) exceeds ${says}`);
  }
  if (req.weightsPerSample > floatsBudget) {
    throw new DeviceLimitError(
      `one posterior sample's materialised weights (${req.weightsPerSample} floats, ${req.weightsPerSample * 4} bytes) exceed ${says}; the fused and registers kernels do not materialise them`,
    );
  }
  if (req.masksPerSample > floatsBudget) {
    throw new DeviceLimitError(`one posterior sample's dropout masks (${req.masksPerSample} floats) exceed ${says}`);
  }
  // Inputs per chunk: thread grids of nCount*units must fit one dispatch dimension.
  const inputsPerChunk = Math.max(1, Math.min(req.inputs, req.maxInputsPerChunk, Math.floor((maxGroups * req.workgroupSize) / rowFloats), Math.floor(floatsBudget / rowFloats)));
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
