/**
 * Targets of ensemble distribution distillation (Malinin, Mlodozeniec & Gales 2019): each posterior
 * sample's class-probability vector π_s(x) at each distillation input, which a Dirichlet student is
 * fitted to by maximum likelihood (the trainer's 'dirichlet' likelihood: Σ_s −log Dir(π_s | α(x))).
 *
 * The teacher's per-sample logits come from Engine.predict with returnSamples (fSamples [S, A, D]);
 * categorical: π = softmax(f) over K logits; bernoulli (one output): π = (1 − σ(f), σ(f)), K = 2.
 * A Dirichlet's density needs every π_k strictly inside (0, 1) in float32, and a confident sample's
 * softmax underflows to 0 (or rounds to 1), so each vector is smoothed towards the centre,
 * π' = (1 − ε) π + ε/K (Malinin et al.'s "central smoothing"): the smallest target is ε/K, and
 * log π' stays finite where the teacher is certain. ε = 1e-4 moves a probability by at most 1e-4.
 */
import type { ClassifierKind } from '../infer/classification.js';

/** Central smoothing of the targets (module comment). */
export const DEFAULT_TARGET_SMOOTHING = 1e-4;

/** Row s·A + a holds sample s's smoothed probabilities at input a ([S·A, K], the order of fSamples). */
export function probabilityTargets(fSamples: ArrayLike<number>, kind: ClassifierKind, classes: number, smoothing: number): Float64Array {
  const width = kind === 'categorical' ? classes : 1;
  const rows = fSamples.length / width;
  const out = new Float64Array(rows * classes);
  const floor = smoothing / classes;
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * classes, (r + 1) * classes);
    if (kind === 'categorical') {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, fSamples[r * classes + k] as number);
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        const e = Math.exp((fSamples[r * classes + k] as number) - max);
        row[k] = e;
        sum += e;
      }
      for (let k = 0; k < classes; k++) row[k] = (row[k] as number) / sum;
    } else {
      const f = fSamples[r] as number;
      // σ(f) and 1 − σ(f) = σ(−f), each without cancellation.
      row[1] = 1 / (1 + Math.exp(-f));
      row[0] = 1 / (1 + Math.exp(f));
    }
    for (let k = 0; k < classes; k++) row[k] = (1 - smoothing) * (row[k] as number) + floor;
  }
  return out;
}
