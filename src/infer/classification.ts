/**
 * A classifier's predictive (likelihood 'categorical' or 'bernoulli') from its per-(input, output)
 * reductions over samples, shared by the GPU engine (which reduces its samples into these planes on
 * the GPU and reads back only them) and the float64 oracle (which sums its samples in float64):
 * everything here is O(N·K) host work on read-back statistics, never on samples.
 *
 * Per (n, d), over the S samples p_s = softmax(f_s) (categorical, d a class) or sigmoid(f_s)
 * (bernoulli, d an output):
 *   probs        p̄ = (1/S) Σ_s p_s
 *   probsVar     (1/S) Σ_s (p_s − p̄)²                      (the population variance)
 *   entropyTerms (1/S) Σ_s e(p_s), e = −p log p (categorical) or −p log p − (1−p) log(1−p) (bernoulli)
 *   votes        fraction of samples whose most probable outcome is d (categorical: the first
 *                largest logit; bernoulli: p_s > 1/2)
 * From these: entropy H[p̄], expectedEntropy Σ_d entropyTerms = E_s H[p_s], their difference the
 * mutual information, the variation ratio 1 − max_d votes, and the PredictResult fields that
 * describe the one-hot outcome (types.ts).
 */
import { InvalidInputError } from '../errors.js';
import { binaryEntropy, entropy as probsEntropy } from '../math/likelihoods.js';
import type { CalibrationBin, ClassificationMetrics } from './types.js';

export type ClassifierKind = 'categorical' | 'bernoulli';

/** The per-(n, d) reductions of a classifier's samples, [N, D] each. */
export interface ClassPlanes {
  readonly kind: ClassifierKind;
  readonly n: number;
  readonly D: number;
  readonly probs: ArrayLike<number>;
  readonly probsVar: ArrayLike<number>;
  readonly entropyTerms: ArrayLike<number>;
  readonly votes: ArrayLike<number>;
}

/** Bins of the expected calibration error (Guo et al., 2017: 15 equal-width confidence bins). */
export const CALIBRATION_BINS = 15;

type FloatArray = Float32Array | Float64Array;

/**
 * The classifier fields of PredictResult and the one-hot outcome's mean, stds and interval, from the
 * planes. `alloc` makes the output arrays (Float32Array for the engine, Float64Array for the oracle);
 * the arithmetic is float64 either way.
 */
export function classifierFields<A extends FloatArray>(planes: ClassPlanes, z: number, alloc: (length: number) => A) {
  const { kind, n: N, D } = planes;
  const ND = N * D;
  const mean = alloc(ND);
  const std = alloc(ND);
  const epistemicStd = alloc(ND);
  const aleatoricStd = alloc(ND);
  const lower = alloc(ND);
  const upper = alloc(ND);
  const probs = alloc(ND);
  const probsStd = alloc(ND);
  const entropy = alloc(N);
  const expectedEntropy = alloc(N);
  const mutualInformation = alloc(N);
  const variationRatio = alloc(N);
  for (let n = 0; n < N; n++) {
    // H[p̄]: the entropy of the mean probabilities (bernoulli: the outputs' binary entropies summed).
    let h = kind === 'categorical' ? probsEntropy(Array.from({ length: D }, (_, d) => planes.probs[n * D + d] as number)) : 0;
    let eh = 0;
    let modal = 0;
    let ratio = 0;
    for (let d = 0; d < D; d++) {
      const k = n * D + d;
      const p = planes.probs[k] as number;
      const variance = Math.max(planes.probsVar[k] as number, 0);
      // Law of total variance of the indicator: p̄(1 − p̄) = E_s[p(1 − p)] + Var_s[p].
      const total = Math.sqrt(Math.max(p * (1 - p), 0));
      mean[k] = p;
      probs[k] = p;
      probsStd[k] = Math.sqrt(variance);
      epistemicStd[k] = Math.sqrt(variance);
      aleatoricStd[k] = Math.sqrt(Math.max(p * (1 - p) - variance, 0));
      std[k] = total;
      lower[k] = Math.max(p - z * total, 0);
      upper[k] = Math.min(p + z * total, 1);
      if (kind === 'bernoulli') h += binaryEntropy(p);
      eh += planes.entropyTerms[k] as number;
      const v = planes.votes[k] as number;
      modal = Math.max(modal, v);
      ratio += 1 - Math.max(v, 1 - v);
    }
    entropy[n] = h;
    expectedEntropy[n] = eh;
    // Jensen: H[p̄] >= E H[p_s]; rounding can make the difference a hair negative.
    mutualInformation[n] = Math.max(h - eh, 0);
    variationRatio[n] = kind === 'categorical' ? 1 - modal : ratio / D;
  }
  return { mean, std, epistemicStd, aleatoricStd, lower, upper, probs, probsStd, entropy, expectedEntropy, mutualInformation, variationRatio };
}

/**
 * The equal-weight mixture of members' planes (an ensemble: each member's samples weigh the same):
 * means average, the variance is the mean of (variance + (p̄_m − p̄)²).
 */
export function mergeClassPlanes(members: readonly ClassPlanes[]): ClassPlanes {
  const first = members[0];
  if (!first) throw new RangeError('internal: a mixture of no members');
  const M = members.length;
  const ND = first.n * first.D;
  const probs = new Float64Array(ND);
  const probsVar = new Float64Array(ND);
  const entropyTerms = new Float64Array(ND);
  const votes = new Float64Array(ND);
  for (let k = 0; k < ND; k++) {
    let p = 0;
    for (const m of members) p += (m.probs[k] as number) / M;
    let v = 0;
    let e = 0;
    let c = 0;
    for (const m of members) {
      v += ((m.probsVar[k] as number) + ((m.probs[k] as number) - p) ** 2) / M;
      e += (m.entropyTerms[k] as number) / M;
      c += (m.votes[k] as number) / M;
    }
    probs[k] = p;
    probsVar[k] = v;
    entropyTerms[k] = e;
    votes[k] = c;
  }
  return { kind: first.kind, n: first.n, D: first.D, probs, probsVar, entropyTerms, votes };
}

/**
 * Checks labels y for a classifier: categorical, N class indices (integers in 0..K−1); bernoulli,
 * N×D labels each 0 or 1. An InvalidInputError names the first bad one.
 */
export function checkLabels(kind: ClassifierKind, y: ArrayLike<number>, D: number): void {
  const width = kind === 'categorical' ? 1 : D;
  for (let i = 0; i < y.length; i++) {
    const v = y[i] as number;
    const where = `y row ${Math.floor(i / width)}${width > 1 ? ` column ${i % width}` : ''}`;
    if (kind === 'categorical' && !(Number.isInteger(v) && v >= 0 && v < D)) {
      throw new InvalidInputError(`${where} is ${v}: a categorical model's y is a class index, an integer in 0..${D - 1}`);
    }
    if (kind === 'bernoulli' && v !== 0 && v !== 1) {
      throw new InvalidInputError(`${where} is ${v}: a bernoulli model's y is a label, 0 or 1`);
    }
  }
}

/**
 * Accuracy, NLL, Brier score and the 15-bin ECE of the mean probabilities against labels (checked
 * by checkLabels). Categorical: one prediction per input over its K classes. Bernoulli: each output
 * one binary prediction (its two outcomes, confidence max(p, 1 − p)).
 */
export function classificationMetrics(kind: ClassifierKind, probs: ArrayLike<number>, N: number, D: number, y: ArrayLike<number>): ClassificationMetrics {
  const count = new Float64Array(CALIBRATION_BINS);
  const confidenceSum = new Float64Array(CALIBRATION_BINS);
  const correctSum = new Float64Array(CALIBRATION_BINS);
  let correct = 0;
  let nll = 0;
  let brier = 0;
  let predictions = 0;
  const record = (confidence: number, hit: boolean, pLabel: number, squaredError: number) => {
    const bin = Math.min(Math.floor(confidence * CALIBRATION_BINS), CALIBRATION_BINS - 1);
    count[bin] = (count[bin] as number) + 1;
    confidenceSum[bin] = (confidenceSum[bin] as number) + confidence;
    correctSum[bin] = (correctSum[bin] as number) + (hit ? 1 : 0);
    if (hit) correct++;
    nll -= Math.log(pLabel);
    brier += squaredError;
    predictions++;
  };
  for (let n = 0; n < N; n++) {
    if (kind === 'categorical') {
      const label = y[n] as number;
      let best = 0;
      let squaredError = 0;
      for (let k = 0; k < D; k++) {
        const p = probs[n * D + k] as number;
        if (p > (probs[n * D + best] as number)) best = k;
        squaredError += (p - (k === label ? 1 : 0)) ** 2;
      }
      record(probs[n * D + best] as number, best === label, probs[n * D + label] as number, squaredError);
    } else {
      for (let d = 0; d < D; d++) {
        const p = probs[n * D + d] as number;
        const label = y[n * D + d] as number;
        const predicted = p > 0.5 ? 1 : 0;
        record(Math.max(p, 1 - p), predicted === label, label === 1 ? p : 1 - p, 2 * (p - label) ** 2);
      }
    }
  }
  const calibration: CalibrationBin[] = [];
  let ece = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const c = count[b] as number;
    const confidence = c > 0 ? (confidenceSum[b] as number) / c : NaN;
    const accuracy = c > 0 ? (correctSum[b] as number) / c : NaN;
    if (c > 0) ece += (c / predictions) * Math.abs(accuracy - confidence);
    calibration.push({ lower: b / CALIBRATION_BINS, upper: (b + 1) / CALIBRATION_BINS, count: c, confidence, accuracy });
  }
  return { accuracy: correct / predictions, nll: nll / predictions, brier: brier / predictions, ece, calibration };
}
