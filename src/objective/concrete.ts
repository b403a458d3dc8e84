/**
 * Concrete dropout (Gal, Hron & Kendall 2017; index.ts, CONCRETE DROPOUT): the relaxed Bernoulli
 * mask of a layer's input and the regulariser of its learnt rate, in float64. The float64 oracle
 * computes with these; shaders/train/masks.wgsl, concrete-grad.wgsl and loss-map.wgsl are their
 * float32 twins.
 *
 * With θ_l the unconstrained logit of layer l's rate (p = sigmoid(θ_l)) and g the logistic noise of a
 * (row, input unit), the drop probability is z = sigmoid((θ_l + g) / T) and the input is multiplied by
 * m = (1 − z) / (1 − p). Its derivative is dm/dθ_l = m (p − z / T), so the input x m has
 * d(x m)/dθ_l = (x m)(p − z / T): the gradient needs only the masked input and z.
 */
import { sigmoid, softplus } from '../math/activations.js';

/** The relaxation's temperature (the paper's code: 0.1). */
export const CONCRETE_TEMPERATURE = 0.1;

/** The initial dropout rate when neither ModelHyper.dropout nor the architecture's gives one (the paper's code: init range [0.1, 0.1]). */
export const INIT_CONCRETE_DROPOUT = 0.1;

/** 2^24: the logistic noise uses the top 23 bits of a Philox word as an odd multiple of 2^-24. */
const TWO_POW_24 = 16777216;

/**
 * The logistic noise g = log u − log(1 − u) of a Philox word, u = (2 (word >>> 9) + 1) / 2^24 in (0, 1):
 * both c = 2 (word >>> 9) + 1 and 2^24 − c are odd integers below 2^24, exact in float32, so the GPU
 * computes log(c) − log(2^24 − c) from exact arguments (and u is never 0 or 1).
 */
export function concreteNoise(word: number): number {
  const c = 2 * (word >>> 9) + 1;
  return Math.log(c) - Math.log(TWO_POW_24 - c);
}

/** The drop probability z = sigmoid((θ + g) / T) of one unit. */
export function concreteDrop(logit: number, noise: number): number {
  return sigmoid((logit + noise) / CONCRETE_TEMPERATURE);
}

/** The mask m = (1 − z) / (1 − p) = sigmoid(−(θ + g) / T) / sigmoid(−θ) of one unit. */
export function concreteMask(logit: number, noise: number): number {
  return sigmoid(-(logit + noise) / CONCRETE_TEMPERATURE) / sigmoid(-logit);
}

/**
 * A layer's regulariser in the step loss's per-row units, at rate p = sigmoid(θ):
 * c Σ W² / (1 − p) + c Σ b² + (K / N)(p log p + (1 − p) log(1 − p)), with c = l² / (2N) (the model's
 * weightDecay) and K the layer's inputs; returned with its derivative in θ,
 * c Σ W² p / (1 − p) + (K / N) p (1 − p) θ. (The paper's code writes l²/N and 2/N against a data term
 * that is twice the mean NLL; here the data term is the mean NLL, so both are halved: the KL of the
 * dropout posterior over N.) The weights' own derivative, 2 c W / (1 − p) and 2 c b, is the caller's.
 */
export function concreteRegulariser(logit: number, sumW2: number, sumB2: number, inputs: number, weightDecay: number, n: number): { value: number; dLogit: number } {
  const p = sigmoid(logit);
  // log p = −softplus(−θ), log(1 − p) = −softplus(θ): finite for every finite θ.
  const logP = -softplus(-logit);
  const log1mP = -softplus(logit);
  const negEntropy = p * logP + (1 - p) * log1mP;
  return {
    value: (weightDecay * sumW2) / (1 - p) + weightDecay * sumB2 + (inputs / n) * negEntropy,
    dLogit: weightDecay * sumW2 * Math.exp(logit) + (inputs / n) * p * (1 - p) * logit,
  };
}

/** The logit θ of a rate p in (0, 1): the initial value of a layer's θ entry. */
export function dropoutLogit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}
