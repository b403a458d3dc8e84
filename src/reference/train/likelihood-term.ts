/**
 * The data term of the likelihoods without a noise scale (src/objective/index.ts, LIKELIHOODS), in
 * float64: one row's −log p(y | f) from the network's raw outputs f, and its gradient over f.
 * Normal's terms stay in point-objective.ts and vi-objective.ts (they also drive sigma).
 */
import { sigmoid, softplus } from '../../math/activations.js';
import { lgamma } from '../../math/special.js';
import { TRAIN_MIN_CONCENTRATION, type TrainLikelihoodInfo } from '../../objective/likelihood.js';

/**
 * ψ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x >= 6, then the asymptotic series
 * (error below 1e-13 there).
 */
function digamma(x0: number): number {
  let x = x0;
  let acc = 0;
  while (x < 6) {
    acc -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  return acc + Math.log(x) - 0.5 * inv - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))));
}

/**
 * −log p(y_b | f_b) of row b (outputs f at out[b * units ..], targets at y[b * targetWidth ..]);
 * adds w × d/df into dOut at the same place and returns the unweighted value.
 * - categorical: log Σ exp f − f_y; gradient softmax(f) − onehot(y).
 * - bernoulli: softplus(f) − y f; gradient sigmoid(f) − y.
 * - beta: α = softplus(f_0) + c, β = softplus(f_1) + c: lgamma α + lgamma β − lgamma(α + β) − (α − 1) log y − (β − 1) log(1 − y).
 * - dirichlet: α_k = softplus(f_k) + c: Σ lgamma α_k − lgamma Σ α_k − Σ (α_k − 1) log y_k.
 */
export function rowNll(likelihood: TrainLikelihoodInfo, units: number, out: Float64Array, y: Float64Array, b: number, dOut: Float64Array, w: number): number {
  const o = b * units;
  const ty = likelihood.targetWidth;
  const c = TRAIN_MIN_CONCENTRATION;
  switch (likelihood.kind) {
    case 'categorical': {
      const label = y[b * ty] ?? NaN;
      let max = -Infinity;
      for (let j = 0; j < units; j++) max = Math.max(max, out[o + j] ?? NaN);
      let sum = 0;
      for (let j = 0; j < units; j++) sum += Math.exp((out[o + j] ?? NaN) - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < units; j++) dOut[o + j] = w * (Math.exp((out[o + j] ?? NaN) - lse) - (j === label ? 1 : 0));
      return lse - (out[o + label] ?? NaN);
    }
    case 'bernoulli': {
      const f = out[o] ?? NaN;
      const label = y[b * ty] ?? NaN;
      dOut[o] = w * (sigmoid(f) - label);
      return softplus(f) - label * f;
    }
    case 'beta': {
      const v = y[b * ty] ?? NaN;
      const f0 = out[o] ?? NaN;
      const f1 = out[o + 1] ?? NaN;
      const a = softplus(f0) + c;
      const bb = softplus(f1) + c;
      const psiSum = digamma(a + bb);
      dOut[o] = w * (digamma(a) - psiSum - Math.log(v)) * sigmoid(f0);
      dOut[o + 1] = w * (digamma(bb) - psiSum - Math.log1p(-v)) * sigmoid(f1);
      return lgamma(a) + lgamma(bb) - lgamma(a + bb) - (a - 1) * Math.log(v) - (bb - 1) * Math.log1p(-v);
    }
    case 'dirichlet': {
      let total = 0;
      let nll = 0;
      for (let k = 0; k < units; k++) {
        const a = softplus(out[o + k] ?? NaN) + c;
        total += a;
        nll += lgamma(a) - (a - 1) * Math.log(y[b * ty + k] ?? NaN);
      }
      const psiTotal = digamma(total);
      for (let k = 0; k < units; k++) {
        const f = out[o + k] ?? NaN;
        dOut[o + k] = w * (digamma(softplus(f) + c) - psiTotal - Math.log(y[b * ty + k] ?? NaN)) * sigmoid(f);
      }
      return nll - lgamma(total);
    }
    case 'normal':
    case 'student-t':
      throw new RangeError(`internal: '${likelihood.kind}' has its own data term`);
  }
}
