/**
 * The benchmark's own metrics, computed in float64 from class probabilities, independent of the
 * library's (src/infer computes its own on the GPU; the driver checks the two agree on the same
 * probabilities): accuracy, NLL, Brier score and the 15-bin ECE of ClassificationMetrics
 * (src/infer/types.ts, the same definitions), and the AUROC of an uncertainty score separating
 * out-of-distribution inputs from in-distribution ones.
 */

export const ECE_BINS = 15;

export interface BenchMetrics {
  readonly accuracy: number;
  readonly nll: number;
  readonly brier: number;
  readonly ece: number;
}

/** Smallest probability the NLL takes a log of, so a probability that underflowed to 0 scores a large finite loss. */
const MIN_PROBABILITY = 1e-300;

/**
 * Metrics of mean class probabilities `probs` ([N, K] row-major) against labels 0..K-1. The ECE
 * bins the confidence (the largest probability) into 15 equal-width bins [b/15, (b+1)/15), the
 * last one closed, and sums (n_b/N) |accuracy_b - mean confidence_b|.
 */
export function classificationMetrics(probs: ArrayLike<number>, labels: ArrayLike<number>, classes: number): BenchMetrics {
  const n = labels.length;
  if (n === 0 || probs.length !== n * classes) throw new RangeError(`probabilities of length ${probs.length} do not match ${n} labels x ${classes} classes`);
  let correct = 0;
  let nll = 0;
  let brier = 0;
  const binCount = new Float64Array(ECE_BINS);
  const binCorrect = new Float64Array(ECE_BINS);
  const binConfidence = new Float64Array(ECE_BINS);
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    let best = 0;
    let confidence = -Infinity;
    for (let k = 0; k < classes; k++) {
      const p = probs[i * classes + k] as number;
      if (p > confidence) {
        confidence = p;
        best = k;
      }
      brier += (p - (k === label ? 1 : 0)) ** 2;
    }
    const hit = best === label ? 1 : 0;
    correct += hit;
    nll -= Math.log(Math.max(probs[i * classes + label] as number, MIN_PROBABILITY));
    const bin = Math.min(Math.floor(confidence * ECE_BINS), ECE_BINS - 1);
    binCount[bin] = (binCount[bin] as number) + 1;
    binCorrect[bin] = (binCorrect[bin] as number) + hit;
    binConfidence[bin] = (binConfidence[bin] as number) + confidence;
  }
  let ece = 0;
  for (let b = 0; b < ECE_BINS; b++) {
    const c = binCount[b] as number;
    if (c > 0) ece += (c / n) * Math.abs((binCorrect[b] as number) / c - (binConfidence[b] as number) / c);
  }
  return { accuracy: correct / n, nll: nll / n, brier: brier / n, ece };
}

function entropyOf(p: ArrayLike<number>, offset: number, classes: number): number {
  let h = 0;
  for (let k = 0; k < classes; k++) {
    const v = p[offset + k] as number;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
}

export interface SampleUncertainty {
  /** Mean probabilities over samples, [N, K]. */
  readonly probs: Float64Array;
  /** Predictive entropy H[mean p], [N]. */
  readonly entropy: Float64Array;
  /** Mutual information H[mean p] - mean H[p_s] (clamped at 0 against rounding), [N]. */
  readonly mutualInformation: Float64Array;
}

/** Entropy and mutual information from per-sample probabilities ([S][N, K]). */
export function sampleUncertainty(samples: readonly ArrayLike<number>[], n: number, classes: number): SampleUncertainty {
  const s = samples.length;
  if (s === 0) throw new RangeError('no samples');
  const probs = new Float64Array(n * classes);
  const expected = new Float64Array(n);
  for (const p of samples) {
    if (p.length !== n * classes) throw new RangeError(`a sample has ${p.length} probabilities, expected ${n} x ${classes}`);
    for (let i = 0; i < n * classes; i++) probs[i] = (probs[i] as number) + (p[i] as number) / s;
    for (let i = 0; i < n; i++) expected[i] = (expected[i] as number) + entropyOf(p, i * classes, classes) / s;
  }
  const entropy = Float64Array.from({ length: n }, (_, i) => entropyOf(probs, i * classes, classes));
  const mutualInformation = entropy.map((h, i) => Math.max(h - (expected[i] as number), 0));
  return { probs, entropy, mutualInformation };
}

/**
 * Area under the ROC curve of `score` for telling positives (out-of-distribution) from negatives
 * (in-distribution), higher score = more likely positive: P(positive's score > negative's) +
 * P(tie)/2, the Mann-Whitney U statistic with mid-ranks for ties, in O((m + n) log(m + n)).
 * NaN scores are not allowed (a RangeError): they would be silently ranked anywhere.
 */
export function auroc(negatives: ArrayLike<number>, positives: ArrayLike<number>): number {
  const m = negatives.length;
  const p = positives.length;
  if (m === 0 || p === 0) throw new RangeError(`AUROC needs both classes (${m} negatives, ${p} positives)`);
  const all: { v: number; positive: boolean }[] = [];
  for (let i = 0; i < m; i++) all.push({ v: negatives[i] as number, positive: false });
  for (let i = 0; i < p; i++) all.push({ v: positives[i] as number, positive: true });
  if (all.some((e) => Number.isNaN(e.v))) throw new RangeError('AUROC: a score is NaN');
  all.sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((all[k] as { positive: boolean }).positive) rankSum += midRank;
    i = j + 1;
  }
  return (rankSum - (p * (p + 1)) / 2) / (p * m);
}
