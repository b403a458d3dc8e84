/**
 * SWAG's moments from the SWA iterates θ_1..θ_K (Maddox et al. 2019, Algorithm 1), in float64 on
 * the host (θ holds a few thousand values at most in this library's networks, K tens):
 *
 *   θ_SWA = (1/K) Σ_i θ_i,   Σ_diag = max(0, (1/K) Σ_i θ_i² − θ_SWA²)   (elementwise; the clamp is
 *   the paper's, against rounding below zero),
 *   D = the last min(K, rank) deviations θ_i − θ̄_i, where θ̄_i = (1/i) Σ_{j<=i} θ_j is the running
 *   mean at the time θ_i is collected (the paper's Algorithm 1 and its code, which update the mean
 *   before taking the deviation), oldest first.
 *
 * The running sums are accumulated as the paper's code does (mean_i = mean_{i−1} + (θ_i − mean_{i−1}) / i),
 * so the results match a direct float64 computation to rounding.
 */
import { InvalidInputError } from '../errors.js';

export interface SwagMoments {
  /** K, the number of iterates. */
  readonly count: number;
  /** θ_SWA. */
  readonly mean: Float64Array;
  /** Σ_diag, each >= 0. */
  readonly variance: Float64Array;
  /** The deviation matrix D by columns: the last min(K, rank) deviations θ_i − θ̄_i, oldest first. */
  readonly deviations: readonly Float64Array[];
}

export function swagMoments(iterates: readonly ArrayLike<number>[], rank: number): SwagMoments {
  const K = iterates.length;
  if (K === 0) throw new InvalidInputError('SWAG needs at least one iterate');
  if (!Number.isSafeInteger(rank) || rank < 1) throw new InvalidInputError(`SWAG's rank must be an integer >= 1, got ${String(rank)}`);
  const P = (iterates[0] as ArrayLike<number>).length;
  const mean = new Float64Array(P);
  const square = new Float64Array(P);
  const deviations: Float64Array[] = [];
  iterates.forEach((theta, k) => {
    if (theta.length !== P) throw new InvalidInputError(`SWAG iterate ${k} has ${theta.length} values, iterate 0 ${P}`);
    const i = k + 1;
    const deviation = new Float64Array(P);
    for (let e = 0; e < P; e++) {
      const v = theta[e] as number;
      if (!Number.isFinite(v)) throw new InvalidInputError(`SWAG iterate ${k} has a non-finite value at θ index ${e}`);
      const m = (mean[e] as number) + (v - (mean[e] as number)) / i;
      mean[e] = m;
      square[e] = (square[e] as number) + (v * v - (square[e] as number)) / i;
      deviation[e] = v - m;
    }
    deviations.push(deviation);
    if (deviations.length > rank) deviations.shift();
  });
  const variance = mean.map((m, e) => Math.max(0, (square[e] as number) - m * m));
  return { count: K, mean, variance, deviations };
}
