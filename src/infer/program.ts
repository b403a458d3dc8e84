/**
 * The kernels one predict call runs, chosen from the model layout and the call's options. Kernel
 * sources are pure functions of compile-time choices, so the pipeline cache compiles each at most
 * once per engine.
 */
import { dropoutMasksKernel } from '../../shaders/kernels/dropout-masks.wgsl.js';
import {
  denseFusedKernel,
  denseMarginalKernel,
  denseMaterializedKernel,
  fusedRowsPerTile,
} from '../../shaders/kernels/dense.wgsl.js';
import { noiseKernel } from '../../shaders/kernels/noise.wgsl.js';
import {
  finalizeKernel,
  loglikKernel,
  lpdKernel,
  momentsKernel,
  sampleLoglikKernel,
} from '../../shaders/kernels/reduce.wgsl.js';
import { sampleWeightsKernel } from '../../shaders/kernels/sample-weights.wgsl.js';
import { DeviceLimitError } from '../errors.js';
import type { Kernel } from '../gpu/kernel.js';
import type { ModelLayout } from '../kernels/model-layout.js';
import type { KernelStrategy, SamplingPath } from './types.js';

export type LayerStrategy = 'fused' | 'materialized' | 'marginal';

export interface LayerKernels {
  readonly strategy: LayerStrategy;
  readonly masks: Kernel | null;
  readonly sampleWeights: Kernel | null;
  readonly dense: Kernel;
  /** Inputs per workgroup (fused only). */
  readonly inputsPerWorkgroup: number;
}

export interface Program {
  readonly layers: readonly LayerKernels[];
  readonly noise: Kernel | null;
  readonly moments: Kernel;
  readonly loglik: Kernel | null;
  readonly lpd: Kernel | null;
  readonly sampleLoglik: Kernel | null;
  readonly finalize: Kernel;
  readonly usesMaterializedWeights: boolean;
}

export interface ProgramOptions {
  readonly path: SamplingPath;
  readonly kernel: KernelStrategy;
  readonly withY: boolean;
  readonly returnSamples: boolean;
  /** Floats of workgroup memory a fused tile may use. */
  readonly workgroupFloats: number;
  readonly fusedInputsPerWorkgroup: number;
}

function layerStrategy(path: SamplingPath, kernel: KernelStrategy, rowsPerTile: number, index: number): LayerStrategy {
  if (path === 'marginal') return 'marginal';
  if (kernel === 'materialized') return 'materialized';
  if (rowsPerTile >= 1) return 'fused';
  if (kernel === 'fused') {
    throw new DeviceLimitError(
      `layer ${index} is too wide for the fused kernel on this device (one weight row does not fit workgroup memory); use kernel 'materialized' or 'auto'`,
    );
  }
  return 'materialized';
}

export function buildProgram(layout: ModelLayout, options: ProgramOptions): Program {
  const layers = layout.layers.map((layer): LayerKernels => {
    const rowsPerTile = fusedRowsPerTile(layer, options.workgroupFloats);
    const strategy = layerStrategy(options.path, options.kernel, rowsPerTile, layer.index);
    const masks = layer.maskOffset >= 0 ? dropoutMasksKernel(layer, layout.masksPerSample) : null;
    const inputsPerWorkgroup = options.fusedInputsPerWorkgroup;
    let dense: Kernel;
    if (strategy === 'fused') {
      dense = denseFusedKernel(layer, layout.masksPerSample, { rowsPerTile, inputsPerWorkgroup });
    } else if (strategy === 'materialized') {
      dense = denseMaterializedKernel(layer, layout.weightsPerSample);
    } else {
      dense = denseMarginalKernel(layer, layout.masksPerSample);
    }
    return {
      strategy,
      masks,
      sampleWeights: strategy === 'materialized' ? sampleWeightsKernel(layer, layout.weightsPerSample, layout.masksPerSample) : null,
      dense,
      inputsPerWorkgroup,
    };
  });
  const hetero = layout.noise.spec.kind === 'heteroscedastic';
  return {
    layers,
    noise: hetero ? null : noiseKernel(layout.noise),
    moments: momentsKernel(layout, options.returnSamples),
    loglik: options.withY ? loglikKernel(layout) : null,
    lpd: options.withY ? lpdKernel() : null,
    sampleLoglik: options.withY ? sampleLoglikKernel() : null,
    finalize: finalizeKernel(layout, options.withY),
    usesMaterializedWeights: layers.some((l) => l.strategy === 'materialized'),
  };
}

/** Every kernel of a program, for compiling them together. */
export function programKernels(program: Program): Kernel[] {
  const all: (Kernel | null)[] = [
    ...program.layers.flatMap((l) => [l.masks, l.sampleWeights, l.dense]),
    program.noise,
    program.moments,
    program.loglik,
    program.lpd,
    program.sampleLoglik,
    program.finalize,
  ];
  return all.filter((k): k is Kernel => k !== null);
}
