/**
 * The Laplace posterior of one trained model, computed on the host in float64 from its MAP θ:
 * N(θ*, H⁻¹) over the structure's parameters (ggn.ts), H = G c + δ I (evidence.ts), everything
 * else (PReLU slopes, log df) held at θ*. 'diagonal' keeps H's diagonal (the engine's mean-field
 * 'normal' posterior); 'last-layer' keeps H in full and its Cholesky factor (Σ = H⁻¹); 'kfac' keeps
 * each layer's Kronecker factors' eigenbases and H's eigenvalues c q_j a_i + δ in them.
 */
import { InvalidInputError } from '../errors.js';
import { integerOption, oneOfOption, optional, readOptionsObject, scaleOption, booleanOption } from '../options.js';
import type { TrainLikelihoodInfo } from '../objective/likelihood.js';
import type { TrainLayout } from '../objective/layout.js';
import { checkLaplaceLikelihood, globalNoise, normalLogLik } from './curvature.js';
import { logEvidence, tuneHyper } from './evidence.js';
import { computeCurvature, LAPLACE_STRUCTURES, type Curvature, type KronFactors, type LaplaceRows, type LaplaceStructure } from './ggn.js';
import { cholesky, inverseFromCholesky } from './linalg.js';

/**
 * Most last-layer parameters (K (H + 1)) the full covariance takes: each evidence evaluation is a
 * Cholesky factorisation, O(P³), about 50 of them per tuning; 1024 keeps that to seconds in float64.
 */
export const MAX_FULL_COVARIANCE_PARAMS = 1024;
/**
 * Widest KFAC factor (a layer's inputs + 1, or its units): each is eigendecomposed by Jacobi
 * rotations, O(n³) a sweep in float64 on the host; 1025 takes about a minute.
 */
export const MAX_KFAC_FACTOR_WIDTH = 1025;
/** Most last-layer or KFAC draws (the ensemble file's member limit, model/ensemble-file.ts). */
export const MAX_LAPLACE_SAMPLES = 1024;
export const DEFAULT_LAPLACE_SAMPLES = 100;

export interface LaplaceOptions {
  /**
   * 'last-layer' (default): full covariance over the last layer; 'diagonal': the GGN's diagonal over
   * every weight and bias; 'kfac': a Kronecker-factored GGN block per layer over every weight and bias.
   */
  readonly structure?: LaplaceStructure;
  /**
   * The prior precision δ of the Laplace parameters' N(0, δ⁻¹) prior: a number, or 'marglik'
   * (default) to maximise Laplace's evidence over it with θ* fixed (evidence.ts).
   */
  readonly priorPrecision?: number | 'marglik';
  /**
   * A normal likelihood with a global σ: also maximise the evidence over σ (Immer et al. 2021).
   * Default: true with priorPrecision 'marglik', false with a fixed one. Refused elsewhere.
   */
  readonly tuneNoise?: boolean;
  /** 'last-layer' and 'kfac': correlated draws saved as point models (default 100, at most 1024). */
  readonly samples?: number;
}

export interface ResolvedLaplaceOptions {
  readonly structure: LaplaceStructure;
  readonly priorPrecision: number | 'marglik';
  readonly tuneNoise: boolean;
  readonly samples: number;
}

/** LaplaceOptions checked (InvalidInputError naming the option) with their defaults. */
export function resolveLaplaceOptions(value: unknown, info: TrainLikelihoodInfo): ResolvedLaplaceOptions {
  const o = readOptionsObject(value, ['structure', 'priorPrecision', 'tuneNoise', 'samples'], 'laplace options');
  checkLaplaceLikelihood(info);
  const structure = optional(o['structure'], 'last-layer', (v) => oneOfOption(v, 'laplace.structure', LAPLACE_STRUCTURES));
  const prior = o['priorPrecision'];
  const priorPrecision = prior === undefined || prior === 'marglik' ? 'marglik' : scaleOption(prior, "laplace.priorPrecision (a number or 'marglik')");
  const tuneNoise = optional(o['tuneNoise'], priorPrecision === 'marglik' && globalNoise(info), (v) => booleanOption(v, 'laplace.tuneNoise'));
  if (tuneNoise && !globalNoise(info))
    throw new InvalidInputError(
      `laplace.tuneNoise tunes a normal likelihood's global noise σ; this model has none (${info.heteroscedastic ? 'a heteroscedastic head' : info.kind})`,
    );
  const samples = optional(o['samples'], DEFAULT_LAPLACE_SAMPLES, (v) => integerOption(v, 'laplace.samples', 1, MAX_LAPLACE_SAMPLES));
  if (o['samples'] !== undefined && structure === 'diagonal')
    throw new InvalidInputError("laplace.samples is the number of last-layer or KFAC draws; the 'diagonal' posterior is sampled by the engine");
  return { structure, priorPrecision, tuneNoise, samples };
}

export interface LaplacePosterior {
  readonly structure: LaplaceStructure;
  /** θ indices of the Laplace parameters (ascending; objective/layout.ts). */
  readonly params: Int32Array;
  /** The MAP θ (with log σ set to the σ used, when σ was tuned). */
  readonly theta: Float64Array;
  /** δ: the tuned or given prior precision of the Laplace parameters. */
  readonly priorPrecision: number;
  /** The global noise σ used (standardised units), NaN without one (classifiers, a heteroscedastic head). */
  readonly sigma: number;
  /** Laplace's log evidence at δ and σ, in standardised target units (evidence.ts). */
  readonly logEvidence: number;
  /** log p(D | θ*) at σ. */
  readonly logLikelihood: number;
  /** 'diagonal': H's diagonal (length P); 'last-layer': H in full (P x P row-major); 'kfac': H's eigenvalues (Curvature.ggn's order). */
  readonly precision: Float64Array;
  /** 'diagonal': the variances 1/H_ii; 'last-layer': Σ = H⁻¹ (P x P row-major); 'kfac': Σ's eigenvalues 1/precision. */
  readonly covariance: Float64Array;
  /** 'last-layer': L with H = L Lᵀ (draws are θ* + L⁻ᵀ z); null otherwise. */
  readonly precisionCholesky: Float64Array | null;
  /** 'kfac': each layer's factors, whose eigenvectors are the eigenbasis of `precision`; null otherwise. */
  readonly kron: readonly KronFactors[] | null;
}

/** |θ_params|². */
function squaredNorm(theta: ArrayLike<number>, params: Int32Array): number {
  let s = 0;
  for (const i of params) s += (theta[i] as number) ** 2;
  return s;
}

/** The posterior from a curvature at given δ and σ. */
function posteriorAt(layout: TrainLayout, theta: ArrayLike<number>, c: Curvature, delta: number, sigma: number): LaplacePosterior {
  const P = c.params.length;
  const scale = Number.isNaN(sigma) ? 1 : 1 / (sigma * sigma);
  const mapTheta = Float64Array.from(theta);
  if (!Number.isNaN(sigma) && layout.noise >= 0) mapTheta[layout.noise] = Math.log(sigma);
  const thetaSq = squaredNorm(theta, c.params);
  const common = {
    structure: c.structure,
    params: c.params,
    theta: mapTheta,
    priorPrecision: delta,
    sigma,
    logEvidence: logEvidence(c, thetaSq, delta, sigma),
    logLikelihood: Number.isNaN(sigma) ? c.fit : normalLogLik(c.fit, c.rows, sigma),
  };
  if (c.structure !== 'last-layer') {
    const precision = c.ggn.map((g) => g * scale + delta);
    return { ...common, precision, covariance: precision.map((h) => 1 / h), precisionCholesky: null, kron: c.kron };
  }
  const precision = c.ggn.map((g) => g * scale);
  for (let i = 0; i < P; i++) precision[i * P + i] = (precision[i * P + i] as number) + delta;
  const L = cholesky(precision, P);
  return { ...common, precision, covariance: inverseFromCholesky(L, P), precisionCholesky: L, kron: null };
}

/** The Laplace posterior of θ (a 'map' θ of `layout`) on one model's standardised training rows. */
export function laplacePosterior(layout: TrainLayout, theta: ArrayLike<number>, rows: LaplaceRows, options: ResolvedLaplaceOptions): LaplacePosterior {
  const info = layout.likelihood;
  checkLaplaceLikelihood(info);
  if (theta.length !== layout.size) throw new RangeError(`θ has ${theta.length} values, the layout ${layout.size}`);
  if (options.structure === 'last-layer') {
    const last = layout.layers[layout.layers.length - 1];
    const P = last ? last.units * (last.inputs + 1) : 0;
    if (P > MAX_FULL_COVARIANCE_PARAMS) {
      throw new InvalidInputError(
        `the last layer has ${P} weights and biases; a full-covariance Laplace takes at most ${MAX_FULL_COVARIANCE_PARAMS} (use structure 'kfac' or 'diagonal')`,
      );
    }
  }
  if (options.structure === 'kfac') {
    layout.layers.forEach((layer, l) => {
      const width = Math.max(layer.inputs + 1, layer.units);
      if (width > MAX_KFAC_FACTOR_WIDTH) {
        throw new InvalidInputError(`layer ${l} has a KFAC factor ${width} wide (inputs + 1 or units); structure 'kfac' takes at most ${MAX_KFAC_FACTOR_WIDTH} (use 'diagonal')`);
      }
    });
  }
  const c = computeCurvature(layout, theta, rows, info, options.structure);
  const sigma0 = globalNoise(info) ? Math.exp(theta[layout.noise] ?? NaN) : NaN;
  const thetaSq = squaredNorm(theta, c.params);
  const fixedDelta = options.priorPrecision === 'marglik' ? undefined : options.priorPrecision;
  const tuned = tuneHyper(c, thetaSq, sigma0, { tuneSigma: options.tuneNoise, ...(fixedDelta === undefined ? {} : { fixedDelta }) });
  return posteriorAt(layout, theta, c, tuned.priorPrecision, tuned.sigma);
}
