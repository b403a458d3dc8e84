/**
 * Plan and programs of a predict call, chosen in one step: the path, the kernel of each layer and
 * the chunking, which depend on each other (materialised weights take chunk memory; the chunk's
 * inputs decide how many inputs a fused workgroup takes).
 *
 * The rules (measured on SwiftShader, 2 cores; bench/README.md has the runs):
 * - path 'auto' is resolved before (resolvePath in predict-options.ts: marginal for few inputs).
 * - kernel 'auto' on the joint path: on a CPU adapter materialised weights (SwiftShader pays for
 *   workgroup and private memory: 3-8x faster there), read by the network kernel (every layer in
 *   one dispatch) when every layer has at most NETWORK_MAX_UNITS units, else layer by layer by the
 *   lanes matmul (predict-program.ts usesNetworkKernel); on a GPU the workgroup-fused kernel when a
 *   weight row fits workgroup memory; then, if a device or engine limit refuses that, the fused and
 *   then the registers kernel, before giving up with every refusal named.
 * - 'auto' never picks 'tiled' (the workgroup-tiled GEMM built for GPUs) or 'subgroups' (the
 *   materialised matmul sharing weight loads across a subgroup): no GPU has measured them yet, and
 *   on SwiftShader tiled ran 3-8x slower than materialised weights. kernel 'calibrate' times them.
 */
import { WORKGROUP_SIZE } from '../kernels/program.js';
import { DeviceLimitError } from '../errors.js';
import { isCpuAdapterDescription, type GpuContext } from '../gpu/device.js';
import type { ModelLayout } from '../model/gpu-layout.js';
import { planChunks, type ChunkPlan } from '../scheduler/plan.js';
import type { ResolvedEngineOptions } from './engine-options.js';
import { buildProgram, type PredictProgram } from './predict-program.js';
import type { KernelStrategy, SamplingPath } from './types.js';

export interface CallShape {
  readonly samples: number;
  readonly n: number;
  /** Resolved already (resolvePath in predict-options.ts). */
  readonly path: SamplingPath;
  readonly kernel: KernelStrategy;
  readonly withY: boolean;
  readonly returnSamples: boolean;
  readonly withQuantiles: boolean;
}

export interface CallPlan {
  readonly path: SamplingPath;
  readonly plan: ChunkPlan;
  readonly program: PredictProgram;
}

/** Whether the adapter runs on the CPU (SwiftShader, llvmpipe, lavapipe): its trade-offs invert a GPU's. */
export function isCpuAdapter(ctx: GpuContext): boolean {
  return isCpuAdapterDescription(ctx.adapter);
}

export function chooseKernels(ctx: GpuContext, layout: ModelLayout, options: ResolvedEngineOptions, shape: CallShape): CallPlan {
  const path = shape.path;
  const candidates: KernelStrategy[] = path === 'joint' && shape.kernel === 'auto' ? ['auto', 'fused', 'registers'] : [shape.kernel];
  const cpu = isCpuAdapter(ctx);
  const refusals: string[] = [];
  for (const candidate of candidates) {
    try {
      return { path, ...planFor(ctx, layout, options, shape, candidate, cpu) };
    } catch (error) {
      if (!(error instanceof DeviceLimitError) || candidates.length === 1) throw error;
      refusals.push(`${candidate === 'auto' ? (cpu ? 'lanes' : 'auto') : candidate}: ${error.message}`);
    }
  }
  throw new DeviceLimitError(`no kernel fits this model on this device: ${refusals.join('; ')}`);
}

function planFor(
  ctx: GpuContext,
  layout: ModelLayout,
  o: ResolvedEngineOptions,
  shape: CallShape,
  kernel: KernelStrategy,
  cpu: boolean,
): { plan: ChunkPlan; program: PredictProgram } {
  const limits = ctx.limits;
  const request = (weightsPerSample: number) => ({
    samples: shape.samples,
    inputs: shape.n,
    maxUnits: layout.maxUnits,
    weightsPerSample,
    masksPerSample: layout.masksPerSample,
    workgroupSize: WORKGROUP_SIZE,
    maxChunkBytes: o.maxChunkBytes,
    maxSamplesPerChunk: o.maxSamplesPerChunk,
    maxInputsPerChunk: o.maxInputsPerChunk,
  });
  const programOptions = (inputsPerChunk: number) => ({
    path: shape.path,
    kernel,
    withY: shape.withY,
    returnSamples: shape.returnSamples,
    withQuantiles: shape.withQuantiles,
    workgroupFloats: Math.floor(Math.min(limits.maxComputeWorkgroupStorageSize, 32768) / 4),
    fusedInputsPerWorkgroup: o.fusedInputsPerWorkgroup,
    registersInputsPerThread: o.registersInputsPerThread || (cpu ? 64 : 8),
    matmulBlocking: o.matmulBlocking,
    inputsPerChunk,
    cpuAdapter: cpu,
    subgroups: ctx.hasSubgroups,
  });
  // Plan without materialised weights first: the program says whether it needs them, and then the
  // plan is redone with their size (a chunk holds every sample's weights).
  let plan = planChunks(request(0), limits);
  let program = buildProgram(layout, programOptions(plan.inputsPerChunk));
  if (program.usesMaterializedWeights) {
    plan = planChunks(request(layout.weightsPerSample), limits);
    program = buildProgram(layout, programOptions(plan.inputsPerChunk));
  }
  return { plan, program };
}
