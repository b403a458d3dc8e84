/**
 * The benchmark page's workloads: what its inputs start from. 'quick' finishes in about a minute on
 * SwiftShader (the CPU fallback, where a 13-50-50-1 network runs at a few 100 k samples × inputs
 * per second) and is the default there; 'gpu' is the larger grid worth timing on a GPU (minutes to
 * hours on a CPU fallback: 64-256-256-1 at S = 10000, N = 4096 alone is 3.4 TFLOP per call).
 */
import type { KernelChoice } from '../src/index.js';

/** The engine's strategies, and the peer: the same model in TF.js on its WebGPU backend (bench-tfjs.ts). */
export type EngineStrategy = KernelChoice | 'marginal';
export type Strategy = EngineStrategy | 'tfjs-webgpu';
export const STRATEGIES: readonly Strategy[] = ['auto', 'calibrate', 'fused', 'tiled', 'registers', 'materialized', 'lanes', 'subgroups', 'network', 'marginal', 'tfjs-webgpu'];

export interface Workload {
  readonly label: string;
  /** Architectures separated by ';' (the input's text). */
  readonly architectures: string;
  /** Comma-separated lists (the inputs' text). */
  readonly samples: string;
  readonly inputs: string;
  readonly strategies: readonly Strategy[];
  readonly repeats: number;
}

export type WorkloadName = 'quick' | 'gpu';

export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  quick: {
    label: 'quick (about a minute on SwiftShader)',
    architectures: '1-32-32-1; 13-50-50-1',
    samples: '100',
    inputs: '64, 256',
    // 'fused' is left out: on a CPU fallback it is 3-8x slower than 'auto' (which materialises there and runs these narrow models in the network kernel).
    strategies: ['auto', 'marginal', 'tfjs-webgpu'],
    repeats: 2,
  },
  gpu: {
    label: 'GPU (larger S and N; far too slow on a CPU fallback)',
    architectures: '1-32-32-1; 13-50-50-1; 64-256-256-1',
    samples: '1000, 10000',
    inputs: '256, 4096',
    strategies: ['auto', 'calibrate', 'fused', 'tiled', 'materialized', 'lanes', 'subgroups', 'network', 'marginal', 'tfjs-webgpu'],
    repeats: 3,
  },
};

export function isWorkloadName(name: string): name is WorkloadName {
  return name === 'quick' || name === 'gpu';
}
