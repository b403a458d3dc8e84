/**
 * The linearised (GLM) predictive of a Laplace posterior (Immer et al. 2021; Daxberger et al. 2021):
 * the network linearised at θ*, f(x; θ) ≈ f(x; θ*) + J(x) (θ − θ*), so f(x) ~ N(f(x; θ*), J Σ Jᵀ)
 * with J the outputs' Jacobian over the Laplace parameters (for the last layer it is exact:
 * φ̃ᵀ Σ_kk φ̃). Computed on the host in float64, per input row. Only the output variances (the
 * diagonal of J Σ Jᵀ) are returned and used:
 * - normal: the predictive N(mean, epistemic² + aleatoric²) with the mean f_0(x; θ*), the epistemic
 *   variance that of f_0, the aleatoric σ (global, tuned) or the head's σ(x; θ*), in the target's
 *   units (yMean + yStd · standardised);
 * - categorical: the probit approximation p_k ≈ softmax_k(f_k / sqrt(1 + π v_k / 8)) (MacKay 1992);
 *   bernoulli: sigmoid(f / sqrt(1 + π v / 8)).
 */
import { InvalidInputError } from '../errors.js';
import { toMatrix, type MatrixInput } from '../inputs.js';
import { sigmoid, softplus } from '../math/activations.js';
import { normalLogPdf } from '../math/densities.js';
import { softmax } from '../math/likelihoods.js';
import { ENSEMBLE_MIN_SCALE } from '../objective/constants.js';
import type { LaplaceFit } from './laplace.js';
import type { LaplacePosterior } from './posterior.js';
import { paramsToMatrix, toEigenbasis } from './kron.js';
import { forwardRow, jacobianRow } from './network.js';

export interface LinearizedPrediction {
  readonly n: number;
  /** Outputs per row: 1 for normal and bernoulli, K for categorical. */
  readonly outputDim: number;
  /** normal: the predictive mean in the target's units; categorical, bernoulli: the probit-approximated probabilities [n, outputDim]. */
  readonly mean: Float64Array;
  /** normal: sqrt(epistemic² + aleatoric²) (target units); classifiers: sqrt(p (1 − p)) of `mean`. */
  readonly std: Float64Array;
  /** normal: the linearised std of the mean output (target units); classifiers: the std of each logit (standardised units). */
  readonly epistemicStd: Float64Array;
  /** normal: the noise std at θ* (target units); classifiers: zeros. */
  readonly aleatoricStd: Float64Array;
  /** With `y`: log p(y_n | x_n) under the predictive (normal: Gaussian; classifiers: the probit probability of the label). */
  readonly logPredictiveDensity?: Float64Array;
}

/**
 * What the linearised predictive reads of a Laplace fit: a LaplaceFit, or a posterior read back
 * from a file (fit-file.ts), which holds no draws' factors and no training settings.
 */
export interface LinearizedFit {
  readonly layout: LaplaceFit['layout'];
  readonly posterior: Pick<LaplacePosterior, 'structure' | 'params' | 'theta' | 'sigma' | 'covariance' | 'kron'>;
  readonly info: Pick<LaplaceFit['info'], 'standardization'>;
}

/** Variance of each output of one row: J_k Σ J_kᵀ over the Laplace parameters. */
function outputVariances(fit: LinearizedFit, J: Float64Array): Float64Array {
  const { layout, posterior } = fit;
  const K = layout.outputUnits;
  const S = layout.size;
  const P = posterior.params.length;
  const v = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const row = Float64Array.from(posterior.params, (at) => J[k * S + at] as number);
    let s = 0;
    if (posterior.structure === 'diagonal') {
      for (let i = 0; i < P; i++) s += (row[i] as number) ** 2 * (posterior.covariance[i] as number);
    } else if (posterior.kron) {
      // KFAC: Σ = V diag(c) Vᵀ per layer, so J Σ Jᵀ = Σ (Vᵀ J)² c with Vᵀ J one sandwich per layer (kron.ts).
      let at = 0;
      for (const f of posterior.kron) {
        const rotated = toEigenbasis(f, paramsToMatrix(f, row, at));
        rotated.forEach((r, e) => (s += r * r * (posterior.covariance[at + e] as number)));
        at += f.units * f.inputs;
      }
    } else {
      for (let i = 0; i < P; i++) {
        const ri = row[i] as number;
        if (ri === 0) continue;
        let t = 0;
        for (let j = 0; j < P; j++) t += (posterior.covariance[i * P + j] as number) * (row[j] as number);
        s += ri * t;
      }
    }
    v[k] = s;
  }
  return v;
}

/** The linearised predictive at the rows of `x` (raw units, standardised here as in training); `y` for the log predictive density. */
export function linearizedPredict(fit: LinearizedFit, x: MatrixInput, y?: ArrayLike<number>): LinearizedPrediction {
  const { layout, posterior, info } = fit;
  const d = info.standardization.xMean.length;
  const xm = toMatrix(x, d, 'x');
  if (y !== undefined && y.length !== xm.rows) throw new InvalidInputError(`y has ${y.length} values but x has ${xm.rows} rows`);
  const kind = layout.likelihood.kind;
  const K = kind === 'categorical' ? layout.outputUnits : 1;
  const n = xm.rows;
  const mean = new Float64Array(n * K);
  const std = new Float64Array(n * K);
  const epistemicStd = new Float64Array(n * K);
  const aleatoricStd = new Float64Array(n * K);
  const lpd = y === undefined ? undefined : new Float64Array(n);
  const yMean = info.standardization.yMean[0] ?? 0;
  const yStd = info.standardization.yStd[0] ?? 1;
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = ((xm.data[r * d + c] as number) - (info.standardization.xMean[c] as number)) / (info.standardization.xStd[c] as number);
    const pass = forwardRow(layout, posterior.theta, row);
    const v = outputVariances(fit, jacobianRow(layout, posterior.theta, pass));
    const f = pass.out;
    if (kind === 'normal') {
      const noise = layout.heteroscedastic ? softplus(f[1] as number) + ENSEMBLE_MIN_SCALE : posterior.sigma;
      const m = yMean + yStd * (f[0] as number);
      const e = yStd * Math.sqrt(v[0] as number);
      const a = yStd * noise;
      mean[r] = m;
      epistemicStd[r] = e;
      aleatoricStd[r] = a;
      std[r] = Math.hypot(e, a);
      if (lpd && y) lpd[r] = normalLogPdf(y[r] as number, m, std[r] as number);
      continue;
    }
    const scaled = Float64Array.from(f, (fk, k) => fk / Math.sqrt(1 + (Math.PI * (v[k] as number)) / 8));
    const probs = kind === 'categorical' ? softmax(scaled) : Float64Array.of(sigmoid(scaled[0] as number));
    for (let k = 0; k < K; k++) {
      const p = probs[k] as number;
      mean[r * K + k] = p;
      std[r * K + k] = Math.sqrt(p * (1 - p));
      epistemicStd[r * K + k] = Math.sqrt(v[k] as number);
    }
    if (lpd && y) {
      const label = y[r] as number;
      lpd[r] = kind === 'categorical' ? Math.log(probs[label] ?? NaN) : Math.log(label === 1 ? (probs[0] as number) : 1 - (probs[0] as number));
    }
  }
  return { n, outputDim: K, mean, std, epistemicStd, aleatoricStd, ...(lpd ? { logPredictiveDensity: lpd } : {}) };
}
