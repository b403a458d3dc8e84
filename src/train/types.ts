/**
 * Training: public shapes and the exact semantics that the WGSL trainer and the float64 training
 * oracle (src/reference/train/) both implement, so gradients can be compared step by step.
 *
 * MODELS. M independent models (ensemble members, grid points, data splits) train together. They
 * share the architecture (an MLP of dense layers, ModelSpec conventions: weight [out, in], dropout
 * on a layer's input) and the dataset (rows uploaded once), and differ in their row subsets, their
 * standardisation, their hyper-parameters and their seeds.
 *
 * PARAMETERS (unconstrained vector θ per model, layer by layer, in this order):
 *   method 'vi':  W_loc [out*in], W_rho [out*in], b_loc [out], b_rho [out] (scale = softplus(rho)),
 *                 PReLU slopes [out] if prelu; then noise: sigma_loc, sigma_rho (LogNormal guide on
 *                 sigma: log sigma ~ N(sigma_loc, softplus(sigma_rho))).
 *   otherwise:    W [out*in], b [out], PReLU slopes [out] if prelu; then noise: 'map' learns log_sigma
 *                 (one value); 'mc-dropout' has no noise parameter (sigma fixed from tau);
 *                 'ensemble' has none (heteroscedastic head: last layer 2 units, sigma =
 *                 softplus(raw) + 1e-3).
 * INITIALISATION (Philox stream STREAM_INIT, sample = model index, element = θ index): weights
 *   (W or W_loc) ~ N(0, 1/fan_in) (He-like, sqrt(1/fan_in) std); biases 0; rho = log(expm1(1e-3))
 *   ... unless initScale is given; PReLU slopes 0.25; sigma_loc = log(0.5), sigma_rho = log(expm1(0.1));
 *   map log_sigma = log(0.5).
 * MINIBATCHES. Epoch e, step t, batch slot k of model m reads row perm_m,e(t*B + k) of its own
 *   n_m rows (the last step of an epoch is short when B does not divide n_m). perm is a keyed
 *   Feistel bijection on [0, n_m) with cycle walking (src/random/shuffle.ts), keyed by
 *   (seed, model, epoch): no sort, no host round trip.
 * DRAWS per step (Philox key = seed): sample index = global step; streams by layer as in inference
 *   (STREAM_WEIGHTS for eps of weights, one draw per (model, K-sample, θ-element) with element index
 *   = m * K * P + k * P + e ... see trainStream() in src/random/train-streams.ts); dropout masks per (model,
 *   row in batch, unit), i.e. independent per example as in standard dropout training.
 * OBJECTIVES (per model, minimised; B = rows in the step, N = n_m):
 *   'vi':         (N/B) Σ_b (1/K) Σ_k −log N(y_b | f_k(x_b), σ_k) + KL(q‖p), KL closed form for the
 *                 Gaussian weights against N(0, priorScale²), Monte Carlo for sigma:
 *                 log q(σ_k) − log Gamma(σ_k | a, b) averaged over k. Reported loss: that / N.
 *   'mc-dropout': (1/B) Σ_b (y_b − f(x_b))² + λ Σ (W² + b²), λ = p l² / (2 N τ) (bench/uci/PROTOCOL.md).
 *   'map':        (1/B) Σ_b −log N(y_b | f(x_b), σ) + (1/N) Σ −log N(w | 0, priorScale) (σ = exp(log_sigma)).
 *   'ensemble':   (1/B) Σ_b −log N(y_b | μ(x_b), σ(x_b)).
 * VI ESTIMATORS (options.viEstimator, 'vi' only; s = softplus(rho), t the global step, k the K-sample):
 *   'reparameterization' (default): as above, one weight draw per (model, K-sample) shared by the batch.
 *   'local' (local reparameterisation, Kingma et al. 2015): per (model, k, batch slot b, unit j) of
 *     layer l, z_j = mu_j + sqrt(v_j) eps with mu_j = b_loc_j + sum_i W_loc_ji h_i,
 *     v_j = s_b_j^2 + sum_i s_ji^2 h_i^2, eps = normalAt(key, t*K + k, layerStream(l, STREAM_MARGINAL),
 *     b*out + j, m + 1).
 *   'flipout' (Wen et al. 2018): E = the reparameterisation draws of W and b (same stream and index as
 *     above), signs from word = wordAt(key, t*K + k, layerStream(l, STREAM_FLIP), b*(in + out) + c, m + 1)
 *     with sign = word < 2^31 ? +1 : -1: input sign q_i at c = i, output sign r_j at c = in + j;
 *     z_j = b_loc_j + s_b_j E_b_j + sum_i W_loc_ji h_i + r_j sum_i s_ji E_ji q_i h_i (the bias is not flipped).
 * HIERARCHICAL PRIOR (options.hierarchical, 'vi' only): each layer l gets a learned log-precision
 *   log lambda_l (θ: one value per layer, after the noise parameters, initialised to
 *   -2 log priorScale); the weight prior of layer l is N(0, 1/lambda_l) (replacing priorScale), and the
 *   objective adds -log Gamma(lambda_l | 1, 1) (a MAP estimate of the precision under a Gamma(1, 1)
 *   hyperprior; no Jacobian term).
 * ADVERSARIAL TRAINING (options.adversarialEpsilon = e > 0; 'ensemble' and 'map' only; Lakshminarayanan
 *   et al. 2017, Goodfellow et al.'s fast gradient sign): at every step, for each row b of the
 *   minibatch, g_b = d ℓ_b / d x_b (ℓ_b the row's data term at the current θ, x standardised) and
 *   x'_b = x_b + ε ⊙ sign(g_b) (sign(0) = 0), with ε_i = e × (range of input i over the model's
 *   rows) / xStd_i, i.e. e times the input's range in standardised units (the paper's ε = 0.01 ×
 *   range). The data term of the step is then taken over the 2B rows {x_b} ∪ {x'_b} (each row
 *   weighs 1/(2B): the mean of the clean and the adversarial terms, half the paper's sum, which
 *   Adam does not see); the prior term ('map') is unchanged. The reported loss is that objective.
 * OPTIMISER: Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected) or SGD (momentum 0.9); learning rate
 *   lr_m * schedule(step), lr_m = the model's ModelHyper.lr or options.lr; gradients clipped to
 *   global norm `clipNorm` per model when given.
 */
import type { Activation } from '../model/spec.js';
import type { AbortSignalLike } from '../gpu/webgpu-types.js';

export type TrainMethod = 'vi' | 'mc-dropout' | 'ensemble' | 'map';

/** 'constant': lr throughout; 'cosine': lr * (1 + cos(pi t / T)) / 2, from lr at the first step to 0 at the last. */
export type LearningRateSchedule = 'constant' | 'cosine';

export interface ArchitectureSpec {
  readonly inputDim: number;
  /** Hidden layer widths; the output layer (1 unit, or 2 for 'ensemble') is added. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  /** Dropout rate on every layer's input ('mc-dropout'; bench/uci/PROTOCOL.md puts it on the input and the hidden layer). */
  readonly dropout?: number;
}

export interface TrainData {
  /** Rows of inputs (N x inputDim) and targets (N). */
  readonly x: ArrayLike<number> | readonly (readonly number[])[];
  readonly y: ArrayLike<number>;
}

export interface ModelHyper {
  /** Row indices into the data this model trains on (default: all rows). */
  readonly rows?: readonly number[];
  /** Dropout rate p ('mc-dropout'). */
  readonly dropout?: number;
  /** Model precision τ ('mc-dropout': fixed noise σ = 1/sqrt(τ) in the target's units). */
  readonly tau?: number;
  /** Prior std of weights ('vi', 'map'); default 1. */
  readonly priorScale?: number;
  /**
   * This model's learning rate (default: TrainOptions.lr), so a learning-rate grid trains in one
   * call; the schedule scales it as it scales TrainOptions.lr.
   */
  readonly lr?: number;
}

export interface TrainOptions {
  readonly method: TrainMethod;
  readonly epochs: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly optimizer?: 'adam' | 'sgd';
  readonly schedule?: LearningRateSchedule;
  readonly clipNorm?: number;
  /** Reparameterised samples per step ('vi'); default 1. */
  readonly samplesPerStep?: number;
  readonly seed?: number;
  /** One entry per model trained together (default: one model on all rows). */
  readonly models?: readonly ModelHyper[];
  /** Length-scale l of MC dropout's weight decay (default 0.01). */
  readonly lengthScale?: number;
  /** 'vi' gradient estimator (see the header): default 'reparameterization'. */
  readonly viEstimator?: 'reparameterization' | 'local' | 'flipout';
  /** 'vi': learn each layer's prior precision under a Gamma(1, 1) hyperprior. */
  readonly hierarchical?: boolean;
  /**
   * 'ensemble' and 'map': adversarial training with the fast gradient sign at e times each input's
   * range (see the header; the paper uses 0.01). Default: off.
   */
  readonly adversarialEpsilon?: number;
  /**
   * How the forward and weight-gradient kernels split the work (same maths either way): 'tiled'
   * (default) gives each thread a register tile, 'simple' one row or one parameter. 'vi' with the
   * local or Flipout estimator always runs 'simple'.
   */
  readonly kernelStrategy?: 'tiled' | 'simple';
  /** Tile of the 'tiled' kernels, each side 1..8 (default rows 4, units 4, inputs 4). */
  readonly tile?: { readonly rows: number; readonly units: number; readonly inputs: number };
  /** Called after every epoch with the mean loss per model. */
  readonly onProgress?: (p: TrainProgress) => void;
  /**
   * A model whose loss (or, at the end, θ) is not finite: 'error' (default) stops training with a
   * NumericalError naming the model and epoch; 'keep' trains on and flags it in TrainResult.diverged
   * (for grid searches, where a diverging candidate simply loses).
   */
  readonly onNonFinite?: 'error' | 'keep';
  /**
   * Cancels training: checked before the first epoch and after each one; the call rejects with the
   * signal's reason (an AbortError DOMException unless you gave one) and frees its buffers.
   */
  readonly signal?: AbortSignalLike;
}

export interface TrainProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: Float64Array;
  readonly elapsedMs: number;
  /** Of elapsedMs, the time spent before the first epoch, compiling the GPU kernels (not per epoch: leave it out of an ETA). */
  readonly compileMs: number;
}

export interface TrainResult {
  /**
   * One engine model per trained model, in the order of `options.models`, with the training
   * standardisation recorded (predictions come back in the original units):
   * 'vi' -> normal posteriors (loc, softplus(rho)), noise LogNormal(sigma_loc, softplus(sigma_rho))
   * with the Gamma sigma prior; 'mc-dropout' -> delta weights, the dropout rate, fixed sigma
   * 1/sqrt(tau) (in standardised units: 1/(sqrt(tau) yStd)); 'map' -> delta weights, fixed sigma
   * exp(log_sigma); 'ensemble' -> one delta member with a heteroscedastic head per model.
   */
  readonly models: import('../model/spec.js').Model[];
  /** Mean training loss per epoch, per model ([epochs][M]). */
  readonly history: Float64Array[];
  /** Each model's final unconstrained parameters θ (layout: src/train/layout.ts). */
  readonly theta: readonly Float64Array[];
  /** Per model: its loss or θ became non-finite (only with onNonFinite 'keep'; its model is then not valid). */
  readonly diverged: readonly boolean[];
  readonly elapsedMs: number;
}
