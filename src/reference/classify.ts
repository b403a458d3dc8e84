/**
 * The oracle's classifier statistics: per-(n, d) reductions of its float64 samples' probabilities
 * (the planes src/infer/classification.ts defines, which the GPU forms in shaders/infer/class-*.wgsl)
 * and the per-(sample, input) log-likelihood of labels.
 */
import type { ClassifierKind, ClassPlanes } from '../infer/classification.js';
import { bernoulliEntropy, bernoulliLogLik, categoricalLogLik, logSigmoid, logSoftmax } from '../math/likelihoods.js';

/** log p_s(outcome d) at every (s, n, d) of logits f [S, N, D]: log softmax (categorical) or log sigmoid (bernoulli). */
export function logProbabilities(kind: ClassifierKind, f: Float64Array, S: number, N: number, D: number): Float64Array {
  const out = new Float64Array(S * N * D);
  for (let r = 0; r < S * N; r++) {
    const row = f.subarray(r * D, (r + 1) * D);
    if (kind === 'bernoulli') row.forEach((v, d) => (out[r * D + d] = logSigmoid(v)));
    else out.set(logSoftmax(row), r * D);
  }
  return out;
}

/** Whether outcome d is sample row r's most probable (categorical: the first largest logit; bernoulli: f > 0). */
function isModal(kind: ClassifierKind, f: Float64Array, r: number, D: number, d: number): boolean {
  const v = f[r * D + d] as number;
  if (kind === 'bernoulli') return v > 0;
  for (let k = 0; k < D; k++) {
    const g = f[r * D + k] as number;
    if (g > v || (g === v && k < d)) return false;
  }
  return true;
}

/** The planes of logits f [S, N, D] in float64 (two passes for the variance). */
export function classPlanesFromLogits(kind: ClassifierKind, f: Float64Array, S: number, N: number, D: number): ClassPlanes {
  const logP = logProbabilities(kind, f, S, N, D);
  const ND = N * D;
  const probs = new Float64Array(ND);
  const probsVar = new Float64Array(ND);
  const entropyTerms = new Float64Array(ND);
  const votes = new Float64Array(ND);
  for (let k = 0; k < ND; k++) {
    let sum = 0;
    let e = 0;
    let c = 0;
    for (let s = 0; s < S; s++) {
      const lp = logP[s * ND + k] as number;
      const p = Math.exp(lp);
      sum += p;
      // The sample's entropy term of outcome d: categoricalEntropy's −p log p, or the binary entropy.
      e += kind === 'categorical' ? -p * lp : bernoulliEntropy(f[s * ND + k] as number);
      if (isModal(kind, f, s * N + Math.floor(k / D), D, k % D)) c++;
    }
    const mean = sum / S;
    let dev = 0;
    for (let s = 0; s < S; s++) dev += (Math.exp(logP[s * ND + k] as number) - mean) ** 2;
    probs[k] = mean;
    probsVar[k] = dev / S;
    entropyTerms[k] = e / S;
    votes[k] = c / S;
  }
  return { kind, n: N, D, probs, probsVar, entropyTerms, votes };
}

/** log p_s(y_n) per (sample, input), [S, N]: labels y (checked) against logits f [S, N, D]. */
export function classLogLikelihoods(kind: ClassifierKind, f: Float64Array, S: number, N: number, D: number, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(S * N);
  for (let s = 0; s < S; s++) {
    for (let n = 0; n < N; n++) {
      const at = (s * N + n) * D;
      if (kind === 'categorical') {
        out[s * N + n] = categoricalLogLik(f.subarray(at, at + D), y[n] as number);
        continue;
      }
      let ll = 0;
      for (let d = 0; d < D; d++) ll += bernoulliLogLik(f[at + d] as number, y[n * D + d] as number);
      out[s * N + n] = ll;
    }
  }
  return out;
}
