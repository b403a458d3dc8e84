/**
 * The public shapes of a training run, train()'s and the float64 oracle's oracleTrain()'s alike:
 * its data, options, progress and result. What they mean (objectives, draws, minibatches, θ) is
 * index.ts's.
 */
import type { Model } from '../model/spec.js';
import type { AbortSignalLike } from '../platform-types.js';
import type { HmcOptions, McmcDiagnostics } from './hmc.js';
import type { LearningRateSchedule, OptimizerKind, TrainMethod, ViEstimator } from './methods.js';
import type { SamplerOptions } from './sampler.js';
import type { SwagOptions } from './swag-options.js';

/** TrainOptions.kernelStrategy. */
export type KernelStrategy = 'tiled' | 'simple' | 'fused' | 'lanes';

export type { ArchitectureSpec } from './architecture.js';
export type { LearningRateSchedule, TrainMethod, ViEstimator } from './methods.js';
export type { SamplerKind, SamplerOptions } from './sampler.js';
export type { SwagOptions, SwagVariant } from './swag-options.js';
export type { ChainDiagnostics as HmcChainDiagnostics, HmcOptions, McmcDiagnostics, PosteriorDiagnostics } from './hmc.js';

export interface TrainData {
  /**
   * Rows of inputs (N x inputDim) and targets: N numbers (one target per row: a real number, a class
   * index 0..K-1, a 0/1 label or a proportion in (0, 1)) or N rows of targets (several outputs; a
   * dirichlet likelihood's K-part compositions).
   */
  readonly x: ArrayLike<number> | readonly (readonly number[])[];
  readonly y: ArrayLike<number> | readonly (readonly number[])[];
}

/**
 * The observation model a run trains (LikelihoodSpec in src/model/spec.ts has each one's link):
 * 'normal' (default) and 'student-t' for real targets, 'categorical' for class indices, 'bernoulli'
 * for 0/1 labels, 'beta' for proportions in (0, 1), 'dirichlet' for compositions.
 */
export type TrainLikelihood = 'normal' | 'student-t' | 'categorical' | 'bernoulli' | 'beta' | 'dirichlet';

export interface ModelHyper {
  /** Row indices into the data this model trains on (default: all rows). */
  readonly rows?: readonly number[];
  /** Dropout rate p ('mc-dropout'); the initial rate of every layer ('concrete-dropout', in (0, 1), default 0.1). */
  readonly dropout?: number;
  /**
   * Model precision τ ('mc-dropout': fixed noise σ = 1/sqrt(τ) in the target's units; 'hmc', 'sgmcmc':
   * the same fixed σ when every model gives τ, else σ is sampled as log_sigma under a flat prior).
   */
  readonly tau?: number;
  /** Prior std of weights ('vi', 'map', 'hmc', 'sgmcmc'); default 1. */
  readonly priorScale?: number;
  /**
   * This model's learning rate (default: TrainOptions.lr), so a learning-rate grid trains in one
   * call; the schedule scales it as it scales TrainOptions.lr.
   */
  readonly lr?: number;
  /**
   * This model's random stream: an integer in [0, 2^32 - 2] (default: the model's index in
   * `models`). Every draw of the model (initialisation, minibatch order, dropout masks, the VI
   * draws) is keyed by (seed, stream), never by its slot, and its draws' step index counts its own
   * steps, so a model trains to the same θ alone or with any other models (index.ts, MODELS; the
   * one exception is the 'cosine' schedule when its steps per epoch are below another model's).
   * Two models may share a stream: they then draw the same numbers (common random numbers, e.g.
   * a grid of hyper-parameters with one initialisation and minibatch order).
   */
  readonly stream?: number;
}

export interface TrainOptions {
  readonly method: TrainMethod;
  /** The likelihood (default 'normal'). */
  readonly likelihood?: TrainLikelihood;
  /** 'categorical': the number of classes K (default: the largest label + 1, at least 2). */
  readonly classes?: number;
  /** 'student-t': degrees of freedom, a number > 0 held fixed, or 'learn' (default) to learn it as a point estimate. */
  readonly degreesOfFreedom?: number | 'learn';
  /** Passes over the data; 'hmc': full-batch Adam (or SGD) steps of the MAP pre-fit before sampling, 0 for none. */
  readonly epochs: number;
  /** Rows per step (default 128); 'hmc' is full-batch and refuses it. */
  readonly batchSize?: number;
  readonly lr?: number;
  readonly optimizer?: OptimizerKind;
  /**
   * 'constant' (default) or 'cosine': the rate decays to 0 over epochs x the steps per epoch of the
   * call's longest model (index.ts, OPTIMISER), so a model with fewer steps per epoch follows it.
   */
  readonly schedule?: LearningRateSchedule;
  readonly clipNorm?: number;
  /** Reparameterised samples per step ('vi'); default 1. */
  readonly samplesPerStep?: number;
  readonly seed?: number;
  /** One entry per model trained together (default: one model on all rows). */
  readonly models?: readonly ModelHyper[];
  /** Length-scale l of MC dropout's weight decay, and of concrete dropout's weight regulariser l² / (2N) (default 0.01). */
  readonly lengthScale?: number;
  /**
   * Heteroscedastic noise for 'vi', 'mc-dropout', 'map' and 'concrete-dropout' (index.ts, HETEROSCEDASTIC HEAD): the last
   * layer gets a second unit whose softplus (+ 1e-3) is the noise scale at each input, in place of
   * the method's global σ (no sigma site, no τ, no log_sigma). Default false; 'ensemble' always has
   * the head. Only for likelihoods with a noise scale ('normal', 'student-t').
   */
  readonly heteroscedastic?: boolean;
  /**
   * β-NLL (Seitzer et al. 2022) for a heteroscedastic head ('ensemble', or `heteroscedastic` with
   * 'mc-dropout', 'map', 'concrete-dropout', 'laplace', 'swag'): each row's NLL is weighted by its
   * σ^(2β), held constant in the gradient, so rows the head calls noisy still pull the mean (plain
   * NLL lets their mean drift: the mean's gradient is divided by σ²). β in [0, 1]: 0 (default) the
   * plain NLL, 0.5 the paper's choice, 1 the mean's gradient of squared error. Not for 'vi', 'hmc'
   * or 'sgmcmc', whose objectives are a posterior's.
   */
  readonly betaNll?: number;
  /** 'vi' gradient estimator (index.ts, VI ESTIMATORS): default 'reparameterization'. */
  readonly viEstimator?: ViEstimator;
  /** 'vi': learn each layer's prior precision under a Gamma(1, 1) hyperprior. */
  readonly hierarchical?: boolean;
  /**
   * 'ensemble' and 'map': adversarial training with the fast gradient sign at e times each input's
   * range (index.ts, ADVERSARIAL TRAINING; the paper uses 0.01). Default: off.
   */
  readonly adversarialEpsilon?: number;
  /**
   * How the step's kernels split the work (same maths either way): 'tiled' (the default on GPUs)
   * gives each thread a register tile of a layer's forward pass and weight gradient, 'simple' one
   * row or one parameter; 'fused' and 'lanes' run a whole step of a one-hidden-layer 'mc-dropout'
   * or 'map' network (Normal likelihood, one output, at most 64 inputs and hidden units, no PReLU,
   * no adversarial training; anything else is refused) in one program: 'fused' a workgroup per
   * model, for GPUs, slower than 'tiled' on SwiftShader (src/kernels/train/fused.ts); 'lanes' a
   * thread per model with its rows in vec4 lanes (src/kernels/train/lanes.ts), the default on a
   * CPU adapter wherever it covers the network. 'vi' with the local or Flipout estimator always
   * runs 'simple'.
   */
  readonly kernelStrategy?: KernelStrategy;
  /** Tile of the 'tiled' kernels, each side 1..8 (default rows 4, units 4, inputs 4; 8, 8, 8 on a CPU adapter such as SwiftShader when models x batch >= 4096). The results do not depend on it. */
  readonly tile?: { readonly rows: number; readonly units: number; readonly inputs: number };
  /**
   * Epochs (1-based, ascending, each at most `epochs`) after which every model's θ is copied into
   * TrainResult.snapshots: the iterates that SWAG and the stochastic-gradient samplers keep.
   * Default: none ('sgmcmc': the sampler's sample epochs).
   */
  readonly snapshotEpochs?: readonly number[];
  /**
   * Per model (in the order of `models`), the θ to start from (layout: layout.ts, θ size values each,
   * finite in float32) in place of the initialisation: a run that continues another (SWAG's SWA
   * phase starts from its pretraining's θ). The optimiser's state starts afresh. Default: the
   * initialisation of index.ts.
   */
  readonly initialTheta?: readonly ArrayLike<number>[];
  /** 'swag' (trainSwag, src/swag): its SWA phase and posterior (swag-options.ts). Only with method 'swag'. */
  readonly swag?: SwagOptions;
  /**
   * 'sgmcmc': the sampler (src/objective/index.ts, SAMPLERS; sampler.ts has the defaults): SGHMC or
   * SGLD at step size lr on the mean per-datum loss, constant (burn-in, thinning) or cyclical
   * (cycles, explorationFraction, samplesPerCycle), at a temperature. Its samples are
   * TrainResult.snapshots. Default: SGHMC, friction 0.1, constant step, half the epochs burnt in.
   */
  readonly sampler?: SamplerOptions;
  /**
   * 'hmc' (Hamiltonian Monte Carlo on 'map''s posterior, index.ts, HMC): chains per model, warm-up,
   * samples, thinning, leapfrog steps, initial step size and target acceptance (src/objective/hmc.ts).
   */
  readonly hmc?: HmcOptions;
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
   * exp(log_sigma); 'sgmcmc' -> as 'map' (fixed sigma 1/(sqrt(tau) yStd) when tau is given), the
   * last state of each chain (its samples are `snapshots`); 'concrete-dropout' -> delta weights, each layer's learnt rate in
   * spec.layers[l].dropout (read them there: `models[m].spec.layers.map((l) => l.dropout)`), fixed
   * sigma exp(log_sigma); 'ensemble' -> one delta member with a heteroscedastic head per model; with
   * `heteroscedastic` every method's noise is that head's (noise kind 'heteroscedastic').
   * Other likelihoods (src/objective/index.ts, LIKELIHOODS): 'student-t' the same noise models with
   * the df fixed or reached; categorical, bernoulli, beta and dirichlet their own spec (classes,
   * minConcentration), no noise model, y's standardisation 0 and 1 per output.
   */
  readonly models: Model[];
  /** Mean training loss per epoch, per model ([epochs][M]). */
  readonly history: Float64Array[];
  /** Each model's final unconstrained parameters θ (layout: layout.ts). */
  readonly theta: readonly Float64Array[];
  /**
   * Per model, its engine model after each of options.snapshotEpochs ([M][snapshots], converted as
   * `models` is); empty lists without snapshotEpochs. 'sgmcmc': each chain's samples (the sampler's
   * sample epochs unless snapshotEpochs is given), delta models to predict as one mixture.
   */
  readonly snapshots: readonly (readonly Model[])[];
  /** The θ behind `snapshots` ([M][snapshots][θ size]; layout: layout.ts). */
  readonly snapshotTheta: readonly (readonly Float64Array[])[];
  /** Per model: its loss or θ became non-finite (only with onNonFinite 'keep'; its model is then not valid). */
  readonly diverged: readonly boolean[];
  /**
   * 'hmc': per chain its acceptance, divergences and step size, per model entry R-hat and ESS over its
   * chains (src/objective/hmc.ts). There `models`, `theta`, `snapshots` and `snapshotTheta` are per
   * chain (slot = entry × chains + chain): the last state, and the kept samples ([chain][k]) as
   * delta models, which predict together as an ensemble. Absent for the other methods.
   */
  readonly mcmc?: McmcDiagnostics;
  readonly elapsedMs: number;
}
