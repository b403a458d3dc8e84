/**
 * The targets y a likelihood accepts, checked before any work (engine, oracle and CLI alike):
 * classifiers' labels (classification.ts checkLabels); Beta targets strictly inside (0, 1), where
 * its density is finite; Dirichlet rows of K positive values summing to 1 within DIRICHLET_SUM_TOLERANCE.
 */
import { InvalidInputError } from '../errors.js';
import type { LikelihoodKind } from '../model/spec.js';
import { checkLabels } from './classification.js';

/**
 * How far a Dirichlet target row's sum may be from 1: rows written to text with 4 or more decimals
 * pass, a row that was never normalised (off by more than 1e-4) is refused. The density is then
 * evaluated at the row as given (torch does not renormalise either).
 */
export const DIRICHLET_SUM_TOLERANCE = 1e-4;

/** Throws an InvalidInputError naming the first target the likelihood cannot score. y is [N, width] row-major. */
export function checkTargets(kind: LikelihoodKind, y: ArrayLike<number>, D: number): void {
  if (kind === 'categorical' || kind === 'bernoulli') return checkLabels(kind, y, D);
  if (kind === 'beta') {
    for (let i = 0; i < y.length; i++) {
      const v = y[i] as number;
      if (!(v > 0 && v < 1)) throw new InvalidInputError(`y row ${Math.floor(i / D)}${D > 1 ? ` column ${i % D}` : ''} is ${v}: a beta model's y lies strictly between 0 and 1`);
    }
    return;
  }
  if (kind === 'dirichlet') {
    for (let n = 0; n < y.length / D; n++) {
      let sum = 0;
      for (let k = 0; k < D; k++) {
        const v = y[n * D + k] as number;
        if (!(v > 0)) throw new InvalidInputError(`y row ${n} column ${k} is ${v}: a dirichlet model's y rows are probability vectors of positive values`);
        sum += v;
      }
      if (!(Math.abs(sum - 1) <= DIRICHLET_SUM_TOLERANCE)) {
        throw new InvalidInputError(`y row ${n} sums to ${sum}: a dirichlet model's y rows are probability vectors summing to 1 (within ${DIRICHLET_SUM_TOLERANCE})`);
      }
    }
  }
}
