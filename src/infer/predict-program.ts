/**
 * The programs one predict call runs, chosen from the model layout and the call's options. Program
 * sources are pure functions of compile-time choices, so the device's pipeline cache compiles each
 * at most once.
 */
import { dropoutMasksProgram, noiseProgram, sampleWeightsProgram, sampleWeightsSamplesPerThread } from '../kernels/infer/draws.js';
import {
  denseFusedProgram,
  denseMarginalProgram,
  denseMaterializedProgram,
  denseRegistersProgram,
  denseSubgroupsProgram,
  subgroupsInputsPerThread,
  denseTiledProgram,
  fusedRowsPerTile,
  type ChunkRun,
  type MatmulBlocking,
} from '../kernels/infer/dense.js';
import { denseNetworkProgram, networkRefusal } from '../kernels/infer/dense-network.js';
import { denseLanesProgram } from '../kernels/infer/dense-lanes.js';
import {
  classFinalizeProgram,
  classLoglikProgram,
  classMomentsProgram,
  likLoglikProgram,
  likMomentsProgram,
  finalizeProgram,
  loglikProgram,
  lpdProgram,
  momentsProgram,
  quantileProgram,
  sampleLoglikProgram,
  type QuantileRun,
} from '../kernels/infer/reduce.js';
import type { Program as KernelProgram } from '../kernels/program.js';
import { DeviceLimitError } from '../errors.js';
import type { ModelLayout } from '../model/gpu-layout.js';
import type { KernelStrategy, LayerKernel, SamplingPath } from './types.js';

type Kernel = KernelProgram<ChunkRun>;

export type LayerStrategy = LayerKernel;

export interface LayerKernels {
  readonly strategy: LayerStrategy;
  readonly masks: Kernel | null;
  readonly sampleWeights: Kernel | null;
  /** The layer's own dense kernel; null when PredictProgram.network runs every layer. */
  readonly dense: Kernel | null;
}

export interface PredictProgram {
  readonly layers: readonly LayerKernels[];
  /** The 'network' kernel, run after every layer's sampleWeights in place of their dense kernels; else null. */
  readonly network: Kernel | null;
  readonly noise: Kernel | null;
  readonly moments: Kernel;
  readonly loglik: Kernel | null;
  readonly lpd: Kernel | null;
  readonly sampleLoglik: Kernel | null;
  readonly finalize: Kernel;
  /** Exact predictive quantiles over the stored samples (options.quantiles), or null. */
  readonly quantile: KernelProgram<QuantileRun> | null;
  readonly usesMaterializedWeights: boolean;
  /** Whether every sample's f and scale are kept ([S, N, D]): for returnSamples and for quantiles. */
  readonly storesSamples: boolean;
  /** A classifier's programs (categorical, bernoulli): per-sample logits only, no observation scale or y draws. */
  readonly classifier: boolean;
  /**
   * Whether each sample has a Normal observation scale (scaleSamples and quantiles): the Normal model
   * only; the others store f (a classifier's logits, the sample's mean) and their y draws per sample.
   */
  readonly observationScale: boolean;
}

export interface ProgramOptions {
  readonly path: SamplingPath;
  readonly kernel: KernelStrategy;
  readonly withY: boolean;
  readonly returnSamples: boolean;
  readonly withQuantiles: boolean;
  /** Floats of workgroup memory a fused tile may use. */
  readonly workgroupFloats: number;
  readonly fusedInputsPerWorkgroup: number;
  readonly registersInputsPerThread: number;
  readonly matmulBlocking: MatmulBlocking;
  /** Inputs per chunk, to judge whether fusing pays off. */
  readonly inputsPerChunk: number;
  /** CPU adapters (SwiftShader) pay dearly for workgroup memory and per-workgroup overhead. */
  readonly cpuAdapter: boolean;
  /** Whether the device has the 'subgroups' feature (the subgroups kernel needs it). */
  readonly subgroups: boolean;
}

/** Largest layer input a 'registers' thread keeps in a private array. */
export const REGISTERS_MAX_INPUTS = 4096;

/**
 * 'auto': on a CPU adapter (SwiftShader) loads from workgroup and private memory are slow and each
 * workgroup costs ~0.1 ms, so weights are materialised once per sample and read by a
 * register-blocked vec4 matmul (13-50-50-1, S = 1000, N = 256 in Node: materialized 5.7 s,
 * registers 12.8 s, workgroup-fused 19-25 s), the lanes form of it (256-512-512-10, S = 100,
 * N = 64: 2.21 s against the dot-product form's 2.87 s), when the network kernel does not take the
 * whole model (usesNetworkKernel). On a GPU the workgroup-memory fused kernel, whose
 * weights are drawn once per (sample, input tile) and shared by 64 threads, when a row fits.
 */
function layerStrategy(o: ProgramOptions, rowsPerTile: number, index: number, inputs: number): LayerStrategy {
  if (o.path === 'marginal') return 'marginal';
  if (o.kernel === 'materialized') return 'materialized';
  if (o.kernel === 'lanes' || (o.kernel === 'auto' && o.cpuAdapter)) return 'lanes';
  // Its tiles take 4 KiB of workgroup memory whatever the layer's shape: every device has that.
  if (o.kernel === 'tiled') return 'tiled';
  if (o.kernel === 'subgroups') {
    if (o.subgroups) return 'subgroups';
    throw new DeviceLimitError(
      "kernel 'subgroups' needs the device's 'subgroups' feature, which this device was not created with (its adapter lacks it, or the device was made elsewhere); use kernel 'materialized' or 'auto'",
    );
  }
  if (o.kernel === 'registers') {
    if (inputs <= REGISTERS_MAX_INPUTS) return 'registers';
    throw new DeviceLimitError(`layer ${index} has ${inputs} inputs, beyond the registers kernel's ${REGISTERS_MAX_INPUTS}; use kernel 'fused', 'materialized' or 'auto'`);
  }
  if (rowsPerTile >= 1) return 'fused';
  if (o.kernel === 'fused') {
    throw new DeviceLimitError(
      `layer ${index} is too wide for the fused kernel on this device (one weight row does not fit workgroup memory); use kernel 'materialized' or 'auto'`,
    );
  }
  return 'materialized';
}

/**
 * Whether the network kernel runs every layer: asked for by name (refused when a layer is too wide),
 * or 'auto' on a CPU adapter when every layer fits it (13-50-50-1, S = 1000 in Node on SwiftShader:
 * N = 256 in 0.60 s against materialized's 0.84 s in the peer run of bench/README.md; at N = 1, which
 * 'auto' sends down the marginal path, 148 against 167 ms in one run and 198 against 143 ms in the
 * peer run).
 * Not on a GPU: no GPU has measured it, and its many live accumulators per thread are what a GPU's
 * register file is short of.
 */
function usesNetworkKernel(layout: ModelLayout, o: ProgramOptions): boolean {
  if (o.path !== 'joint') return false;
  const refusal = networkRefusal(layout);
  if (o.kernel === 'network') {
    if (refusal) throw new DeviceLimitError(`${refusal}; use kernel 'materialized' or 'auto'`);
    return true;
  }
  return o.kernel === 'auto' && o.cpuAdapter && refusal === null;
}

export function buildProgram(layout: ModelLayout, options: ProgramOptions): PredictProgram {
  const network = usesNetworkKernel(layout, options);
  const samplesPerThread = sampleWeightsSamplesPerThread(options.cpuAdapter);
  const layers = layout.layers.map((layer): LayerKernels => {
    if (network) {
      return {
        strategy: 'network',
        masks: layer.maskOffset >= 0 ? dropoutMasksProgram(layer, layout.masksPerSample) : null,
        sampleWeights: sampleWeightsProgram(layer, layout.weightsPerSample, layout.masksPerSample, samplesPerThread),
        dense: null,
      };
    }
    const rowsPerTile = fusedRowsPerTile(layer, options.workgroupFloats);
    const inputsPerWorkgroup = Math.min(options.fusedInputsPerWorkgroup, options.inputsPerChunk);
    const inputsPerThread = Math.min(options.registersInputsPerThread, options.inputsPerChunk);
    const strategy = layerStrategy(options, rowsPerTile, layer.index, layer.inputs);
    const inputsPerSubgroupsThread = subgroupsInputsPerThread(options.inputsPerChunk);
    const masks = layer.maskOffset >= 0 ? dropoutMasksProgram(layer, layout.masksPerSample) : null;
    let dense: Kernel;
    if (strategy === 'fused') {
      dense = denseFusedProgram(layer, layout.masksPerSample, { rowsPerTile, inputsPerWorkgroup });
    } else if (strategy === 'tiled') {
      dense = denseTiledProgram(layer, layout.masksPerSample);
    } else if (strategy === 'registers') {
      dense = denseRegistersProgram(layer, layout.masksPerSample, inputsPerThread);
    } else if (strategy === 'materialized') {
      dense = denseMaterializedProgram(layer, layout.weightsPerSample, options.matmulBlocking);
    } else if (strategy === 'lanes') {
      dense = denseLanesProgram(layer, layout.weightsPerSample);
    } else if (strategy === 'subgroups') {
      dense = denseSubgroupsProgram(layer, layout.weightsPerSample, inputsPerSubgroupsThread);
    } else {
      dense = denseMarginalProgram(layer, layout.masksPerSample);
    }
    const materialized = strategy === 'materialized' || strategy === 'subgroups' || strategy === 'lanes';
    return {
      strategy,
      masks,
      sampleWeights: materialized ? sampleWeightsProgram(layer, layout.weightsPerSample, layout.masksPerSample, samplesPerThread) : null,
      dense,
    };
  });
  const storesSamples = options.returnSamples || options.withQuantiles;
  const withLpd = options.withY;
  const shared = {
    layers,
    network: network ? denseNetworkProgram(layout) : null,
    lpd: withLpd ? lpdProgram() : null,
    sampleLoglik: withLpd ? sampleLoglikProgram() : null,
    usesMaterializedWeights: layers.some((l) => l.sampleWeights !== null),
    storesSamples,
  };
  if (layout.likelihood === 'categorical' || layout.likelihood === 'bernoulli') {
    return {
      ...shared,
      noise: null,
      moments: classMomentsProgram(layout, storesSamples, options.returnSamples),
      loglik: withLpd ? classLoglikProgram(layout) : null,
      finalize: classFinalizeProgram(layout, withLpd),
      quantile: null,
      classifier: true,
      observationScale: false,
    };
  }
  if (layout.likelihood === 'student-t' || layout.likelihood === 'beta' || layout.likelihood === 'dirichlet') {
    const hetero = layout.noise?.spec.kind === 'heteroscedastic';
    return {
      ...shared,
      noise: layout.noise && !hetero ? noiseProgram(layout.noise) : null,
      moments: likMomentsProgram(layout, storesSamples, options.returnSamples),
      loglik: withLpd ? likLoglikProgram(layout) : null,
      finalize: finalizeProgram(layout, withLpd),
      quantile: null,
      classifier: false,
      observationScale: false,
    };
  }
  if (!layout.noise) throw new RangeError(`internal: no predict programs for a '${layout.likelihood}' likelihood`);
  const hetero = layout.noise.spec.kind === 'heteroscedastic';
  return {
    ...shared,
    noise: hetero ? null : noiseProgram(layout.noise),
    moments: momentsProgram(layout, storesSamples, options.returnSamples),
    loglik: withLpd ? loglikProgram(layout) : null,
    finalize: finalizeProgram(layout, withLpd),
    quantile: options.withQuantiles ? quantileProgram(layout.outputDim) : null,
    classifier: false,
    observationScale: true,
  };
}

/** Every program of a call, for compiling them together. */
export function programKernels(program: PredictProgram): KernelProgram<never>[] {
  const all: (KernelProgram<never> | null)[] = [
    ...program.layers.flatMap((l) => [l.masks, l.sampleWeights, l.dense]),
    program.network,
    program.noise,
    program.moments,
    program.loglik,
    program.lpd,
    program.sampleLoglik,
    program.finalize,
    program.quantile,
  ];
  return all.filter((k): k is KernelProgram<never> => k !== null);
}
