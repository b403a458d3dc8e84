/**
 * How far a float32 GPU classifier statistic may be from the float64 oracle's, following the rule of
 * test/support/error-bound.ts: the network's outputs (the logits) carry that file's per-sample bound
 * Δ_s,n,d (computed on the same network read as a Normal model: the bound is the network's, not the
 * likelihood's); then
 * - log softmax moves by at most Δ_d + max_k Δ_k =: δ (the normaliser by at most max_k Δ_k), plus
 *   its float32 evaluation, (K + 4) u (|f| + log K + 1) (max, K exps summed, a log); log sigmoid's
 *   softplus moves by at most Δ, plus 16 u (|f| + 1);
 * - p = exp(log p) moves by p (e^δ − 1) plus 4 u p; a sample's entropy H = −Σ p log p (whose
 *   gradient in the logits is −p_k (log p_k + H)) by e^{2 max Δ} Σ_k p_k |log p_k + H| Δ_k (the factor
 *   covers the curvature over the box), plus (K + 8) u; a binary entropy (gradient −f p (1 − p)) by
 *   p (1 − p) (|f| + Δ) Δ plus 8 u;
 * - a mean over samples by the mean of the per-sample bounds, a standard deviation by their
 *   root-mean-square (Minkowski), each plus S u times the statistic's magnitude (float32
 *   accumulation), as error-bound.ts;
 * - H[p̄] by Σ_d |log p̄_d + 1| Δp̄_d (bernoulli: |log(p̄/(1 − p̄))| Δp̄_d), computed in float64 on the
 *   host from the read-back p̄; the mutual information by the sum of the two entropies' bounds;
 * - a vote (argmax) can flip only where the oracle's two largest logits (bernoulli: f and 0) are within
 *   their bounds: the vote fractions, and so the variation ratio, by the fraction of such samples;
 * - log (1/S) Σ_s p_s(y) by max_s δ_s (a logmeanexp moves by at most its terms' largest move) plus
 *   S u (1 + |lpd|) for the running logsumexp.
 */
import type { Model } from '../../src/model/spec.js';
import type { SamplingPath } from '../../src/infer/types.js';
import { logProbabilities } from '../../src/reference/classify.js';
import { sampleBounds, U } from './error-bound.js';

export interface ClassBounds {
  readonly probs: Float64Array;
  readonly probsStd: Float64Array;
  readonly entropy: Float64Array;
  readonly expectedEntropy: Float64Array;
  readonly mutualInformation: Float64Array;
  readonly variationRatio: Float64Array;
  readonly logPredictiveDensity: Float64Array;
}

/** The network's f bound with the classifier read as a Normal model (fixed noise: no draws). */
export function logitBounds(model: Model, x: number[][], o: { samples: number; seed: number; path: SamplingPath; member?: number }) {
  const twin: Model = { spec: { ...model.spec, likelihood: { noise: { kind: 'fixed', sigma: 1 }, link: 'sigma', sigmaPrior: null } }, tensors: model.tensors };
  return sampleBounds(twin, x, o);
}

export function classBounds(model: Model, x: number[][], o: { samples: number; seed: number; path: SamplingPath; y?: readonly number[]; member?: number }): ClassBounds {
  const kind = model.spec.likelihood.kind === 'bernoulli' ? 'bernoulli' : 'categorical';
  const b = logitBounds(model, x, o);
  const S = o.samples;
  const N = x.length;
  const D = b.f.length / (S * N);
  const logP = logProbabilities(kind, b.f, S, N, D);
  const logPBound = new Float64Array(S * N * D);
  const modalFlip = new Float64Array(S * N);
  for (let r = 0; r < S * N; r++) {
    let maxBound = 0;
    let maxAbs = 0;
    for (let d = 0; d < D; d++) {
      maxBound = Math.max(maxBound, b.fBound[r * D + d] as number);
      maxAbs = Math.max(maxAbs, Math.abs(b.f[r * D + d] as number));
    }
    for (let d = 0; d < D; d++) {
      const delta = b.fBound[r * D + d] as number;
      logPBound[r * D + d] = kind === 'categorical' ? delta + maxBound + (D + 4) * U * (maxAbs + Math.log(D) + 1) : delta + 16 * U * (Math.abs(b.f[r * D + d] as number) + 1);
    }
    // A vote may flip where the top two logits (bernoulli: f and 0) are within their bounds.
    if (kind === 'categorical') {
      let best = 0;
      for (let d = 1; d < D; d++) if ((b.f[r * D + d] as number) > (b.f[r * D + best] as number)) best = d;
      for (let d = 0; d < D; d++) {
        if (d !== best && (b.f[r * D + best] as number) - (b.f[r * D + d] as number) <= (b.fBound[r * D + best] as number) + (b.fBound[r * D + d] as number) + 4 * U * maxAbs)
          modalFlip[r] = 1;
      }
    } else {
      for (let d = 0; d < D; d++) if (Math.abs(b.f[r * D + d] as number) <= (b.fBound[r * D + d] as number)) modalFlip[r] = (modalFlip[r] as number) + 1 / D;
    }
  }
  const ND = N * D;
  const probs = new Float64Array(ND);
  const probsStd = new Float64Array(ND);
  const pMean = new Float64Array(ND);
  for (let k = 0; k < ND; k++) {
    let sum = 0;
    let sq = 0;
    let pSum = 0;
    for (let s = 0; s < S; s++) {
      const lp = logP[s * ND + k] as number;
      const p = Math.exp(lp);
      const pb = p * Math.expm1(logPBound[s * ND + k] as number) + 4 * U * p;
      sum += pb;
      sq += pb * pb;
      pSum += p;
    }
    pMean[k] = pSum / S;
    probs[k] = sum / S + S * U * (pMean[k] as number);
    probsStd[k] = Math.sqrt(sq / S) + S * U * 0.5;
  }
  const entropy = new Float64Array(N);
  const expectedEntropy = new Float64Array(N);
  const mutualInformation = new Float64Array(N);
  const variationRatio = new Float64Array(N);
  const logPredictiveDensity = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let h = 0;
    let eh = 0;
    for (let d = 0; d < D; d++) {
      const k = n * D + d;
      const p = pMean[k] as number;
      const pb = probs[k] as number;
      // Over the box p ± Δp (p may be tiny): the slope's largest magnitude there.
      const lo = Math.max(p - pb, Number.MIN_VALUE);
      const slope =
        kind === 'categorical'
          ? Math.max(Math.abs(Math.log(lo) + 1), Math.abs(Math.log(p + pb) + 1))
          : Math.max(Math.abs(Math.log(lo / (1 - lo))), Math.abs(Math.log(Math.min(p + pb, 1 - 1e-300) / (1 - Math.min(p + pb, 1 - 1e-300)))));
      h += slope * pb + 4 * U;
    }
    for (let s = 0; s < S; s++) {
      const at = (s * N + n) * D;
      let maxBound = 0;
      let hs = 0;
      for (let d = 0; d < D; d++) {
        maxBound = Math.max(maxBound, b.fBound[at + d] as number);
        const lp = logP[at + d] as number;
        hs -= Math.exp(lp) * lp;
      }
      let term = 0;
      for (let d = 0; d < D; d++) {
        const lp = logP[at + d] as number;
        const p = Math.exp(lp);
        const delta = b.fBound[at + d] as number;
        term += kind === 'categorical' ? p * Math.abs(lp + hs) * delta : p * (1 - p) * (Math.abs(b.f[at + d] as number) + delta) * delta + 8 * U;
      }
      eh += (kind === 'categorical' ? Math.exp(2 * maxBound) * term + (D + 8) * U : term) / S;
    }
    eh += S * U * Math.log(Math.max(D, 2)) * D;
    entropy[n] = h;
    expectedEntropy[n] = eh;
    mutualInformation[n] = h + eh;
    let flips = 0;
    let maxDelta = 0;
    let lpdMax = -Infinity;
    let lpdSum = 0;
    for (let s = 0; s < S; s++) {
      flips += modalFlip[s * N + n] as number;
      if (o.y) {
        const at = (s * N + n) * D;
        let delta = 0;
        if (kind === 'categorical') delta = logPBound[at + (o.y[n] as number)] as number;
        else for (let d = 0; d < D; d++) delta += logPBound[at + d] as number;
        maxDelta = Math.max(maxDelta, delta);
        let ll = 0;
        if (kind === 'categorical') ll = logP[at + (o.y[n] as number)] as number;
        else for (let d = 0; d < D; d++) ll += (o.y[n * D + d] === 1 ? logP[at + d] : logP[at + d]! - (b.f[at + d] as number)) as number;
        if (ll > lpdMax) {
          lpdSum = lpdSum * Math.exp(lpdMax - ll) + 1;
          lpdMax = ll;
        } else lpdSum += Math.exp(ll - lpdMax);
      }
    }
    variationRatio[n] = flips / S + S * U;
    const lpd = lpdMax + Math.log(lpdSum / S);
    logPredictiveDensity[n] = maxDelta + S * U * (1 + Math.abs(lpd));
  }
  return { probs, probsStd, entropy, expectedEntropy, mutualInformation, variationRatio, logPredictiveDensity };
}
