/**
 * Public request/response shapes of inference, shared by the GPU engine and the float64 oracle.
 *
 * Shapes: x is N rows of inputDim numbers; y is N rows of D numbers (D = outputDim(spec)).
 * Flat arrays are row-major: statistic for input n, output d is at n*D + d; a per-sample array of
 * f is [S, N, D].
 */
import type { AbortSignalLike } from '../platform-types.js';

/**
 * Which algorithm forms the network outputs (PredictOptions.path also takes 'auto', the default:
 * the marginal path when it draws fewer normals than the joint one, i.e. few inputs, and no
 * per-sample output is asked for; src/infer/predict-options.ts resolvePath).
 * - 'joint': one weight draw per posterior sample, shared by all inputs (function samples).
 *   Realised by the 'fused' or the 'materialized' kernel strategy (`kernel`).
 * - 'marginal': local reparameterisation: each layer's pre-activations drawn per input from
 *   N(h·loc, h²·scale²). Exact per-input predictive, no cross-input correlation; draws S·N·units
 *   normals instead of S·weights. Not allowed with returnSamples.
 */
export type SamplingPath = 'joint' | 'marginal';

/**
 * Kernel strategy of the joint path:
 * - 'fused': one workgroup per (sample, input tile) draws the weights tile by tile into workgroup
 *   memory; weights never reach global memory.
 * - 'registers': fused too, one thread per (sample, input tile) draws each weight row into private
 *   memory (registers); no workgroup memory, weights redrawn per input tile.
 * - 'materialized': weights drawn into a global buffer first, then a batched matmul reads them.
 * - 'auto': chosen per layer from the shape and the adapter.
 */
export type KernelStrategy = 'auto' | 'fused' | 'registers' | 'materialized';

export interface PredictOptions {
  /** Number of posterior samples S (>= 1). Default 1000. */
  readonly samples?: number;
  /** RNG seed: non-negative safe integer. Default 0. */
  readonly seed?: number;
  /** Observed targets (N rows of D); with them the result includes the log predictive density. */
  readonly y?: ArrayLike<number> | readonly (readonly number[])[];
  /** Also return f, the noise scale and a draw of y for every sample ([S, N, D]). Needs the joint path. */
  readonly returnSamples?: boolean;
  /** Central probability of the predictive interval, in (0, 1). Default 0.9 (5% and 95%). */
  readonly intervalLevel?: number;
  /** Sampling path; default 'auto' (resolvePath in src/infer/predict-options.ts). */
  readonly path?: SamplingPath | 'auto';
  readonly kernel?: KernelStrategy;
  /**
   * Levels (each in (0, 1)) of exact predictive quantiles to return: for each input and output,
   * the y where the mixture over samples of N(f_s, scale_s^2) reaches that probability (not the
   * moment-matched normal of lower/upper). Needs S x N x D floats of GPU memory.
   */
  readonly quantiles?: readonly number[];
  /**
   * Cancels the call: it rejects with the signal's reason (an AbortError DOMException unless you
   * gave one) within one submit of chunks; the engine stays usable.
   */
  readonly signal?: AbortSignalLike;
}

export interface PredictResult {
  readonly n: number;
  readonly outputDim: number;
  readonly samples: number;
  /** The sampling path the call took ('auto' resolved; an ensemble's members all take the same). */
  readonly path: SamplingPath;
  /** Predictive mean of y (= mean of f over samples), [N, D]. */
  readonly mean: Float32Array;
  /** Total predictive std of y: sqrt(epistemic^2 + aleatoric^2), [N, D]. */
  readonly std: Float32Array;
  /** Std of f over posterior samples, [N, D]. */
  readonly epistemicStd: Float32Array;
  /** sqrt(mean over samples of the noise variance scale_s^2), [N, D]. */
  readonly aleatoricStd: Float32Array;
  /**
   * Central interval of y at `intervalLevel`: the moment-matched normal, mean ± z·std with
   * z = Φ⁻¹((1 + level)/2). (The predictive is a mixture of normals; the normal matching its first
   * two moments is what is reported.)
   */
  readonly lower: Float32Array;
  readonly upper: Float32Array;
  readonly intervalLevel: number;
  /** log((1/S) Σ_s Π_d N(y_nd | f_snd, scale_snd)) per input, [N]; present when y was given. */
  readonly logPredictiveDensity?: Float32Array;
  /** Σ_n log N(y_n | f_s(x_n), scale_s) per posterior sample, [S]; present when y was given. */
  readonly sampleLogLikelihood?: Float32Array;
  /** Exact predictive quantiles at `quantileLevels`, [Q, N, D]; present with options.quantiles. */
  readonly quantiles?: Float32Array;
  readonly quantileLevels?: readonly number[];
  /** f per sample, [S, N, D]; present with returnSamples. */
  readonly fSamples?: Float32Array;
  /** Observation scale per sample, input and output ([S, N, D]; constant over inputs unless heteroscedastic); with returnSamples. */
  readonly scaleSamples?: Float32Array;
  /**
   * A draw of y per sample, input and output: f + scale * eps with eps ~ N(0, 1) from the
   * observation stream ([S, N, D]; Pyro's Predictive 'obs'); with returnSamples.
   */
  readonly ySamples?: Float32Array;
}

/** Result of scoring one parameter point: log-probabilities per latent site and the log joint. */
export interface ScoreResult {
  /** Site name -> log probability (sum over the site's elements); 'obs' is the likelihood. */
  readonly sites: Readonly<Record<string, number>>;
  readonly logJoint: number;
}
