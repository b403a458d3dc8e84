/**
 * The first half of init: the request checked and resolved (src/objective/prepare.ts), the θ layout, the step's
 * compile-time shape and its buffers' layout, and the device limits they must fit. No GPU work, so
 * a bad request fails before anything is allocated.
 */
import { DeviceLimitError, InvalidInputError } from '../errors.js';
import type { WebGpuLimits } from '../gpu/webgpu-types.js';
import { lanesGatherStorageBuffers } from '../kernels/train/lanes.js';
import { oneHiddenIneligibility } from '../kernels/train/one-hidden.js';
import { stepBufferLayout, type StepBufferLayout } from '../kernels/train/step-buffers.js';
import type { ArchitectureSpec } from '../objective/architecture.js';
import { HMC_TRACE_FIELDS } from '../kernels/train/hmc.js';
import { nutsVectorsPerChain } from '../objective/nuts.js';
import { VI_SIGMA_PRIOR } from '../objective/constants.js';
import { hmcTransitions } from '../objective/hmc.js';
import { trainLayout, type TrainLayout } from '../objective/layout.js';
import { CPU_TILE, CPU_TILE_MIN_ROWS, prepareRun, type PreparedRun } from '../objective/prepare.js';
import type { TrainShape } from '../objective/shape.js';
import type { TrainData, TrainOptions } from '../objective/types.js';

export interface TrainPlan {
  readonly run: PreparedRun;
  readonly layout: TrainLayout;
  readonly shape: TrainShape;
  readonly stepBuffers: StepBufferLayout;
  /** A 'lanes' step gathers its own rows (no gather program): the device binds the storage buffers it needs. */
  readonly lanesGathers: boolean;
}

/** The adapter's kind, where it picks defaults (the tile of the tiled kernels: prepare.ts CPU_TILE). */
export interface AdapterTraits {
  readonly cpu: boolean;
}

export function planTraining(limits: WebGpuLimits, arch: ArchitectureSpec, data: TrainData, options: TrainOptions, adapter: AdapterTraits = { cpu: false }): TrainPlan {
  const prepared = prepareRun(arch, data, options);
  // No tile asked for, a CPU adapter and a big step: the CPU tile (prepare.ts CPU_TILE).
  const cpuTile = adapter.cpu && options.tile === undefined && prepared.models.length * prepared.batch >= CPU_TILE_MIN_ROWS;
  const run: PreparedRun = cpuTile ? { ...prepared, tile: CPU_TILE } : prepared;
  const layout = trainLayout(arch, options.method, options.hierarchical ?? false, run.likelihood, run.fixedNoise);
  const shape: TrainShape = {
    layout,
    models: run.models.length,
    // With adversarial training each step's rows are followed by their adversarial copies.
    batch: run.adversarial ? 2 * run.batch : run.batch,
    samples: run.samplesPerStep,
    dropout: options.method === 'mc-dropout' || options.method === 'concrete-dropout',
    sigmaPrior: VI_SIGMA_PRIOR,
    optimizer: run.optimizer,
    sampler: run.sampler,
    clipNorm: run.clipNorm,
    estimator: options.method === 'vi' ? (options.viEstimator ?? 'reparameterization') : 'reparameterization',
    hierarchical: layout.precision >= 0,
    adversarial: run.adversarial,
  };
  const oneProgram = run.kernelStrategy === 'fused' || run.kernelStrategy === 'lanes';
  const uncovered = oneProgram ? oneHiddenIneligibility(shape) : null;
  if (uncovered !== null) throw new InvalidInputError(`kernelStrategy '${run.kernelStrategy}' cannot run this training: ${uncovered}; use 'tiled' or 'simple'`);
  // No strategy asked for, a CPU adapter and a step the lanes kernel covers: that kernel (lanes.ts;
  // 1.6x faster a step than the tiles on the UCI grid shape, and no slower from one model up).
  const lanes = adapter.cpu && options.kernelStrategy === undefined && oneHiddenIneligibility(shape) === null;
  return planned(lanes ? { ...run, kernelStrategy: 'lanes' } : run, layout, shape, limits);
}

function planned(run: PreparedRun, layout: TrainLayout, shape: TrainShape, limits: WebGpuLimits): TrainPlan {
  const stepBuffers = stepBufferLayout(shape);
  if (stepBuffers.actFloats * 4 > limits.maxStorageBufferBindingSize || shape.models * layout.size * 4 > limits.maxStorageBufferBindingSize) {
    throw new DeviceLimitError(`training ${shape.models} models with batch ${shape.batch} needs buffers beyond maxStorageBufferBindingSize; train fewer models at once`);
  }
  const hmc = run.hmc;
  if (hmc) {
    const bytes = Math.max(hmc.samples * shape.models * layout.size, hmcTransitions(hmc) * shape.models * HMC_TRACE_FIELDS) * 4;
    if (bytes > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(
        `'hmc' keeps ${hmc.samples} samples of ${shape.models} chains (${bytes} bytes), beyond maxStorageBufferBindingSize; keep fewer samples (hmc.samples, hmc.thin) or run fewer chains at once`,
      );
    }
    const treeBytes = shape.models * nutsVectorsPerChain(hmc.maxTreeDepth) * layout.size * 4;
    if (hmc.algorithm === 'nuts' && treeBytes > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(
        `'nuts' keeps ${nutsVectorsPerChain(hmc.maxTreeDepth)} θ-sized vectors per chain for ${shape.models} chains (${treeBytes} bytes), beyond maxStorageBufferBindingSize; lower hmc.maxTreeDepth or run fewer chains at once`,
      );
    }
  }
  const lanesGathers = run.kernelStrategy === 'lanes' && lanesGatherStorageBuffers(shape) <= limits.maxStorageBuffersPerShaderStage;
  return { run, layout, shape, stepBuffers, lanesGathers };
}
