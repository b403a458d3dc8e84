/**
 * The data term of a heteroscedastic head (src/objective/index.ts, HETEROSCEDASTIC HEAD), in float64:
 * one row's −log N(y | μ, σ) (or −log StudentT(y | df, μ, σ)) at μ = output 0 and σ = softplus(output 1)
 * + ENSEMBLE_MIN_SCALE, with its gradient over both outputs and over log df. Shared by every method
 * whose layout has the head ('ensemble' always, the others with TrainOptions.heteroscedastic).
 */
import { sigmoid, softplus } from '../../math/activations.js';
import { normalLogPdf } from '../../math/densities.js';
import { studentTLogPdf, studentTNllGrad } from '../../math/likelihoods.js';
import { ENSEMBLE_MIN_SCALE } from '../../objective/constants.js';

/** One row's term: its value, and its derivative in log df (0 for the Normal). */
export interface HeadRowTerm {
  readonly nll: number;
  readonly logDf: number;
}

/**
 * −log p(y_b | μ_b, σ_b) of row b (outputs at out[2b], out[2b + 1]); adds w × its gradient over
 * both outputs into dOut at the same places. df: the Student-t's degrees of freedom, NaN for the
 * Normal. beta (TrainOptions.betaNll): the term, its gradient and its log-df derivative are
 * weighted by σ^(2β), held constant in the gradient (β-NLL, Seitzer et al. 2022).
 */
export function headRowNll(out: Float64Array, y: Float64Array, b: number, dOut: Float64Array, w: number, df = NaN, beta = 0): HeadRowTerm {
  const yb = y[b] ?? NaN;
  const mu = out[2 * b] ?? NaN;
  const raw = out[2 * b + 1] ?? NaN;
  const sigma = softplus(raw) + ENSEMBLE_MIN_SCALE;
  const weight = beta > 0 ? sigma ** (2 * beta) : 1;
  const wb = w * weight;
  if (!Number.isNaN(df)) {
    const g = studentTNllGrad(yb, mu, sigma, df);
    dOut[2 * b] = wb * g.loc;
    dOut[2 * b + 1] = wb * g.scale * sigmoid(raw);
    return { nll: -weight * studentTLogPdf(yb, mu, sigma, df), logDf: weight * g.logDf };
  }
  const r = yb - mu;
  dOut[2 * b] = (wb * -r) / (sigma * sigma);
  dOut[2 * b + 1] = wb * (1 / sigma - (r * r) / (sigma * sigma * sigma)) * sigmoid(raw);
  return { nll: -weight * normalLogPdf(yb, mu, sigma), logDf: 0 };
}
