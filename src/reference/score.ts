/**
 * The oracle's log joint at one parameter point: the prior of every latent site plus the likelihood
 * of (x, y) under the network at that point. The network runs in eval mode (no dropout), so the
 * score is a deterministic function of the point, as in Pyro's trace log_prob of a conditioned model.
 */
import { InvalidInputError, ModelFormatError } from '../errors.js';
import type { ScoreResult } from '../infer/types.js';
import { exponentialLogPdf, gammaLogPdf, halfCauchyLogPdf, halfNormalLogPdf, logNormalLogPdf, normalLogPdf, uniformLogPdf } from '../math/densities.js';
import { latentNoise, layerInputs, likelihoodKind, outputDim, scaleLikelihood, targetDim } from '../model/spec.js';
import { checkTargets } from '../infer/targets.js';
import { momentLogLikelihoods } from './moments.js';
import { classLogLikelihoods } from './classify.js';
import type { Model, ParamSpec, SigmaPrior } from '../model/spec.js';
import { checkHead, denseLayer, loadLayers, readInputs, readTargets, writeHead } from './forward.js';
import type { OracleInput } from './forward.js';

/** Site name -> value of every element of that site (a weight is [units, inputs] row-major; sigma has one element). */
export type ParameterPoint = ReadonlyMap<string, ArrayLike<number>>;

/** The point's value for one site, checked for presence and length. */
function siteValue(point: ParameterPoint, site: string, length: number): ArrayLike<number> {
  const v = point.get(site);
  if (!v) throw new InvalidInputError(`the point has no value for site '${site}'`);
  if (v.length !== length) throw new InvalidInputError(`site '${site}' has ${v.length} values, expected ${length}`);
  return v;
}

/** The latent sigma of the point, or null when the noise model has none (fixed or heteroscedastic). */
function pointSigma(model: Model, point: ParameterPoint): number | null {
  const scale = scaleLikelihood(model.spec.likelihood);
  const noise = scale ? latentNoise(scale.noise) : null;
  if (!noise) return null;
  return siteValue(point, noise.site, 1)[0] ?? NaN;
}

/**
 * log p(sigma) under the sigma prior, at sigma itself: the log_prob of Pyro's sample site (no
 * Jacobian: the transform to the unconstrained space belongs to the guide, not to the model). A
 * Uniform prior's bounds are taken in float32, where the GPU and torch hold them, so a sigma at a
 * bound is inside or outside exactly as it is there.
 */
export function sigmaPriorLogPdf(prior: SigmaPrior, sigma: number): number {
  if (prior.kind === undefined || prior.kind === 'gamma') return gammaLogPdf(sigma, prior.concentration, prior.rate);
  switch (prior.kind) {
    case 'lognormal':
      return logNormalLogPdf(sigma, prior.loc, prior.scale);
    case 'halfnormal':
      return halfNormalLogPdf(sigma, prior.scale);
    case 'halfcauchy':
      return halfCauchyLogPdf(sigma, prior.scale);
    case 'exponential':
      return exponentialLogPdf(sigma, prior.rate);
    case 'uniform': {
      const low = Math.fround(prior.low);
      const high = Math.fround(prior.high);
      return uniformLogPdf(sigma, low, high);
    }
  }
}

/**
 * log prior of every latent site at the point: Normal priors summed over each weight and bias, and
 * the prior of sigma (sigmaPriorLogPdf) when sigma is latent and has one.
 */
export function oracleLogPrior(model: Model, point: ParameterPoint): Record<string, number> {
  const { spec } = model;
  const sites: Record<string, number> = {};
  const add = (site: string, value: number) => {
    // Two parameters sharing a site name would silently drop one term; a model like that is broken.
    if (Object.hasOwn(sites, site)) throw new ModelFormatError(`site '${site}' is used twice`);
    sites[site] = value;
  };
  const priorOf = (param: ParamSpec, length: number) => {
    const v = siteValue(point, param.site, length);
    let sum = 0;
    for (let i = 0; i < length; i++) sum += normalLogPdf(v[i] ?? NaN, param.prior.loc, param.prior.scale);
    add(param.site, sum);
  };
  spec.layers.forEach((layer, l) => {
    priorOf(layer.weight, layer.units * layerInputs(spec, l));
    priorOf(layer.bias, layer.units);
  });
  const sigma = pointSigma(model, point);
  const scale = scaleLikelihood(spec.likelihood);
  const noise = scale ? latentNoise(scale.noise) : null;
  const sigmaPrior = scale?.sigmaPrior ?? null;
  if (sigma !== null && sigmaPrior && noise) add(noise.site, sigmaPriorLogPdf(sigmaPrior, sigma));
  return sites;
}

/**
 * Score a point: sites from oracleLogPrior plus 'obs' = sum_{n,d} log N(y_nd | f_nd, scale_nd) (a
 * classifier: sum_n log p(y_n | f_n), softmax or sigmoid of the logits; Student-t, Beta, Dirichlet:
 * their log-densities), with f
 * the dropout-free network at the point and scale from the point's sigma (or the fixed sigma, or the
 * heteroscedastic head) through the link, both in y units (standardisation undone as in predict).
 */
export function oracleScore(model: Model, point: ParameterPoint, x: OracleInput, y: OracleInput): ScoreResult {
  const { spec } = model;
  const sites = oracleLogPrior(model, point);
  if (Object.hasOwn(sites, 'obs')) throw new ModelFormatError("a latent site is named 'obs', the likelihood's name");
  const { data: xs, rows: N } = readInputs(spec, x);
  checkHead(spec);
  const D = outputDim(spec);
  const ys = readTargets(y, N, targetDim(spec));
  const kind = likelihoodKind(spec.likelihood);
  checkTargets(kind, ys, D);

  let h = xs;
  for (const c of loadLayers(model)) {
    const layer = spec.layers[c.index];
    if (!layer) break;
    const params = new Float64Array(c.loc.length);
    params.set(siteValue(point, layer.weight.site, c.units * c.inputs));
    params.set(siteValue(point, layer.bias.site, c.units), c.units * c.inputs);
    const out = new Float64Array(N * c.units);
    denseLayer(c, params, h, N, null, out, new Float64Array(c.inputs));
    h = out;
  }
  const noise = scaleLikelihood(spec.likelihood)?.noise;
  const sigma = noise?.kind === 'fixed' ? noise.sigma : (pointSigma(model, point) ?? NaN);
  const f = new Float64Array(N * D);
  const scale = new Float64Array(N * D);
  writeHead(spec, h, N, sigma, f, scale, 0);
  let obs = 0;
  if (kind === 'categorical' || kind === 'bernoulli') {
    for (const ll of classLogLikelihoods(kind, f, 1, N, D, ys)) obs += ll;
  } else if (kind === 'normal') {
    for (let k = 0; k < N * D; k++) obs += normalLogPdf(ys[k] ?? 0, f[k] ?? 0, scale[k] ?? 0);
  } else {
    const one = { n: N, outputDim: D, samples: 1, f, scale, sigma: Float64Array.of(sigma), y: new Float64Array(0), raw: h };
    for (const ll of momentLogLikelihoods(spec, one, ys)) obs += ll;
  }
  sites['obs'] = obs;

  let logJoint = 0;
  for (const v of Object.values(sites)) logJoint += v;
  return { sites, logJoint };
}
