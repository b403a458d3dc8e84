/**
 * Public request/response shapes of inference, shared by the GPU engine and the float64 oracle.
 *
 * Shapes: x is N rows of inputDim numbers; y is N rows of D numbers (D = outputDim(spec)).
 * Flat arrays are row-major: statistic for input n, output d is at n*D + d; a per-sample array of
 * f is [S, N, D].
 */
import type { LikelihoodKind } from '../model/spec.js';
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
 * - 'tiled': a GPU GEMM's shape: one workgroup per (tile of 32 inputs, tile of 32 units, sample),
 *   4 x 4 outputs per thread, inputs and drawn weights staged in workgroup memory 16 inputs deep;
 *   weights never reach global memory. Built for GPUs (not yet measured on one); slow on SwiftShader.
 * - 'registers': fused too, one thread per (sample, input tile) draws each weight row into private
 *   memory (registers); no workgroup memory, weights redrawn per input tile.
 * - 'materialized': weights drawn into a global buffer first, then a batched matmul reads them.
 * - 'subgroups': the materialised matmul with each weight loaded once per subgroup and handed to
 *   the subgroup's other threads by subgroupShuffle (the same bits as 'materialized'); needs the
 *   device's 'subgroups' feature (requested when the adapter has it), else a DeviceLimitError.
 *   Built for GPUs (not yet measured on one).
 * - 'lanes': the same weights buffer, read by a matmul with 8 inputs of one sample in the vec4
 *   lanes of a thread and 16 units of one layer, so each vec4 weight load feeds 8 vec4
 *   multiply-adds (the dot-product form of 'materialized' gets 2).
 * - 'network': weights materialised as for 'materialized', then every layer in one kernel, each
 *   thread carrying 8 inputs of one sample through the whole network in registers (no activations
 *   written between layers); for networks whose layers have at most 64 units, else a
 *   DeviceLimitError.
 * - 'auto': chosen per layer from the shape and the adapter.
 */
export type KernelStrategy = 'auto' | 'fused' | 'tiled' | 'registers' | 'materialized' | 'lanes' | 'subgroups' | 'network';

/** A joint-path kernel by name ('auto' resolved). */
export type NamedKernel = Exclude<KernelStrategy, 'auto'>;

/** The dense kernel a layer ran: a joint-path kernel, or 'marginal' (the marginal path's). */
export type LayerKernel = NamedKernel | 'marginal';

/**
 * PredictOptions.kernel: a strategy, or 'calibrate': time each joint-path kernel on the first call
 * of a shape class and keep the fastest for the device (src/infer/kernel-calibration.ts). The draws
 * are the same whichever kernel runs.
 */
export type KernelChoice = KernelStrategy | 'calibrate';

export interface PredictOptions {
  /** Number of posterior samples S (>= 1). Default 1000. */
  readonly samples?: number;
  /** RNG seed: non-negative safe integer. Default 0. */
  readonly seed?: number;
  /**
   * Observed targets, N rows of targetDim(spec) (D; a categorical model: 1, the class index 0..K-1;
   * bernoulli: 0 or 1; beta: in (0, 1); dirichlet: K positive values summing to 1); with them the
   * result includes the log predictive density (and a classifier's metrics).
   */
  readonly y?: ArrayLike<number> | readonly (readonly number[])[];
  /** Also return f, the noise scale and a draw of y for every sample ([S, N, D]). Needs the joint path. */
  readonly returnSamples?: boolean;
  /** Central probability of the predictive interval, in (0, 1). Default 0.9 (5% and 95%). */
  readonly intervalLevel?: number;
  /** Sampling path; default 'auto' (resolvePath in src/infer/predict-options.ts). */
  readonly path?: SamplingPath | 'auto';
  /** The joint path's kernel (default 'auto': the rule of src/infer/kernel-choice.ts); naming one implies the joint path. */
  readonly kernel?: KernelChoice;
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

/** One bin of a reliability diagram (ClassificationMetrics.calibration). */
export interface CalibrationBin {
  /** The bin's confidence range [lower, upper) (the last bin includes 1). */
  readonly lower: number;
  readonly upper: number;
  /** Predictions whose confidence (the predicted class's mean probability) fell in the bin. */
  readonly count: number;
  /** Their mean confidence and their accuracy (NaN for an empty bin). */
  readonly confidence: number;
  readonly accuracy: number;
}

/**
 * Batch metrics of a classifier's predictive against labels y (categorical: the class index; bernoulli:
 * each output's 0/1 label, every output counted as one prediction), from the mean probabilities.
 */
export interface ClassificationMetrics {
  /** Fraction of predictions whose most probable class is the label. */
  readonly accuracy: number;
  /** Mean negative log predictive probability of the label (nats). */
  readonly nll: number;
  /** Mean over predictions of Σ_k (p_k − 1[k = label])² (bernoulli: over both outcomes). */
  readonly brier: number;
  /** Expected calibration error over 15 equal-width confidence bins: Σ_b (n_b/n) |acc_b − conf_b|. */
  readonly ece: number;
  /** The 15 bins of the ECE, for a reliability diagram. */
  readonly calibration: readonly CalibrationBin[];
}

export interface PredictResult {
  readonly n: number;
  readonly outputDim: number;
  readonly samples: number;
  /** The model's likelihood kind (an ensemble's members share one). */
  readonly likelihood: LikelihoodKind;
  /** The sampling path the call took ('auto' resolved; an ensemble's members all take the same). */
  readonly path: SamplingPath;
  /**
   * The kernel each layer ran ('auto' and 'calibrate' resolved; an ensemble reports its first
   * member's); absent from results assembled on the host (mixtureAsPrediction).
   */
  readonly kernels?: readonly LayerKernel[];
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

  // Student-t, Beta, Dirichlet: the fields above with each sample's own mean and variance of y in place
  // of f_s and scale_s^2 (Student-t with df <= 2, which has no variance: scale_s^2); Beta and Dirichlet
  // intervals clipped to [0, 1]; fSamples the per-sample means; ySamples draws of y from the
  // observation streams (src/random/observation-draws.ts); no scaleSamples or quantiles. A classifier's
  // fSamples are its logits and its ySamples draws (categorical: one class index per input, [S, N]).

  // Classifiers (likelihood 'categorical' or 'bernoulli'). The fields above then describe the one-hot
  // outcome (categorical: its K indicators; bernoulli: y_d itself): mean = probs, epistemicStd =
  // probsStd, aleatoricStd = sqrt(E_s[p(1 − p)]), std = sqrt(p̄(1 − p̄)) (the law of total variance),
  // lower/upper that interval clipped to [0, 1]; logPredictiveDensity is log (1/S) Σ_s p_s(y_n).

  /** Mean over samples of the class probabilities: [N, K] (categorical), P(y_d = 1) [N, D] (bernoulli). */
  readonly probs?: Float32Array;
  /** Std over samples of those probabilities (epistemic spread), same shape. */
  readonly probsStd?: Float32Array;
  /** Predictive entropy H[p̄] (total uncertainty), nats, [N] (bernoulli: summed over the D outputs). */
  readonly entropy?: Float32Array;
  /** Expected entropy E_s H[p_s] (aleatoric), [N]. */
  readonly expectedEntropy?: Float32Array;
  /** Mutual information between y and the weights, entropy − expectedEntropy (epistemic, BALD), [N]. */
  readonly mutualInformation?: Float32Array;
  /** Variation ratio 1 − (samples whose most probable class is the modal one)/S, [N] (bernoulli: mean over outputs). */
  readonly variationRatio?: Float32Array;
  /** Accuracy, NLL, Brier score and calibration against y; present when y was given. */
  readonly metrics?: ClassificationMetrics;
}

/** Result of scoring one parameter point: log-probabilities per latent site and the log joint. */
export interface ScoreResult {
  /** Site name -> log probability (sum over the site's elements); 'obs' is the likelihood. */
  readonly sites: Readonly<Record<string, number>>;
  readonly logJoint: number;
}
