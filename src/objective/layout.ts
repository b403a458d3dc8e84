/**
 * Where each trainable parameter sits in a model's unconstrained vector θ (index.ts, PARAMETERS),
 * and the layer shapes of the architecture. The GPU kernels compile these offsets in; the float64
 * oracle and the θ -> Model conversion read θ through them.
 */
import { InvalidInputError } from '../errors.js';
import type { Activation } from '../model/spec.js';
import { checkArchitecture, type ArchitectureSpec } from './architecture.js';
import { NORMAL_TRAINING, heteroscedasticHead, likelihoodUnits, type TrainLikelihoodInfo } from './likelihood.js';
import { objectiveMethod, type ObjectiveMethod, type TrainMethod } from './methods.js';

export interface TrainLayerLayout {
  readonly index: number;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  /** θ offsets: W (or W_loc) and b (or b_loc); rho offsets are -1 unless 'vi'; prelu -1 unless prelu. */
  readonly weight: number;
  readonly bias: number;
  readonly weightRho: number;
  readonly biasRho: number;
  readonly prelu: number;
  /** Offset of this layer's sampled [W, b] within one (model, K-sample) slot of drawn weights ('vi'). */
  readonly drawnOffset: number;
}

export interface TrainLayout {
  /** The objective whose θ and step loss the run uses (methods.ts objectiveMethod: 'hmc' and 'sgmcmc' sample 'map''s). */
  readonly method: ObjectiveMethod;
  /** The likelihood the output layer feeds (likelihood.ts): its width, and whether there is a noise site. */
  readonly likelihood: TrainLikelihoodInfo;
  readonly layers: readonly TrainLayerLayout[];
  /** θ length per model. */
  readonly size: number;
  /** The last layer is a heteroscedastic head: unit 0 the mean, unit 1 the raw scale (likelihood.ts, heteroscedasticHead). */
  readonly heteroscedastic: boolean;
  /** 'vi': sigma_loc, sigma_rho; 'map' and 'concrete-dropout': log_sigma at `noise`; -1 when absent (a likelihood without a noise scale, a heteroscedastic head, fixed noise). */
  readonly noise: number;
  /**
   * 'sgmcmc' with every model's tau given (index.ts, SAMPLERS): 'map''s objective at the fixed σ of
   * 'mc-dropout', 1 / (sqrt(tau) yStd) per model, with no log_sigma in θ.
   */
  readonly fixedNoise: boolean;
  /** 'student-t' with learnt degrees of freedom: log df at this θ index; -1 when absent. */
  readonly degreesOfFreedom: number;
  /** Hierarchical 'vi': log prior precision of layer l at precision + l; -1 when absent. */
  readonly precision: number;
  /** 'concrete-dropout': logit of layer l's dropout rate (on its input) at dropoutLogit + l; -1 when absent. */
  readonly dropoutLogit: number;
  /** Floats of drawn [W, b] per (model, K-sample) ('vi'). */
  readonly drawnSize: number;
  readonly outputUnits: number;
  readonly maxUnits: number;
}

export function trainLayout(
  arch: ArchitectureSpec,
  trainMethod: TrainMethod,
  hierarchical = false,
  likelihood: TrainLikelihoodInfo = NORMAL_TRAINING,
  fixedNoise = false,
): TrainLayout {
  if (hierarchical && trainMethod !== 'vi') throw new InvalidInputError(`the hierarchical prior is a 'vi' option, not '${trainMethod}'`);
  checkArchitecture(arch, trainMethod);
  const method = objectiveMethod(trainMethod);
  if (fixedNoise && ((trainMethod !== 'sgmcmc' && trainMethod !== 'hmc') || !likelihood.scale || likelihood.heteroscedastic)) {
    throw new RangeError(`internal: fixed noise is for 'hmc' and 'sgmcmc' with a global noise scale, not '${trainMethod}'`);
  }
  const outputUnits = likelihoodUnits(likelihood, method);
  const widths = [...arch.hidden, outputUnits];
  let cursor = 0;
  let drawn = 0;
  const vi = method === 'vi';
  const layers = widths.map((units, index): TrainLayerLayout => {
    const inputs = index === 0 ? arch.inputDim : (widths[index - 1] as number);
    const activation: Activation = index === widths.length - 1 ? 'identity' : arch.activation;
    const w = inputs * units;
    const weight = cursor;
    const weightRho = vi ? weight + w : -1;
    const bias = vi ? weight + 2 * w : weight + w;
    const biasRho = vi ? bias + units : -1;
    cursor = vi ? bias + 2 * units : bias + units;
    const prelu = activation === 'prelu' ? cursor : -1;
    if (prelu >= 0) cursor += units;
    const layer = { index, inputs, units, activation, weight, bias, weightRho, biasRho, prelu, drawnOffset: drawn };
    drawn += w + units;
    return layer;
  });
  const heteroscedastic = heteroscedasticHead(likelihood, method);
  if (likelihood.betaNll > 0) {
    // β-NLL changes the objective away from a log posterior: the samplers' targets and VI's ELBO would no longer be theirs.
    if (trainMethod === 'vi' || trainMethod === 'hmc' || trainMethod === 'sgmcmc') {
      throw new InvalidInputError(
        `betaNll is not a '${trainMethod}' option: its objective must stay a posterior's (use 'ensemble', 'mc-dropout', 'map', 'concrete-dropout', 'laplace' or 'swag')`,
      );
    }
    if (!heteroscedastic) throw new InvalidInputError(`betaNll weights a heteroscedastic head's NLL: set heteroscedastic: true for '${trainMethod}'`);
  }
  // The head gives the noise scale per input: no global sigma parameter beside it.
  const noisy = likelihood.scale && !heteroscedastic && !fixedNoise && (method === 'vi' || method === 'map' || method === 'concrete-dropout');
  const noise = noisy ? cursor : -1;
  if (noisy) cursor += method === 'vi' ? 2 : 1;
  const learnDf = likelihood.kind === 'student-t' && likelihood.degreesOfFreedom === null;
  const degreesOfFreedom = learnDf ? cursor : -1;
  if (learnDf) cursor += 1;
  const precision = hierarchical ? cursor : -1;
  if (hierarchical) cursor += layers.length;
  const concrete = method === 'concrete-dropout';
  const dropoutLogit = concrete ? cursor : -1;
  if (concrete) cursor += layers.length;
  return {
    method,
    likelihood,
    layers,
    size: cursor,
    heteroscedastic,
    noise,
    fixedNoise,
    degreesOfFreedom,
    precision,
    dropoutLogit,
    drawnSize: drawn,
    outputUnits,
    maxUnits: Math.max(arch.inputDim, ...widths),
  };
}
