/** The terms of the point methods' objectives ('mc-dropout', 'map', 'ensemble', 'concrete-dropout''s data term; src/objective/index.ts, OBJECTIVES). */
import { normalLogPdf } from '../../math/densities.js';
import { studentTLogPdf, studentTNllGrad } from '../../math/likelihoods.js';
import type { TrainLayout } from '../../objective/layout.js';
import type { ObjectiveMethod } from '../../objective/methods.js';
import type { Minibatch, ObjectiveConfig } from './config.js';
import { headRowNll } from './heteroscedastic-term.js';
import { rowNll } from './likelihood-term.js';
import { addAt, thetaIndex } from './parameters.js';

/**
 * The data term of the non-'vi' methods from the network output, with d term / d output into
 * `dOut` and d term / d log_sigma ('map') into `grad`.
 */
export function pointDataTerm(
  layout: TrainLayout,
  method: ObjectiveMethod,
  theta: Float64Array,
  out: Float64Array,
  batch: Minibatch,
  dOut: Float64Array,
  grad: Float64Array,
  fixedSigma = NaN,
): number {
  const B = batch.rows;
  let loss = 0;
  if (layout.heteroscedastic && method !== 'vi') return headPointTerm(layout, theta, out, batch, dOut, grad);
  if (layout.likelihood.kind === 'student-t' && method !== 'vi') return studentPointTerm(layout, method, theta, out, batch, dOut, grad, fixedSigma);
  if (!layout.likelihood.scale && method !== 'vi') {
    // Every point method's data term is the mean NLL (no noise parameter, no heteroscedastic head).
    for (let b = 0; b < B; b++) loss += rowNll(layout.likelihood, layout.outputUnits, out, batch.y, b, dOut, 1 / B) / B;
    return loss;
  }
  switch (method) {
    case 'mc-dropout':
      for (let b = 0; b < B; b++) {
        const r = (batch.y[b] ?? 0) - (out[b] ?? 0);
        loss += (r * r) / B;
        dOut[b] = (-2 * r) / B;
      }
      return loss;
    case 'map':
    case 'concrete-dropout': {
      // 'concrete-dropout' learns log_sigma as 'map' does (its regulariser is concrete-objective.ts's).
      const sigma = mapSigma(layout, theta, fixedSigma);
      let gLogSigma = 0;
      for (let b = 0; b < B; b++) {
        const y = batch.y[b] ?? 0;
        const f = out[b] ?? 0;
        const z = (y - f) / sigma;
        loss -= normalLogPdf(y, f, sigma) / B;
        dOut[b] = -z / sigma / B;
        gLogSigma += (1 - z * z) / B;
      }
      if (!layout.fixedNoise) addAt(grad, layout.noise, gLogSigma);
      return loss;
    }
    case 'ensemble':
      throw new RangeError("internal: 'ensemble''s head has its own data term");
    case 'vi':
      throw new RangeError("'vi' has its own data term");
  }
}

/** 'map''s global σ: exp(log_sigma), or the fixed σ of a fixed-noise layout ('sgmcmc' given tau). */
function mapSigma(layout: TrainLayout, theta: Float64Array, fixedSigma: number): number {
  return layout.fixedNoise ? fixedSigma : Math.exp(theta[layout.noise] ?? NaN);
}

/** The degrees of freedom of a Student-t layout at θ: fixed, or exp of θ's log df. */
export function studentDf(layout: TrainLayout, theta: Float64Array): number {
  return layout.likelihood.degreesOfFreedom ?? Math.exp(theta[layout.degreesOfFreedom] ?? NaN);
}

/**
 * The point methods' data term of a heteroscedastic head ('ensemble', or the option): (1/B) Σ_b
 * −log p(y_b | μ_b, σ_b) (heteroscedastic-term.ts); gradients into dOut and log df (when learnt).
 */
function headPointTerm(layout: TrainLayout, theta: Float64Array, out: Float64Array, batch: Minibatch, dOut: Float64Array, grad: Float64Array): number {
  const B = batch.rows;
  const df = layout.likelihood.kind === 'student-t' ? studentDf(layout, theta) : NaN;
  let loss = 0;
  let gLogDf = 0;
  for (let b = 0; b < B; b++) {
    const t = headRowNll(out, batch.y, b, dOut, 1 / B, df, layout.likelihood.betaNll);
    loss += t.nll / B;
    gLogDf += t.logDf / B;
  }
  if (layout.degreesOfFreedom >= 0) addAt(grad, layout.degreesOfFreedom, gLogDf);
  return loss;
}

/**
 * The point methods' Student-t data term (1/B) Σ −log StudentT(y | f, σ, df) with a global σ as the
 * Normal's: 'mc-dropout' fixed 1 / (sqrt(tau) yStd), 'map' and 'concrete-dropout' exp(log_sigma) or 'map''s fixed σ (a heteroscedastic head
 * is headPointTerm's); gradients into dOut, log_sigma ('map') and log df (when learnt).
 */
function studentPointTerm(
  layout: TrainLayout,
  method: Exclude<ObjectiveMethod, 'vi'>,
  theta: Float64Array,
  out: Float64Array,
  batch: Minibatch,
  dOut: Float64Array,
  grad: Float64Array,
  fixedSigma: number,
): number {
  const B = batch.rows;
  if (method === 'ensemble') throw new RangeError("internal: 'ensemble''s head has its own data term");
  const df = studentDf(layout, theta);
  let loss = 0;
  let gLogSigma = 0;
  let gLogDf = 0;
  for (let b = 0; b < B; b++) {
    const y = batch.y[b] ?? NaN;
    const f = out[b] ?? NaN;
    const sigma = method === 'mc-dropout' ? fixedSigma : mapSigma(layout, theta, fixedSigma);
    const g = studentTNllGrad(y, f, sigma, df);
    loss -= studentTLogPdf(y, f, sigma, df) / B;
    dOut[b] = g.loc / B;
    gLogSigma += (g.scale * sigma) / B;
    gLogDf += g.logDf / B;
  }
  if ((method === 'map' || method === 'concrete-dropout') && !layout.fixedNoise) addAt(grad, layout.noise, gLogSigma);
  if (layout.degreesOfFreedom >= 0) addAt(grad, layout.degreesOfFreedom, gLogDf);
  return loss;
}

/** The prior term on W and b: 'map' (1/N) Σ −log N(w | 0, priorScale), 'mc-dropout' λ Σ w². */
export function pointPriorTerm(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, grad: Float64Array): number {
  if (cfg.method !== 'map' && cfg.method !== 'mc-dropout') return 0;
  const ps = cfg.priorScale;
  let loss = 0;
  for (const layer of layout.layers) {
    for (let e = 0; e < layer.units * (layer.inputs + 1); e++) {
      const at = thetaIndex(layer, e, false);
      const w = theta[at] ?? NaN;
      if (cfg.method === 'map') {
        loss -= normalLogPdf(w, 0, ps) / cfg.n;
        addAt(grad, at, w / (ps * ps * cfg.n));
      } else {
        loss += cfg.weightDecay * w * w;
        addAt(grad, at, 2 * cfg.weightDecay * w);
      }
    }
  }
  return loss;
}
