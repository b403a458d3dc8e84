/**
 * Convergence diagnostics of posterior samples kept as chains of delta models (the samplers'
 * TrainResult.snapshots: [chain][draw]): split R-hat and bulk ESS (src/math/mcmc-diagnostics.ts)
 * across the chains of a few scalar summaries of each sample, namely the network's predicted mean
 * (output unit 0 in the target's units) at given probe inputs and log σ of a global noise scale
 * when the samples carry one that varies. Plain float64 on the host: a sample's forward pass at a
 * handful of inputs is cheap next to the sampling.
 */
import { InvalidInputError } from '../errors.js';
import { applyActivation } from '../math/activations.js';
import { convergence } from '../math/mcmc-diagnostics.js';
import { scaleLikelihood, tensorNames, type Model } from '../model/spec.js';

/** One summary's diagnostics across the chains. */
export interface ChainQuantity {
  /** 'mean(x0)', 'mean(x1)', ... for the probes in order; 'log sigma'. */
  readonly name: string;
  readonly rHat: number;
  readonly ess: number;
}

export interface ChainDiagnostics {
  readonly chains: number;
  readonly drawsPerChain: number;
  readonly quantities: readonly ChainQuantity[];
  /** The largest R-hat and the smallest ESS over the quantities (NaN-free ones). */
  readonly maxRHat: number;
  readonly minEss: number;
}

function tensorData(model: Model, name: string): Float32Array {
  const t = model.tensors.get(name);
  if (!t) throw new InvalidInputError(`chain diagnostics need point (delta) samples: tensor '${name}' is missing`);
  return t.data;
}

/**
 * The network's output unit 0 at x (original units) for a delta model, in the target's units
 * (y's standardisation undone; the identity for targets that are not standardised).
 */
export function predictedMean(model: Model, x: ArrayLike<number>): number {
  const { spec } = model;
  const st = spec.standardization;
  let h = Float64Array.from({ length: spec.inputDim }, (_, i) => ((x[i] ?? NaN) - (st?.xMean[i] ?? 0)) / (st?.xStd[i] ?? 1));
  spec.layers.forEach((layer, l) => {
    if (layer.weight.posterior !== 'delta' || layer.bias.posterior !== 'delta') throw new InvalidInputError(`chain diagnostics need point (delta) samples: layer ${l} is not`);
    const w = tensorData(model, tensorNames.weightLoc(l));
    const b = tensorData(model, tensorNames.biasLoc(l));
    const slopes = layer.activation === 'prelu' ? tensorData(model, tensorNames.preluSlope(l)) : null;
    const inputs = h.length;
    h = Float64Array.from({ length: layer.units }, (_, j) => {
      let z = b[j] ?? NaN;
      for (let i = 0; i < inputs; i++) z += (w[j * inputs + i] ?? NaN) * (h[i] ?? NaN);
      return applyActivation(layer.activation, z, slopes ? (slopes[j] ?? NaN) : layer.leakySlope);
    });
  });
  return (h[0] ?? NaN) * (st?.yStd[0] ?? 1) + (st?.yMean[0] ?? 0);
}

/** log σ of a sample's fixed global noise scale; null when it has none (a heteroscedastic head, a classifier). */
function logSigma(model: Model): number | null {
  const noise = scaleLikelihood(model.spec.likelihood)?.noise;
  return noise?.kind === 'fixed' ? Math.log(noise.sigma) : null;
}

/**
 * R-hat and ESS across `chains` ([chain][draw], equal lengths >= 4) of the predicted mean at each
 * probe input (original units) and of log σ when the samples' noise scale varies within a chain.
 */
export function chainDiagnostics(chains: readonly (readonly Model[])[], probes: readonly ArrayLike<number>[]): ChainDiagnostics {
  const draws = chains[0]?.length ?? 0;
  if (chains.length === 0 || chains.some((c) => c.length !== draws) || draws < 4)
    throw new InvalidInputError('chain diagnostics need at least one chain, all with the same number of draws, at least 4');
  const traces: { name: string; chains: Float64Array[] }[] = probes.map((x, p) => ({
    name: `mean(x${p})`,
    chains: chains.map((chain) => Float64Array.from(chain, (model) => predictedMean(model, x))),
  }));
  const sigmas = chains.map((chain) => chain.map(logSigma));
  // A noise scale fixed per chain (tau) is no sampled quantity, though it may differ between chains.
  const sampled = sigmas.some((c) => new Set(c).size > 1);
  if (sampled && sigmas.every((c) => c.every((v) => v !== null))) {
    traces.push({ name: 'log sigma', chains: sigmas.map((c) => Float64Array.from(c, (v) => v ?? NaN)) });
  }
  // A diverged sample's non-finite mean leaves its quantity NaN rather than failing the report.
  const quantities = traces.map((t) => ({ name: t.name, ...convergence(t.chains) }));
  const rHats = quantities.map((q) => q.rHat).filter((v) => !Number.isNaN(v));
  const esses = quantities.map((q) => q.ess).filter((v) => !Number.isNaN(v));
  return {
    chains: chains.length,
    drawsPerChain: draws,
    quantities,
    maxRHat: rHats.length > 0 ? Math.max(...rHats) : NaN,
    minEss: esses.length > 0 ? Math.min(...esses) : NaN,
  };
}
