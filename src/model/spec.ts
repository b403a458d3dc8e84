/**
 * The model description shared by every part of the library: GPU kernels, the float64 oracle,
 * model files and training. A model is an MLP of dense layers with a per-parameter posterior and
 * prior, plus an observation (noise) model.
 *
 * Layout conventions (fixed: the RNG streams and file formats depend on them):
 * - A layer's weight is [units, inputs] row-major (torch nn.Linear layout): element (j, i) is at j*in + i.
 * - Dropout with rate p acts on the layer's *input*; kept units are scaled by 1/(1-p) (inverted
 *   dropout, as torch's nn.Dropout). One mask per (posterior sample, layer), shared by all inputs, so
 *   each posterior sample is one coherent function; each input's marginal equals torch's per-row masks.
 * - Folded batch-norm: pre = (W h + b) * bnScale + bnShift, before the activation.
 */
import { ACTIVATIONS, type Activation } from '../math/activations.js';

/** The activations a layer may use (defined with their maths in src/math/activations.ts). */
export { ACTIVATIONS, type Activation };

/**
 * Most dense layers a model may have. Every layer compiles its own GPU pipelines (forward, and for
 * training backward and update kernels): a 200-layer model took 48 s and 642 MB of pipelines on
 * SwiftShader and a valid 3000-layer one never finished predicting. 32 is several times deeper
 * than any MLP a mean-field posterior is trained for (the UCI networks have one or two hidden
 * layers), and keeps a model's pipelines to seconds. Loading and training both refuse deeper ones.
 */
export const MAX_LAYERS = 32;

/** Normal(loc, scale) prior on every element of a parameter. */
export interface NormalPrior {
  readonly kind: 'normal';
  readonly loc: number;
  readonly scale: number;
}
export type Prior = NormalPrior;

/** 'normal': mean-field Gaussian (tensors `.loc`, `.scale`); 'delta': a point value (tensor `.loc`). */
export type PosteriorKind = 'normal' | 'delta';

export interface ParamSpec {
  /** Name of the latent site (Pyro's site name for Pyro exports, e.g. `0.weight`, `layers.2.bias`). */
  readonly site: string;
  readonly posterior: PosteriorKind;
  readonly prior: Prior;
}

/** leaky_relu's negative slope when a layer does not give one. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

export interface LayerSpec {
  readonly units: number;
  readonly activation: Activation;
  /** Negative slope of leaky_relu (default 0.01). PReLU's slopes are a tensor instead. */
  readonly leakySlope: number;
  /** Dropout rate on this layer's input, in [0, 1). 0 disables it. */
  readonly dropout: number;
  /** Folded batch-norm: tensors `layers.L.bn_scale` and `layers.L.bn_shift`, shape [units]. */
  readonly batchNorm: boolean;
  readonly weight: ParamSpec;
  readonly bias: ParamSpec;
}

/** Gamma(concentration, rate): what training uses for sigma and for hierarchical prior precisions. */
export interface GammaPrior {
  readonly concentration: number;
  readonly rate: number;
}

/**
 * Gamma(concentration, rate) as a prior on sigma. `kind` may be absent: sigma priors were all Gamma
 * before the other kinds existed, so version "1" files written then (and specs built in code, as the
 * trainer's) carry `{ concentration, rate }` alone, and that still means Gamma.
 */
export interface GammaSigmaPrior extends GammaPrior {
  readonly kind?: 'gamma';
}

/**
 * The prior on a latent sigma (the densities are torch.distributions', so score() is what a Pyro
 * trace's log_prob gives for the sample site sigma itself):
 * - gamma: Gamma(concentration, rate).
 * - lognormal: LogNormal(loc, scale), loc and scale of log sigma.
 * - halfnormal: HalfNormal(scale), normalised on [0, inf).
 * - halfcauchy: HalfCauchy(scale), normalised on [0, inf).
 * - exponential: Exponential(rate).
 * - uniform: Uniform(low, high), density 1/(high - low) on [low, high), zero (log density -inf) elsewhere.
 * All but uniform have support (0, inf), which Pyro's AutoNormal maps to the real line by log; an
 * interval support is mapped by logit (see NoiseSpec 'logitnormal').
 */
export type SigmaPrior =
  | GammaSigmaPrior
  | { readonly kind: 'lognormal'; readonly loc: number; readonly scale: number }
  | { readonly kind: 'halfnormal'; readonly scale: number }
  | { readonly kind: 'halfcauchy'; readonly scale: number }
  | { readonly kind: 'exponential'; readonly rate: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number };

export type SigmaPriorKind = NonNullable<SigmaPrior['kind']>;
export const SIGMA_PRIOR_KINDS: readonly SigmaPriorKind[] = ['gamma', 'lognormal', 'halfnormal', 'halfcauchy', 'exponential', 'uniform'];

/** The prior's kind, 'gamma' for a prior written without one (see GammaSigmaPrior). */
export function sigmaPriorKind(prior: SigmaPrior): SigmaPriorKind {
  return prior.kind ?? 'gamma';
}

/**
 * Where the observation noise sigma comes from.
 * - fixed: a constant.
 * - lognormal: posterior LogNormal(loc, scale) on sigma (tensors `noise.loc`, `noise.scale`; they are
 *   of log sigma, as Pyro's AutoNormal stores a site whose support is positive).
 * - logitnormal: sigma = low + (high - low) * sigmoid(u) with u ~ Normal(loc, scale) (tensors
 *   `noise.loc`, `noise.scale` of u): AutoNormal's guide for a site with interval support (low, high),
 *   e.g. sigma ~ Uniform(0, 10), whose unconstrained value is u = logit((sigma - low)/(high - low)).
 * - gamma: posterior Gamma(concentration, rate) on sigma (tensors `noise.concentration`, `noise.rate`).
 * - heteroscedastic: the last layer has 2*D units; sigma = softplus(second half) + minScale.
 */
export type NoiseSpec =
  | { readonly kind: 'fixed'; readonly sigma: number }
  | { readonly kind: 'lognormal'; readonly site: string }
  | { readonly kind: 'logitnormal'; readonly site: string; readonly low: number; readonly high: number }
  | { readonly kind: 'gamma'; readonly site: string }
  | { readonly kind: 'heteroscedastic'; readonly minScale: number };

/** A noise model whose sigma is a latent site (it has a posterior, and may have a prior). */
export type LatentNoiseSpec = Extract<NoiseSpec, { readonly site: string }>;

/**
 * The observation model y ~ p(y | f(x)) over the network's outputs f (the last layer's units).
 * Every kind but 'normal' names itself in `kind`; a likelihood without `kind` is the Normal model
 * (files and specs written before the other kinds existed).
 *
 * | kind          | last layer's units        | y per input                   | outputDim |
 * | ------------- | ------------------------- | ----------------------------- | --------- |
 * | normal        | D (2D heteroscedastic)    | D reals                       | D         |
 * | student-t     | D (2D heteroscedastic)    | D reals                       | D         |
 * | categorical   | K = classes (the logits)  | 1 class index in 0..K-1       | K         |
 * | bernoulli     | D (the logits)            | D labels, each 0 or 1         | D         |
 * | beta          | 2D (α then β, softplus)   | D values in (0, 1)            | D         |
 * | dirichlet     | K = classes (softplus)    | K values > 0 summing to 1     | K         |
 *
 * outputDim is the width of a prediction's per-input arrays (mean, std, probs, ...); targetDim
 * the width of a row of y (likelihood.ts).
 */
export type LikelihoodSpec = NormalLikelihood | StudentTLikelihood | CategoricalLikelihood | BernoulliLikelihood | BetaLikelihood | DirichletLikelihood;

export type LikelihoodKind = 'normal' | 'student-t' | 'categorical' | 'bernoulli' | 'beta' | 'dirichlet';
export const LIKELIHOOD_KINDS: readonly LikelihoodKind[] = ['normal', 'student-t', 'categorical', 'bernoulli', 'beta', 'dirichlet'];

/** y ~ Normal(f, scale), the scale from the noise model. */
export interface NormalLikelihood {
  readonly kind?: 'normal';
  readonly noise: NoiseSpec;
  /** y ~ Normal(f, scale) with scale = sigma ('sigma') or scale = sigma^2 ('sigma2', the seed Pyro model). */
  readonly link: 'sigma' | 'sigma2';
  /** Prior on sigma when sigma is latent (null: none, and score() leaves the site out). */
  readonly sigmaPrior: SigmaPrior | null;
}

/**
 * y ~ StudentT(df, f, scale): robust regression. The scale comes from the noise model as the
 * Normal's does; `df` (> 0) is fixed in the model (training may learn it as a point estimate and
 * records the value it reached).
 */
export interface StudentTLikelihood {
  readonly kind: 'student-t';
  readonly noise: NoiseSpec;
  readonly link: 'sigma' | 'sigma2';
  readonly sigmaPrior: SigmaPrior | null;
  readonly df: number;
}

/** y ~ Categorical(softmax(f)) over `classes` (K >= 2) logits: Pyro's Categorical(logits=f). */
export interface CategoricalLikelihood {
  readonly kind: 'categorical';
  readonly classes: number;
}

/** Each output d: y_d ~ Bernoulli(sigmoid(f_d)): Pyro's Bernoulli(logits=f). */
export interface BernoulliLikelihood {
  readonly kind: 'bernoulli';
}

/**
 * Each output d: y_d ~ Beta(α_d, β_d) with α = softplus(f_d) + minConcentration and
 * β = softplus(f_{D+d}) + minConcentration (two concentrations per output through softplus; the
 * floor keeps the density finite at a saturated unit).
 */
export interface BetaLikelihood {
  readonly kind: 'beta';
  readonly minConcentration: number;
}

/** y ~ Dirichlet(α) with α_k = softplus(f_k) + minConcentration over `classes` (K >= 2) components. */
export interface DirichletLikelihood {
  readonly kind: 'dirichlet';
  readonly classes: number;
  readonly minConcentration: number;
}

/** The likelihood's kind, 'normal' for one written without `kind`. */
export function likelihoodKind(likelihood: LikelihoodSpec): LikelihoodKind {
  return likelihood.kind ?? 'normal';
}

/** The likelihoods whose observation scale comes from a noise model (Normal, Student-t). */
export type ScaleLikelihood = NormalLikelihood | StudentTLikelihood;

/** The likelihood when its scale comes from a noise model (Normal, Student-t), else null. */
export function scaleLikelihood(likelihood: LikelihoodSpec): ScaleLikelihood | null {
  return likelihood.kind === undefined || likelihood.kind === 'normal' || likelihood.kind === 'student-t' ? likelihood : null;
}

/** The Normal likelihood, or null for every other kind. */
export function normalLikelihood(likelihood: LikelihoodSpec): NormalLikelihood | null {
  return likelihood.kind === undefined || likelihood.kind === 'normal' ? likelihood : null;
}

/**
 * The scale likelihood (Normal, Student-t) of a model the caller knows has one: code paths that
 * only such models reach (validation routes the others elsewhere). Another kind here is a bug in
 * the library, hence a RangeError rather than a typed user error.
 */
export function expectScaleLikelihood(spec: ModelSpec): ScaleLikelihood {
  const scale = scaleLikelihood(spec.likelihood);
  if (!scale) throw new RangeError(`internal: a '${likelihoodKind(spec.likelihood)}' likelihood has no noise model`);
  return scale;
}

/** Whether the likelihood is over classes (categorical, bernoulli): class-probability statistics. */
export function isClassifier(likelihood: LikelihoodSpec): boolean {
  return likelihood.kind === 'categorical' || likelihood.kind === 'bernoulli';
}

/** Affine standardisation recorded at training time: x_model = (x - xMean)/xStd; y = yMean + yStd * y_model. */
export interface Standardization {
  readonly xMean: readonly number[];
  readonly xStd: readonly number[];
  readonly yMean: readonly number[];
  readonly yStd: readonly number[];
}

export interface ModelSpec {
  readonly inputDim: number;
  readonly layers: readonly LayerSpec[];
  readonly likelihood: LikelihoodSpec;
  readonly standardization: Standardization | null;
}

/** A dense float32 tensor, row-major. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** A model: the description plus its named tensors (see tensorNames for the names). */
export interface Model {
  readonly spec: ModelSpec;
  readonly tensors: ReadonlyMap<string, Tensor>;
}

/** Canonical tensor names; model files store exactly these keys. */
export const tensorNames = {
  weightLoc: (l: number) => `layers.${l}.weight.loc`,
  weightScale: (l: number) => `layers.${l}.weight.scale`,
  biasLoc: (l: number) => `layers.${l}.bias.loc`,
  biasScale: (l: number) => `layers.${l}.bias.scale`,
  preluSlope: (l: number) => `layers.${l}.prelu_slope`,
  bnScale: (l: number) => `layers.${l}.bn_scale`,
  bnShift: (l: number) => `layers.${l}.bn_shift`,
  noiseLoc: 'noise.loc',
  noiseScale: 'noise.scale',
  noiseConcentration: 'noise.concentration',
  noiseRate: 'noise.rate',
} as const;

/** Number of inputs feeding layer l. */
export function layerInputs(spec: ModelSpec, l: number): number {
  if (l === 0) return spec.inputDim;
  const prev = spec.layers[l - 1];
  if (!prev) throw new RangeError(`layer ${l} has no predecessor`);
  return prev.units;
}

/**
 * Width D of a prediction's per-input arrays (LikelihoodSpec's table): half the last layer for a
 * heteroscedastic head or a Beta's two concentrations, else the last layer's units.
 */
export function outputDim(spec: ModelSpec): number {
  const last = spec.layers[spec.layers.length - 1];
  if (!last) throw new RangeError('model has no layers');
  const scale = scaleLikelihood(spec.likelihood);
  if (scale) return scale.noise.kind === 'heteroscedastic' ? last.units / 2 : last.units;
  return spec.likelihood.kind === 'beta' ? last.units / 2 : last.units;
}

/** Width of one row of y: 1 (a class index) for a categorical model, else outputDim. */
export function targetDim(spec: ModelSpec): number {
  return spec.likelihood.kind === 'categorical' ? 1 : outputDim(spec);
}

/** Count of weight + bias elements of layer l (the length of its RNG element space). */
export function layerParamCount(spec: ModelSpec, l: number): number {
  const layer = spec.layers[l];
  if (!layer) throw new RangeError(`no layer ${l}`);
  return layer.units * layerInputs(spec, l) + layer.units;
}

/** The noise model when sigma is a latent site (has a posterior and may have a prior), else null. */
export function latentNoise(noise: NoiseSpec): LatentNoiseSpec | null {
  return noise.kind === 'lognormal' || noise.kind === 'logitnormal' || noise.kind === 'gamma' ? noise : null;
}

/** Whether sigma is a latent site (has a posterior and may have a prior). */
export function sigmaIsLatent(spec: ModelSpec): boolean {
  const scale = scaleLikelihood(spec.likelihood);
  return scale !== null && latentNoise(scale.noise) !== null;
}
