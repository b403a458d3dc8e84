/**
 * The uncertainty of a categorical outcome whose class probabilities π follow Dirichlet(α): the
 * closed forms an ensemble-distribution-distilled student (Malinin, Mlodozeniec & Gales 2019)
 * reports in place of a Monte-Carlo average over posterior samples.
 *
 *   predictive p_k = E[π_k] = α_k / α0,  α0 = Σ_k α_k
 *   total entropy H[p] = −Σ_k p_k log p_k
 *   expected data entropy E_π[H(Cat(π))] = −Σ_k p_k (ψ(α_k + 1) − ψ(α0 + 1))
 *     (E[π_k log π_k] = p_k (ψ(α_k + 1) − ψ(α0 + 1)), from π_k π_k^{α_k−1} ∝ a Dirichlet with α_k + 1)
 *   mutual information I[y; π] = H[p] − E_π[H(Cat(π))] (epistemic; ≥ 0 by Jensen)
 *   std of π_k = sqrt(p_k (1 − p_k) / (α0 + 1))
 */
import { digamma } from './special.js';

export interface DirichletUncertainty {
  readonly alpha0: number;
  /** E[π], [K]. */
  readonly probs: Float64Array;
  /** Std of each π_k, [K]. */
  readonly probsStd: Float64Array;
  /** H[E π] in nats. */
  readonly entropy: number;
  /** E[H(Cat(π))] in nats. */
  readonly expectedEntropy: number;
  /** entropy − expectedEntropy, clamped at 0 (float64 cancellation can leave −1e-16 when α0 is huge). */
  readonly mutualInformation: number;
}

/** The closed-form predictive and uncertainty split of Dirichlet(α) (module comment); α_k > 0. */
export function dirichletUncertainty(alpha: ArrayLike<number>): DirichletUncertainty {
  const K = alpha.length;
  let alpha0 = 0;
  for (let k = 0; k < K; k++) alpha0 += alpha[k] as number;
  const probs = new Float64Array(K);
  const probsStd = new Float64Array(K);
  const psi0 = digamma(alpha0 + 1);
  let entropy = 0;
  let expectedEntropy = 0;
  for (let k = 0; k < K; k++) {
    const a = alpha[k] as number;
    const p = a / alpha0;
    probs[k] = p;
    probsStd[k] = Math.sqrt((p * (1 - p)) / (alpha0 + 1));
    if (p > 0) entropy -= p * Math.log(p);
    expectedEntropy -= p * (digamma(a + 1) - psi0);
  }
  return { alpha0, probs, probsStd, entropy, expectedEntropy, mutualInformation: Math.max(0, entropy - expectedEntropy) };
}
