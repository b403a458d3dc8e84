/**
 * 'vi''s minibatch objective (src/objective/index.ts, OBJECTIVES and VI ESTIMATORS): each K-sample's
 * pass under the estimator, the data term with sigma's Monte Carlo terms, and the KL.
 */
import { sigmoid, softplus } from '../../math/activations.js';
import { gammaLogPdf, logNormalLogPdf, normalLogPdf } from '../../math/densities.js';
import type { TrainLayout } from '../../objective/layout.js';
import type { ViEstimator } from '../../objective/methods.js';
import type { Minibatch, ObjectiveConfig } from './config.js';
import type { StepDraws } from './draws.js';
import { gaussianKl } from './kl.js';
import { headRowNll } from './heteroscedastic-term.js';
import { rowNll } from './likelihood-term.js';
import { studentDf } from './point-objective.js';
import { studentTLogPdf, studentTNllGrad } from '../../math/likelihoods.js';
import { backward, forward, type LayerTrace } from './network.js';
import { addAt, gatherLayer, layerSlopes, thetaIndex, zerosLike } from './parameters.js';
import { perturbedBackward, perturbedForward } from './perturbed.js';

/** The draws of K-sample k that the estimator reads (RangeError when stepDraws drew for another estimator). */
function checkViDraws(estimator: ViEstimator, draws: StepDraws): number {
  const K = draws.noise.length;
  const eps = estimator === 'local' ? 0 : K;
  const marginal = estimator === 'local' ? K : 0;
  const signs = estimator === 'flipout' ? K : 0;
  if (draws.eps.length !== eps || draws.marginal.length !== marginal || draws.signs.length !== signs) {
    throw new RangeError(`the step's draws do not match the '${estimator}' estimator`);
  }
  return K;
}

/** One K-sample's forward pass of 'vi' and the backward that adds its θ gradient (locs, rhos, PReLU slopes). */
interface ViPass {
  readonly traces: LayerTrace[];
  backward(dOut: Float64Array, grad: Float64Array, gSlopes: readonly Float64Array[]): void;
}

function viPass(
  layout: TrainLayout,
  estimator: ViEstimator,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
  k: number,
  locs: readonly Float64Array[],
  slopes: readonly Float64Array[],
): ViPass {
  const B = batch.rows;
  const rhos = layout.layers.map((layer) => gatherLayer(theta, layer, true));
  const scales = rhos.map((r) => r.map(softplus));
  /** Add layer-local gradients over locs and over scales s (chained through s = softplus(rho)) into θ's. */
  const scatter = (gLocs: readonly Float64Array[], gScales: readonly Float64Array[], grad: Float64Array): void => {
    layout.layers.forEach((layer, l) => {
      const gl = gLocs[l] ?? new Float64Array(0);
      const gsc = gScales[l] ?? new Float64Array(0);
      const rho = rhos[l] ?? new Float64Array(0);
      for (let e = 0; e < gl.length; e++) {
        addAt(grad, thetaIndex(layer, e, false), gl[e] ?? 0);
        addAt(grad, thetaIndex(layer, e, true), (gsc[e] ?? 0) * sigmoid(rho[e] ?? 0));
      }
    });
  };
  if (estimator === 'reparameterization') {
    const eps = draws.eps[k] ?? [];
    const params = locs.map((loc, l) => {
      const sc = scales[l] ?? new Float64Array(0);
      const ep = eps[l] ?? new Float64Array(0);
      return loc.map((v, e) => v + (sc[e] ?? 0) * (ep[e] ?? NaN));
    });
    const traces = forward(layout, params, slopes, batch.x, B, draws.masks);
    return {
      traces,
      backward(dOut, grad, gSlopes) {
        const gParams = zerosLike(params);
        backward(layout, params, slopes, traces, draws.masks, B, dOut, gParams, gSlopes);
        // w = loc + s eps: d w / d loc = 1, d w / d s = eps.
        const gScales = gParams.map((g, l) => g.map((v, e) => v * (eps[l]?.[e] ?? 0)));
        scatter(gParams, gScales, grad);
      },
    };
  }
  const noise = (estimator === 'local' ? draws.marginal[k] : draws.eps[k]) ?? [];
  const signs = estimator === 'flipout' ? (draws.signs[k] ?? []) : [];
  const pass = perturbedForward(layout, estimator, locs, scales, slopes, batch.x, B, draws.masks, noise, signs);
  return {
    traces: pass.traces,
    backward(dOut, grad, gSlopes) {
      const gLocs = zerosLike(locs);
      const gScales = zerosLike(locs);
      perturbedBackward(layout, estimator, locs, scales, slopes, pass, draws.masks, B, noise, signs, dOut, gLocs, gScales, gSlopes);
      scatter(gLocs, gScales, grad);
    },
  };
}

/**
 * The layer traces of every K-sample of a 'vi' step under cfg's estimator (pre-activations for
 * checks against the GPU, or for keeping finite differences away from kinks).
 */
export function viTraces(layout: TrainLayout, cfg: ObjectiveConfig, theta: Float64Array, batch: Minibatch, draws: StepDraws): LayerTrace[][] {
  const estimator = cfg.viEstimator ?? 'reparameterization';
  const K = checkViDraws(estimator, draws);
  const locs = layout.layers.map((layer) => gatherLayer(theta, layer, false));
  const slopes = layout.layers.map((layer) => layerSlopes(theta, layer));
  return Array.from({ length: K }, (_, k) => viPass(layout, estimator, theta, batch, draws, k, locs, slopes).traces);
}

/**
 * 'vi': (N/B) Σ_b (1/K) Σ_k −log N(y_b | f_k(x_b), σ_k) + KL + (1/K) Σ_k [log q(σ_k) − log Gamma(σ_k | a, b)]
 * (+ Σ_l −log Gamma(λ_l | 1, 1) when hierarchical; with a heteroscedastic head σ_k(x_b) from the
 * K-sample's second output and no sigma terms), with log σ_k = sigma_loc + softplus(sigma_rho) z_k and
 * f_k from the estimator: w_k = loc + softplus(rho) eps_k shared by the batch ('reparameterization'),
 * per-row marginal pre-activations ('local') or flipout's per-row sign flips of a shared perturbation.
 */
export function viObjective(
  layout: TrainLayout,
  cfg: ObjectiveConfig,
  theta: Float64Array,
  batch: Minibatch,
  draws: StepDraws,
  locs: readonly Float64Array[],
  slopes: readonly Float64Array[],
  gSlopes: readonly Float64Array[],
  grad: Float64Array,
): number {
  const B = batch.rows;
  const estimator = cfg.viEstimator ?? 'reparameterization';
  const K = checkViDraws(estimator, draws);
  const sigmaLoc = theta[layout.noise] ?? NaN;
  const sigmaRho = theta[layout.noise + 1] ?? NaN;
  const sigmaScale = softplus(sigmaRho);
  const { concentration: a, rate } = cfg.sigmaPrior;
  const dataWeight = cfg.n / (B * K);
  // Student-t: the Normal's sigma site with y ~ StudentT(df, f, σ_k); df fixed or a point estimate (log df in θ).
  const student = layout.likelihood.kind === 'student-t';
  const df = student ? studentDf(layout, theta) : NaN;
  let gLogDf = 0;
  let loss = 0;
  let gSigmaLoc = 0;
  let gSigmaScale = 0;
  for (let k = 0; k < K; k++) {
    const z = draws.noise[k] ?? NaN;
    const pass = viPass(layout, estimator, theta, batch, draws, k, locs, slopes);
    const out = pass.traces[pass.traces.length - 1]?.out ?? new Float64Array(0);
    if (layout.heteroscedastic) {
      // The head's σ per row in place of the sigma site (its noise draw z goes unused).
      const dOut = new Float64Array(out.length);
      for (let b = 0; b < B; b++) {
        const t = headRowNll(out, batch.y, b, dOut, dataWeight, df, layout.likelihood.betaNll);
        loss += dataWeight * t.nll;
        gLogDf += dataWeight * t.logDf;
      }
      pass.backward(dOut, grad, gSlopes);
      continue;
    }
    if (!layout.likelihood.scale) {
      // No sigma site: the expected NLL alone (its noise draw z goes unused).
      const dOut = new Float64Array(out.length);
      for (let b = 0; b < B; b++) loss += dataWeight * rowNll(layout.likelihood, layout.outputUnits, out, batch.y, b, dOut, dataWeight);
      pass.backward(dOut, grad, gSlopes);
      continue;
    }
    const u = sigmaLoc + sigmaScale * z;
    const sigma = Math.exp(u);
    const dOut = new Float64Array(out.length);
    let gU = 0; // d objective / d log σ_k
    if (student) {
      for (let b = 0; b < B; b++) {
        const y = batch.y[b] ?? 0;
        const f = out[b] ?? 0;
        const g = studentTNllGrad(y, f, sigma, df);
        loss -= dataWeight * studentTLogPdf(y, f, sigma, df);
        dOut[b] = dataWeight * g.loc;
        gU += dataWeight * g.scale * sigma;
        gLogDf += dataWeight * g.logDf;
      }
    }
    for (let b = 0; b < (student ? 0 : B); b++) {
      const y = batch.y[b] ?? 0;
      const f = out[b] ?? 0;
      const r = (y - f) / sigma;
      loss -= dataWeight * normalLogPdf(y, f, sigma);
      dOut[b] = (-dataWeight * r) / sigma;
      gU += dataWeight * (1 - r * r);
    }
    loss += (logNormalLogPdf(sigma, sigmaLoc, sigmaScale) - gammaLogPdf(sigma, a, rate)) / K;
    gU += (rate * sigma - (a - 1)) / K;
    // log q(σ_k) = −z²/2 − log s − log √(2π) − (sigma_loc + s z): its own total derivatives are −1 and −1/s − z.
    gSigmaLoc += gU - 1 / K;
    gSigmaScale += gU * z - (1 / sigmaScale + z) / K;
    pass.backward(dOut, grad, gSlopes);
  }
  if (layout.degreesOfFreedom >= 0) addAt(grad, layout.degreesOfFreedom, gLogDf);
  if (layout.noise >= 0) {
    addAt(grad, layout.noise, gSigmaLoc);
    addAt(grad, layout.noise + 1, gSigmaScale * sigmoid(sigmaRho));
  }
  return loss + gaussianKl(layout, cfg.priorScale, theta, grad);
}
