/**
 * 'hmc''s result diagnostics from what the sampler kept, for the GPU trainer and the float64 oracle
 * alike: per chain its acceptance, divergences and frozen step size (the chain state of hmc.ts),
 * and per model entry split R-hat and bulk ESS (src/math/mcmc-diagnostics.ts) over its chains of
 * U(θ), log σ (when learnt) and the network's first output at a few of the entry's rows: weights
 * are not identifiable (hidden units permute, signs flip), so convergence is judged on quantities
 * every chain shares.
 */
import { applyActivation } from '../math/activations.js';
import { convergence } from '../math/mcmc-diagnostics.js';
import { DEFAULT_LEAKY_SLOPE } from '../model/spec.js';
import type { ChainDiagnostics, McmcDiagnostics, PosteriorDiagnostics, PreparedHmc } from './hmc.js';
import type { TrainLayout } from './layout.js';
import type { PreparedRun } from './prepare.js';

/** The network's first output (standardised units) at one standardised input row, in float64. */
export function firstOutput(layout: TrainLayout, theta: ArrayLike<number>, x: ArrayLike<number>): number {
  let h = Array.from(x);
  for (const layer of layout.layers) {
    const out: number[] = [];
    for (let j = 0; j < layer.units; j++) {
      let z = theta[layer.bias + j] ?? NaN;
      for (let i = 0; i < layer.inputs; i++) z += (theta[layer.weight + j * layer.inputs + i] ?? NaN) * (h[i] ?? NaN);
      const slope = layer.prelu >= 0 ? (theta[layer.prelu + j] ?? NaN) : DEFAULT_LEAKY_SLOPE;
      out.push(applyActivation(layer.activation, z, slope));
    }
    h = out;
  }
  return h[0] ?? NaN;
}

/** Positions (into a model's rows) of the probe rows: first, middle, last, without repeats. */
export function probePositions(n: number): number[] {
  return [...new Set([0, Math.floor(n / 2), n - 1])];
}

export interface SamplerRecord {
  /** [chain][k]: θ of each kept sample. */
  readonly samples: readonly (readonly ArrayLike<number>[])[];
  /** [chain][k]: U(θ) of each kept sample. */
  readonly potential: readonly Float64Array[];
  /** Per chain: accepted transitions and summed acceptance probabilities after warm-up, divergences, the frozen step size. */
  readonly chains: readonly {
    readonly accepted: number;
    readonly acceptSum: number;
    readonly divergences: number;
    readonly warmupDivergences: number;
    readonly stepSize: number;
    /** 'nuts', after warm-up: tree depths and leapfrog steps summed, transitions that hit maxTreeDepth. */
    readonly treeDepthSum: number;
    readonly leapfrogSum: number;
    readonly maxDepthHits: number;
  }[];
}

export function mcmcDiagnostics(layout: TrainLayout, run: PreparedRun, hmc: PreparedHmc, record: SamplerRecord): McmcDiagnostics {
  const kept = hmc.samples * hmc.thin;
  const chains = record.chains.map((c): ChainDiagnostics => ({
    acceptRate: c.accepted / kept,
    meanAcceptProb: c.acceptSum / kept,
    divergences: c.divergences,
    warmupDivergences: c.warmupDivergences,
    stepSize: c.stepSize,
    tree: hmc.algorithm === 'nuts' ? { meanDepth: c.treeDepthSum / kept, meanLeapfrogSteps: c.leapfrogSum / kept, maxDepthHits: c.maxDepthHits } : null,
  }));
  const entries = run.models.length / hmc.chains;
  const posteriors = Array.from({ length: entries }, (_, entry): PosteriorDiagnostics => {
    const slots = Array.from({ length: hmc.chains }, (_, c) => entry * hmc.chains + c);
    const model = run.models[slots[0] ?? 0];
    const quantity = (f: (theta: ArrayLike<number>) => number) => convergence(slots.map((s) => Float64Array.from(record.samples[s] ?? [], f)));
    const d = run.inputDim;
    const probes = (model ? probePositions(model.rows.length) : []).map((position) => {
      const row = model?.rows[position] ?? 0;
      const x = Float64Array.from({ length: d }, (_, c) => ((run.x[row * d + c] ?? NaN) - (model?.xMean[c] ?? NaN)) / (model?.xStd[c] ?? NaN));
      return { row, ...quantity((theta) => firstOutput(layout, theta, x)) };
    });
    return {
      chains: slots,
      potential: convergence(slots.map((s) => record.potential[s] ?? new Float64Array(0))),
      logSigma: layout.method === 'map' && layout.noise >= 0 ? quantity((theta) => theta[layout.noise] ?? NaN) : null,
      probes,
    };
  });
  return { chains, posteriors, potential: record.potential };
}
