/**
 * The data term of the likelihoods without a noise scale (src/objective/index.ts, LIKELIHOODS), in
 * float64: one row's −log p(y | f) from the network's raw outputs f, and its gradient over f, by
 * the likelihood maths of src/math/likelihoods.ts.
 * Normal's terms stay in point-objective.ts and vi-objective.ts (they also drive sigma).
 */
import { bernoulliLogLik, bernoulliNllGrad, betaLogLik, betaNllGrad, categoricalLogLik, categoricalNllGrad, dirichletLogLik, dirichletNllGrad } from '../../math/likelihoods.js';
import { TRAIN_MIN_CONCENTRATION, type TrainLikelihoodInfo } from '../../objective/likelihood.js';

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
  const f = out.subarray(o, o + units);
  switch (likelihood.kind) {
    case 'categorical': {
      const label = y[b * ty] ?? NaN;
      categoricalNllGrad(f, label).forEach((g, j) => (dOut[o + j] = w * g));
      return -categoricalLogLik(f, label);
    }
    case 'bernoulli': {
      const label = y[b * ty] ?? NaN;
      dOut[o] = w * bernoulliNllGrad(f[0] ?? NaN, label);
      return -bernoulliLogLik(f[0] ?? NaN, label);
    }
    case 'beta': {
      const v = y[b * ty] ?? NaN;
      const [g0, g1] = betaNllGrad(f[0] ?? NaN, f[1] ?? NaN, v, c);
      dOut[o] = w * g0;
      dOut[o + 1] = w * g1;
      return -betaLogLik(f[0] ?? NaN, f[1] ?? NaN, v, c);
    }
    case 'dirichlet': {
      const row = y.subarray(b * ty, (b + 1) * ty);
      dirichletNllGrad(f, row, c).forEach((g, j) => (dOut[o + j] = w * g));
      return -dirichletLogLik(f, row, c);
    }
    case 'normal':
    case 'student-t':
      throw new RangeError(`internal: '${likelihood.kind}' has its own data term`);
  }
}
