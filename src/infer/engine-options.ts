/**
 * The options of an engine (EngineOptions), their defaults and their checks: read once, when the
 * engine is made, into the resolved values its calls use.
 */
import { DEFAULT_MATMUL_BLOCKING, type MatmulBlocking } from '../kernels/infer/dense.js';
import { integerOption, readOptionsObject } from '../options.js';

export interface EngineOptions {
  /** Largest chunk buffer in bytes (default 64 MiB, capped by the device's binding limit). */
  readonly maxChunkBytes?: number;
  /** Upper bound on samples per chunk (default 4096). */
  readonly maxSamplesPerChunk?: number;
  /** Upper bound on inputs per chunk (default 65536). */
  readonly maxInputsPerChunk?: number;
  /** Inputs handled by one workgroup of the fused kernel (default 256). */
  readonly fusedInputsPerWorkgroup?: number;
  /** Inputs handled by one thread of the registers kernel (default 64 on CPU adapters, 8 on GPUs). */
  readonly registersInputsPerThread?: number;
  /** Register blocking of the materialised matmul (inputs x 4*unitQuads outputs per thread; default 8 x 1: 30% faster than 4 x 1 on SwiftShader). */
  readonly matmulBlocking?: MatmulBlocking;
  /** Chunks recorded per submit (default 64). */
  readonly chunksPerSubmit?: number;
}

export const DEFAULTS = {
  maxChunkBytes: 64 * 1024 * 1024,
  maxSamplesPerChunk: 4096,
  maxInputsPerChunk: 65536,
  fusedInputsPerWorkgroup: 256,
  registersInputsPerThread: 0,
  matmulBlocking: DEFAULT_MATMUL_BLOCKING,
  chunksPerSubmit: 64,
};

/** The engine's options with every default filled in. */
export type ResolvedEngineOptions = typeof DEFAULTS;

/** Every option checked: a positive integer each, within what the kernels can be built for. */
export function readEngineOptions(options: unknown): ResolvedEngineOptions {
  const o = readOptionsObject(options, Object.keys(DEFAULTS), 'engine options');
  const int = (name: keyof typeof DEFAULTS, min: number, max: number): number => (o[name] === undefined ? (DEFAULTS[name] as number) : integerOption(o[name], name, min, max));
  let matmulBlocking = DEFAULTS.matmulBlocking;
  if (o['matmulBlocking'] !== undefined) {
    const b = readOptionsObject(o['matmulBlocking'], ['inputs', 'unitQuads'], 'matmulBlocking');
    matmulBlocking = { inputs: integerOption(b['inputs'], 'matmulBlocking.inputs', 1, 16), unitQuads: integerOption(b['unitQuads'], 'matmulBlocking.unitQuads', 1, 8) };
  }
  return {
    maxChunkBytes: int('maxChunkBytes', 16, Number.MAX_SAFE_INTEGER),
    maxSamplesPerChunk: int('maxSamplesPerChunk', 1, 2 ** 31),
    maxInputsPerChunk: int('maxInputsPerChunk', 1, 2 ** 31),
    fusedInputsPerWorkgroup: int('fusedInputsPerWorkgroup', 1, 4096),
    registersInputsPerThread: o['registersInputsPerThread'] === undefined ? 0 : integerOption(o['registersInputsPerThread'], 'registersInputsPerThread', 1, 4096),
    matmulBlocking,
    chunksPerSubmit: int('chunksPerSubmit', 1, 4096),
  };
}
