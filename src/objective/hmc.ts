/**
 * Hamiltonian Monte Carlo ('hmc'): its options and their checks, the dual-averaging step-size
 * adaptation and the per-chain state the GPU keeps, as plain data and float64 maths that the GPU
 * kernels (shaders/train/hmc-*.wgsl) and the float64 oracle (src/reference/train/hmc.ts) both follow.
 * index.ts, HMC, has the transition.
 */
import { InvalidInputError } from '../errors.js';
import { integerOption, numberOption, readOptionsObject, scaleOption } from '../options.js';

/** TrainOptions.hmc: the sampler's settings (all optional). */
export interface HmcOptions {
  /** Chains per model entry (each a slot of its own, started from its own initial θ); default 4. */
  readonly chains?: number;
  /** Warm-up transitions (step size adapted, nothing kept); default 200. */
  readonly warmup?: number;
  /** Samples kept per chain after warm-up; default 200. */
  readonly samples?: number;
  /** Transitions per kept sample (1 keeps every one); default 1. */
  readonly thin?: number;
  /**
   * 'hmc' (default): L fixed leapfrog steps per transition and a Metropolis step; 'nuts': the
   * No-U-Turn sampler (multinomial, NumPyro's iterative tree with the generalised U-turn criterion),
   * which chooses each trajectory's length itself (src/objective/nuts.ts).
   */
  readonly algorithm?: HmcAlgorithm;
  /** Leapfrog steps per transition L ('hmc' only); default 20. */
  readonly leapfrogSteps?: number;
  /** 'nuts': tree doublings per transition at most (up to 2^depth − 1 leapfrog steps); default 10. */
  readonly maxTreeDepth?: number;
  /** Initial step size ε in standardised θ units (adapted in warm-up); default 0.01. */
  readonly stepSize?: number;
  /** The warm-up's target mean acceptance probability δ in (0, 1); default 0.8. */
  readonly targetAccept?: number;
}

export type HmcAlgorithm = 'hmc' | 'nuts';

export const HMC_ALGORITHMS: readonly HmcAlgorithm[] = ['hmc', 'nuts'];

export interface PreparedHmc {
  readonly algorithm: HmcAlgorithm;
  readonly chains: number;
  readonly warmup: number;
  readonly samples: number;
  readonly thin: number;
  /** 'hmc''s L (for 'nuts' unused: 0). */
  readonly leapfrogSteps: number;
  /** 'nuts''s tree depth limit (for 'hmc' unused: 0). */
  readonly maxTreeDepth: number;
  readonly stepSize: number;
  readonly targetAccept: number;
}

/** Kept samples per chain at most: each is a θ copy read back, and an ensemble file holds 1024 members. */
export const MAX_HMC_SAMPLES = 100000;
/** Leapfrog steps per transition at most: each records the gradient programs once. */
export const MAX_LEAPFROG_STEPS = 1024;
/** Chains per model entry at most. */
export const MAX_HMC_CHAINS = 64;
/** 'nuts''s tree depth at most: 2^12 − 1 = 4095 leapfrog steps a transition, and a U-turn checkpoint pair of θ per level. */
export const MAX_TREE_DEPTH = 12;

/** Dual averaging (Hoffman & Gelman 2014, Algorithm 5, Stan's constants): γ, t0, κ, and μ = log(MU_FACTOR ε0). */
export const DUAL_AVERAGING = { gamma: 0.05, t0: 10, kappa: 0.75, muFactor: 10 } as const;

/** A trajectory whose energy error H1 - H0 exceeds this (or is not finite) is a divergence: rejected and counted. */
export const DIVERGENCE_THRESHOLD = 1000;

const HMC_KEYS = ['algorithm', 'chains', 'warmup', 'samples', 'thin', 'leapfrogSteps', 'maxTreeDepth', 'stepSize', 'targetAccept'] as const;

/** TrainOptions.hmc checked with its defaults; null for another method (where giving it is an error). */
export function prepareHmc(method: string, value: unknown): PreparedHmc | null {
  if (method !== 'hmc') {
    if (value !== undefined) throw new InvalidInputError(`hmc options are for method 'hmc', not '${method}'`);
    return null;
  }
  const o = readOptionsObject(value, HMC_KEYS, 'hmc options');
  const int = (name: string, fallback: number, min: number, max: number) => (o[name] === undefined ? fallback : integerOption(o[name], `hmc.${name}`, min, max));
  const targetAccept = o['targetAccept'] === undefined ? 0.8 : numberOption(o['targetAccept'], 'hmc.targetAccept', { min: 0, max: 1 });
  if (!(targetAccept > 0 && targetAccept < 1)) throw new InvalidInputError(`hmc.targetAccept must be strictly between 0 and 1, got ${String(targetAccept)}`);
  const algorithm = o['algorithm'] ?? 'hmc';
  if (typeof algorithm !== 'string' || !HMC_ALGORITHMS.includes(algorithm as HmcAlgorithm))
    throw new InvalidInputError(`hmc.algorithm must be one of ${HMC_ALGORITHMS.join(', ')}, got ${JSON.stringify(algorithm)}`);
  const nuts = algorithm === 'nuts';
  if (nuts && o['leapfrogSteps'] !== undefined)
    throw new InvalidInputError("hmc.leapfrogSteps is for algorithm 'hmc': 'nuts' chooses each trajectory's length (bound it with hmc.maxTreeDepth)");
  if (!nuts && o['maxTreeDepth'] !== undefined) throw new InvalidInputError("hmc.maxTreeDepth is for algorithm 'nuts'");
  return {
    algorithm: algorithm as HmcAlgorithm,
    chains: int('chains', 4, 1, MAX_HMC_CHAINS),
    warmup: int('warmup', 200, 0, 1e6),
    samples: int('samples', 200, 1, MAX_HMC_SAMPLES),
    thin: int('thin', 1, 1, 1e4),
    leapfrogSteps: nuts ? 0 : int('leapfrogSteps', 20, 1, MAX_LEAPFROG_STEPS),
    maxTreeDepth: nuts ? int('maxTreeDepth', 10, 1, MAX_TREE_DEPTH) : 0,
    stepSize: o['stepSize'] === undefined ? 0.01 : scaleOption(o['stepSize'], 'hmc.stepSize'),
    targetAccept,
  };
}

/** Transitions of a run: warm-up, then samples × thin. */
export function hmcTransitions(hmc: PreparedHmc): number {
  return hmc.warmup + hmc.samples * hmc.thin;
}

/** Whether transition t (0-based) is kept, and as which sample: the last of each group of `thin` after warm-up. */
export function keptSample(hmc: PreparedHmc, t: number): number | null {
  const after = t - hmc.warmup + 1;
  return after > 0 && after % hmc.thin === 0 ? after / hmc.thin - 1 : null;
}

/**
 * The per-chain state between transitions (one row of CHAIN_FIELDS floats per chain on the GPU,
 * shaders/train/hmc-accept.wgsl): the current potential and step size, dual averaging's running
 * values, and the counters the result reports.
 */
export const CHAIN_FIELDS = [
  /** U(θ) = N × 'map''s full-batch loss at the current θ. */
  'potential',
  /** ε of the next transition. */
  'stepSize',
  /** Dual averaging: log ε̄ (the step size after warm-up is its exp) and H̄. */
  'logStepSizeBar',
  'hBar',
  /** Transitions after warm-up accepted, and their acceptance probabilities summed. */
  'accepted',
  'acceptSum',
  /** Divergent transitions in warm-up and after it. */
  'warmupDivergences',
  'divergences',
  /** The last transition: accepted (1) or not (0), its acceptance probability and energy error H1 - H0. */
  'lastAccepted',
  'lastAcceptProb',
  'lastEnergyError',
  /** 'nuts', after warm-up: tree depths and leapfrog steps summed, and transitions that stopped at maxTreeDepth. */
  'treeDepthSum',
  'leapfrogSum',
  'maxDepthHits',
] as const;

export type ChainField = (typeof CHAIN_FIELDS)[number];

export function chainField(name: ChainField): number {
  return CHAIN_FIELDS.indexOf(name);
}

/** One chain's dual-averaging state. */
export interface DualAveraging {
  stepSize: number;
  logStepSizeBar: number;
  hBar: number;
}

/** The state before warm-up: ε0, log ε̄ = 0, H̄ = 0. */
export function dualAveragingStart(stepSize: number): DualAveraging {
  return { stepSize, logStepSizeBar: 0, hBar: 0 };
}

/**
 * Warm-up iteration i (1-based) with acceptance probability α: H̄ ← (1 - 1/(i + t0)) H̄ + (δ - α)/(i + t0),
 * log ε ← μ - sqrt(i)/γ H̄, log ε̄ ← i^-κ log ε + (1 - i^-κ) log ε̄; after the last warm-up iteration
 * ε ← exp(log ε̄) (frozen). μ = log(10 ε0).
 */
export function dualAveragingUpdate(s: DualAveraging, alpha: number, i: number, initialStepSize: number, targetAccept: number, last: boolean): void {
  const { gamma, t0, kappa, muFactor } = DUAL_AVERAGING;
  const w = 1 / (i + t0);
  s.hBar = (1 - w) * s.hBar + w * (targetAccept - alpha);
  const logEps = Math.log(muFactor * initialStepSize) - (Math.sqrt(i) / gamma) * s.hBar;
  const eta = i ** -kappa;
  s.logStepSizeBar = eta * logEps + (1 - eta) * s.logStepSizeBar;
  s.stepSize = Math.exp(last ? s.logStepSizeBar : logEps);
}

/** Metropolis acceptance of a trajectory with energy error dH = H1 - H0: probability min(1, exp(-dH)), 0 and divergent when dH is not finite or above DIVERGENCE_THRESHOLD. */
export function acceptance(energyError: number): { readonly probability: number; readonly divergent: boolean } {
  if (!Number.isFinite(energyError) || energyError > DIVERGENCE_THRESHOLD) return { probability: 0, divergent: true };
  return { probability: Math.min(1, Math.exp(-energyError)), divergent: false };
}

/** One chain's sampler statistics (after warm-up unless named so). */
export interface ChainDiagnostics {
  /** Fraction of the kept-phase transitions accepted. */
  readonly acceptRate: number;
  /** Mean Metropolis acceptance probability min(1, exp(-ΔH)) over those transitions (what warm-up targets). */
  readonly meanAcceptProb: number;
  readonly divergences: number;
  readonly warmupDivergences: number;
  /** The step size after warm-up (frozen). */
  readonly stepSize: number;
  /** 'nuts': the mean tree depth and leapfrog steps per transition after warm-up, and how many transitions hit maxTreeDepth; null for 'hmc'. */
  readonly tree: { readonly meanDepth: number; readonly meanLeapfrogSteps: number; readonly maxDepthHits: number } | null;
}

/** Convergence of one model entry's chains, on quantities comparable across chains (weights are not identifiable). */
export interface PosteriorDiagnostics {
  /** The entry's chains (slots). */
  readonly chains: readonly number[];
  /** Split R-hat (rank-normalised, the max of bulk and folded) and bulk ESS of U(θ), over the kept samples. */
  readonly potential: { readonly rHat: number; readonly ess: number };
  /** The same for log σ ('map''s learnt noise); null when the noise is known or per input. */
  readonly logSigma: { readonly rHat: number; readonly ess: number } | null;
  /** The same for the network's first output (standardised units) at a few of the entry's rows (the probe rows, positions 0, n/2, n-1 of its rows). */
  readonly probes: readonly { readonly row: number; readonly rHat: number; readonly ess: number }[];
}

export interface McmcDiagnostics {
  readonly chains: readonly ChainDiagnostics[];
  /** One per entry of options.models (null R-hat / ESS entries need at least 2 chains and 4 samples). */
  readonly posteriors: readonly PosteriorDiagnostics[];
  /** Per chain, U(θ) at every kept sample. */
  readonly potential: readonly Float64Array[];
}
