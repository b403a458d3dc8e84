/**
 * θ of one trained model -> an engine Model (TrainResult.models, types.ts), shared by the GPU
 * trainer and the float64 training oracle so both hand back identical model descriptions.
 *
 * - 'vi': normal posteriors (loc, softplus(rho)) under N(0, priorScale) priors; noise
 *   LogNormal(sigma_loc, softplus(sigma_rho)) on the site 'sigma' with the Gamma sigma prior.
 * - 'mc-dropout': delta weights, dropout p on every layer's input, fixed sigma 1/(sqrt(tau) yStd)
 *   (tau is the precision in the targets' units; the network works in standardised units).
 * - 'map' (and 'sgmcmc', whose layout is 'map''s): delta weights, fixed sigma exp(log_sigma), or
 *   1/(sqrt(tau) yStd) with layout.fixedNoise.
 * - 'concrete-dropout': delta weights, each layer's learnt rate sigmoid(θ[dropoutLogit + l]) on its
 *   input (spec.layers[l].dropout, predicted by the engine's MC dropout), fixed sigma exp(log_sigma).
 * - 'ensemble': delta weights, heteroscedastic head (mean unit 0, scale unit 1).
 * - any method with a heteroscedastic head (TrainOptions.heteroscedastic): its weights as above, the
 *   noise that head's (no sigma site, no fixed sigma).
 * A likelihood without a noise scale (categorical, bernoulli, beta, dirichlet) records its own spec
 * (classes, minConcentration) instead, whatever the method, and y's standardisation 0 / 1.
 * The standardisation the model was trained with is recorded, so predictions come back in the
 * original units.
 */
import { sigmoid, softplus } from '../math/activations.js';
import { PYRO_SIGMA_SITE } from '../model/pyro.js';
import { SCALAR_SHAPE } from '../model/shapes.js';
import { tensorNames } from '../model/spec.js';
import type { LayerSpec, LikelihoodSpec, Model, NormalLikelihood, Standardization, Tensor } from '../model/spec.js';
import { DEFAULT_LEAKY_SLOPE } from '../model/spec.js';
import { ENSEMBLE_MIN_SCALE, VI_SIGMA_PRIOR } from './constants.js';
import type { TrainLayerLayout, TrainLayout } from './layout.js';
import { TRAIN_MIN_CONCENTRATION, likelihoodOutputDim } from './likelihood.js';

/** What the conversion needs beyond θ, per model (defaults already resolved). */
export interface TrainedModelInfo {
  readonly standardization: Standardization;
  /** Dropout rate on every layer's input ('mc-dropout'; ignored otherwise). */
  readonly dropout: number;
  /** Precision τ in the targets' units ('mc-dropout', and 'map' layouts with fixedNoise; ignored otherwise). */
  readonly tau: number;
  /** Prior std of every weight and bias (recorded for scoring). */
  readonly priorScale: number;
}

function tensor(shape: readonly number[], values: ArrayLike<number>): Tensor {
  return { shape, data: Float32Array.from(values) };
}

/** θ[from .. from+length), optionally mapped elementwise. */
function slice(theta: ArrayLike<number>, from: number, length: number, map?: (v: number) => number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const v = theta[from + i] ?? NaN;
    out[i] = map ? map(v) : v;
  }
  return out;
}

function likelihood(layout: TrainLayout, theta: ArrayLike<number>, info: TrainedModelInfo): LikelihoodSpec {
  const { kind, classes } = layout.likelihood;
  switch (kind) {
    case 'categorical':
      return { kind, classes };
    case 'bernoulli':
      return { kind };
    case 'beta':
      return { kind, minConcentration: TRAIN_MIN_CONCENTRATION };
    case 'dirichlet':
      return { kind, classes, minConcentration: TRAIN_MIN_CONCENTRATION };
    case 'student-t': {
      // The Normal's noise model with the degrees of freedom fixed or reached (exp of θ's log df).
      const df = layout.likelihood.degreesOfFreedom ?? Math.exp(theta[layout.degreesOfFreedom] ?? NaN);
      return { kind, ...normalNoise(layout, theta, info), df };
    }
    case 'normal':
      return normalNoise(layout, theta, info);
  }
}

/** The fixed noise 1/sqrt(tau) in the targets' units, as the network's standardised units record it. */
function tauSigma(info: TrainedModelInfo): number {
  return 1 / (Math.sqrt(info.tau) * (info.standardization.yStd[0] ?? 1));
}

function normalNoise(layout: TrainLayout, theta: ArrayLike<number>, info: TrainedModelInfo): NormalLikelihood {
  // Units 0 and 1 of the last layer (mean, raw scale), in standardised units as the network works.
  if (layout.heteroscedastic) return { noise: { kind: 'heteroscedastic', minScale: ENSEMBLE_MIN_SCALE }, link: 'sigma', sigmaPrior: null };
  switch (layout.method) {
    case 'vi':
      return { noise: { kind: 'lognormal', site: PYRO_SIGMA_SITE }, link: 'sigma', sigmaPrior: VI_SIGMA_PRIOR };
    case 'mc-dropout':
      return { noise: { kind: 'fixed', sigma: tauSigma(info) }, link: 'sigma', sigmaPrior: null };
    case 'map':
    case 'concrete-dropout':
      return { noise: { kind: 'fixed', sigma: layout.fixedNoise ? tauSigma(info) : Math.exp(theta[layout.noise] ?? NaN) }, link: 'sigma', sigmaPrior: null };
    case 'ensemble':
      return { noise: { kind: 'heteroscedastic', minScale: ENSEMBLE_MIN_SCALE }, link: 'sigma', sigmaPrior: null };
  }
}

/** The rate on the layer's input: 'mc-dropout''s fixed one, 'concrete-dropout''s learnt sigmoid(θ logit), else 0. */
function layerDropout(layer: TrainLayerLayout, layout: TrainLayout, theta: ArrayLike<number>, info: TrainedModelInfo): number {
  if (layout.method === 'mc-dropout') return info.dropout;
  if (layout.dropoutLogit >= 0) return sigmoid(theta[layout.dropoutLogit + layer.index] ?? NaN);
  return 0;
}

function layerSpec(layer: TrainLayerLayout, layout: TrainLayout, theta: ArrayLike<number>, info: TrainedModelInfo): LayerSpec {
  const posterior = layout.method === 'vi' ? 'normal' : 'delta';
  // A hierarchical model carries its learned prior: std 1/sqrt(lambda_l) per layer.
  const scale = layout.precision >= 0 ? Math.exp(-0.5 * (theta[layout.precision + layer.index] ?? NaN)) : info.priorScale;
  const prior = { kind: 'normal', loc: 0, scale } as const;
  return {
    units: layer.units,
    activation: layer.activation,
    leakySlope: DEFAULT_LEAKY_SLOPE,
    dropout: layerDropout(layer, layout, theta, info),
    batchNorm: false,
    weight: { site: `layers.${layer.index}.weight`, posterior, prior },
    bias: { site: `layers.${layer.index}.bias`, posterior, prior },
  };
}

/** The engine Model of one trained θ (layout from trainLayout of the same architecture and method). */
export function thetaToModel(layout: TrainLayout, theta: ArrayLike<number>, info: TrainedModelInfo): Model {
  if (theta.length !== layout.size) throw new RangeError(`θ has ${theta.length} values, the layout ${layout.size}`);
  const tensors = new Map<string, Tensor>();
  for (const layer of layout.layers) {
    const { index: l, inputs, units } = layer;
    tensors.set(tensorNames.weightLoc(l), tensor([units, inputs], slice(theta, layer.weight, units * inputs)));
    tensors.set(tensorNames.biasLoc(l), tensor([units], slice(theta, layer.bias, units)));
    if (layout.method === 'vi') {
      tensors.set(tensorNames.weightScale(l), tensor([units, inputs], slice(theta, layer.weightRho, units * inputs, softplus)));
      tensors.set(tensorNames.biasScale(l), tensor([units], slice(theta, layer.biasRho, units, softplus)));
    }
    if (layer.prelu >= 0) tensors.set(tensorNames.preluSlope(l), tensor([units], slice(theta, layer.prelu, units)));
  }
  if (layout.method === 'vi' && layout.noise >= 0) {
    tensors.set(tensorNames.noiseLoc, tensor(SCALAR_SHAPE, [theta[layout.noise] ?? NaN]));
    tensors.set(tensorNames.noiseScale, tensor(SCALAR_SHAPE, [softplus(theta[layout.noise + 1] ?? NaN)]));
  }
  const first = layout.layers[0];
  // Targets that are not real numbers are never standardised (spec.ts): y's statistics are 0 and 1 per output.
  const D = likelihoodOutputDim(layout.likelihood);
  const standardization = layout.likelihood.scale
    ? info.standardization
    : { xMean: info.standardization.xMean, xStd: info.standardization.xStd, yMean: new Array<number>(D).fill(0), yStd: new Array<number>(D).fill(1) };
  return {
    spec: {
      inputDim: first ? first.inputs : 0,
      layers: layout.layers.map((layer) => layerSpec(layer, layout, theta, info)),
      likelihood: likelihood(layout, theta, info),
      standardization,
    },
    tensors,
  };
}
