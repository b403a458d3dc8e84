/**
 * Checks a model's description alone (no tensors) before anything else reads it: the spec's numbers
 * are in range, its enums known, its fields consistent with each other. "In range" means in
 * float32, the precision the GPU computes in (validation-checks.ts). validate-model.ts checks the
 * tensors; spec-json.ts reads a spec's JSON form.
 */
import { isFloat32Finite } from '../float32.js';
import { MAX_TENSOR_ELEMENTS } from './limits.js';
import { checkNameLength, quoteName } from './names.js';
import { describeSigmaPrior, noiseSupport, sigmaPriorSupport } from './sigma-prior.js';
import { previewJson } from './strict-json.js';
import {
  expectScaleLikelihood,
  LIKELIHOOD_KINDS,
  likelihoodKind,
  scaleLikelihood,
  ACTIVATIONS,
  MAX_LAYERS,
  SIGMA_PRIOR_KINDS,
  type ModelSpec,
  type NoiseSpec,
  type ParamSpec,
  type SigmaPrior,
  type Standardization,
  layerInputs,
  outputDim,
  sigmaIsLatent,
} from './spec.js';
import {
  fail,
  isFiniteNumber,
  checkPositiveInteger,
  float32Note,
  checkPositive,
  checkFinite,
  checkNoiseScale,
  checkOneOf,
  isRecord,
  isNumberArray,
  POSTERIOR_KINDS,
  NOISE_KINDS,
  LINKS,
} from './validation-checks.js';

/** Checks the description alone (no tensors): ranges, enums and cross-field consistency. */
export function validateSpec(spec: ModelSpec): void {
  checkStructure(spec);
  checkPositiveInteger(spec.inputDim, 'inputDim');
  checkLayerCount(spec.layers.length);
  const sites = new Map<string, string>();
  const claimSite = (site: string, owner: string): void => {
    if (typeof site !== 'string' || site === '') fail(`${owner}.site must be a non-empty string`);
    checkNameLength(site, `${owner}.site`, fail);
    const other = sites.get(site);
    if (other !== undefined) fail(`site ${quoteName(site)} is used by both ${other} and ${owner}`);
    sites.set(site, owner);
  };
  spec.layers.forEach((layer, l) => {
    const at = `layers[${l}]`;
    checkPositiveInteger(layer.units, `${at}.units`);
    const weights = layer.units * layerInputs(spec, l);
    if (weights > MAX_TENSOR_ELEMENTS) {
      fail(`${at} has ${weights} weights (units x inputs), more than MAX_TENSOR_ELEMENTS = ${MAX_TENSOR_ELEMENTS}`);
    }
    checkOneOf(layer.activation, ACTIVATIONS, `${at}.activation`);
    checkFinite(layer.leakySlope, `${at}.leakySlope`);
    // In float32 too: a rate that rounds to 1 keeps no unit and scales the rest by 1/(1 - p) = Infinity.
    if (!isFiniteNumber(layer.dropout) || layer.dropout < 0 || Math.fround(layer.dropout) >= 1) {
      const rounded = isFiniteNumber(layer.dropout) ? Math.fround(layer.dropout) : layer.dropout;
      const note = rounded !== layer.dropout ? `, which is ${rounded} in float32` : '';
      fail(`${at}.dropout must be in [0, 1), also after rounding to float32 (got ${layer.dropout}${note})`);
    }
    if (typeof layer.batchNorm !== 'boolean') fail(`${at}.batchNorm must be a boolean`);
    for (const [param, which] of [
      [layer.weight, 'weight'],
      [layer.bias, 'bias'],
    ] as const) {
      checkParam(param, `${at}.${which}`);
      claimSite(param.site, `${at}.${which}`);
    }
  });
  validateLikelihood(spec, claimSite);
  if (spec.standardization !== null) validateStandardization(spec.standardization, spec.inputDim, outputDim(spec), scaleLikelihood(spec.likelihood) !== null);
}

/** The layer count: at least one, at most MAX_LAYERS (see there for why). */
export function checkLayerCount(count: number): void {
  if (count === 0) fail('has no layers');
  if (count > MAX_LAYERS) {
    fail(`has ${count} layers, more than MAX_LAYERS = ${MAX_LAYERS} (each layer compiles its own GPU pipelines)`);
  }
}

/**
 * The spec's objects and arrays are there, so the checks below can read their fields: a spec from
 * JavaScript (not through validateSpecJson) may hold anything, and a TypeError would be untyped.
 */
function checkStructure(spec: ModelSpec): void {
  const value: unknown = spec;
  if (!isRecord(value)) fail(`the spec must be an object (got ${previewJson(value)})`);
  if (!Array.isArray(value['layers'])) fail(`layers must be an array (got ${previewJson(value['layers'])})`);
  (value['layers'] as unknown[]).forEach((layer, l) => {
    if (!isRecord(layer)) fail(`layers[${l}] must be an object (got ${previewJson(layer)})`);
    for (const which of ['weight', 'bias']) {
      const param = layer[which];
      if (!isRecord(param)) fail(`layers[${l}].${which} must be an object (got ${previewJson(param)})`);
      if (!isRecord(param['prior'])) fail(`layers[${l}].${which}.prior must be an object (got ${previewJson(param['prior'])})`);
    }
  });
  const likelihood = value['likelihood'];
  if (!isRecord(likelihood)) fail(`likelihood must be an object (got ${previewJson(likelihood)})`);
  const kind = likelihood['kind'] ?? 'normal';
  if (kind === 'normal' || kind === 'student-t') {
    if (!isRecord(likelihood['noise'])) fail(`likelihood.noise must be an object (got ${previewJson(likelihood['noise'])})`);
    const sigmaPrior = likelihood['sigmaPrior'];
    if (sigmaPrior !== null && !isRecord(sigmaPrior)) fail(`likelihood.sigmaPrior must be null or an object (got ${previewJson(sigmaPrior)})`);
  }
  const standardization = value['standardization'];
  if (standardization === null) return;
  if (!isRecord(standardization)) fail(`standardization must be null or an object (got ${previewJson(standardization)})`);
  for (const name of ['xMean', 'xStd', 'yMean', 'yStd']) {
    if (!isNumberArray(standardization[name])) fail(`standardization.${name} must be an array (got ${previewJson(standardization[name])})`);
  }
}

function checkParam(param: ParamSpec, at: string): void {
  checkOneOf(param.posterior, POSTERIOR_KINDS, `${at}.posterior`);
  checkOneOf(param.prior.kind, ['normal'], `${at}.prior.kind`);
  checkFinite(param.prior.loc, `${at}.prior.loc`);
  checkPositive(param.prior.scale, `${at}.prior.scale`);
}

function validateLikelihood(spec: ModelSpec, claimSite: (site: string, owner: string) => void): void {
  const kind = likelihoodKind(spec.likelihood);
  checkOneOf(kind, LIKELIHOOD_KINDS, 'likelihood.kind');
  const units = spec.layers[spec.layers.length - 1]?.units ?? 0;
  const likelihood = spec.likelihood;
  switch (likelihood.kind) {
    case 'categorical':
    case 'dirichlet':
      checkPositiveInteger(likelihood.classes, 'likelihood.classes');
      if (likelihood.classes < 2) fail(`a ${likelihood.kind} likelihood needs at least 2 classes (likelihood.classes = ${likelihood.classes})`);
      if (units !== likelihood.classes) {
        fail(`a ${likelihood.kind} likelihood over ${likelihood.classes} classes needs ${likelihood.classes} last-layer units (one per class), got ${units}`);
      }
      if (likelihood.kind === 'dirichlet') checkMinConcentration(likelihood.minConcentration);
      return;
    case 'bernoulli':
      return;
    case 'beta':
      if (units % 2 !== 0) fail(`a beta likelihood needs an even number of last-layer units (the alpha and beta halves), got ${units}`);
      checkMinConcentration(likelihood.minConcentration);
      return;
    case 'student-t':
      checkPositive(likelihood.df, 'likelihood.df (Student-t degrees of freedom)');
      break;
    case undefined:
    case 'normal':
      break;
  }
  const { noise, link, sigmaPrior } = expectScaleLikelihood(spec);
  checkOneOf(link, LINKS, 'likelihood.link');
  checkOneOf(noise.kind, NOISE_KINDS, 'likelihood.noise.kind');
  // The prior first: a Pyro export's noise interval is its Uniform prior's, and the message should say so.
  if (sigmaPrior !== null) validateSigmaPrior(sigmaPrior);
  switch (noise.kind) {
    case 'fixed':
      checkPositive(noise.sigma, 'likelihood.noise.sigma (fixed)');
      checkNoiseScale(noise.sigma, link, 'likelihood.noise.sigma (fixed)');
      break;
    case 'lognormal':
    case 'gamma':
      claimSite(noise.site, 'likelihood.noise');
      break;
    case 'logitnormal':
      claimSite(noise.site, 'likelihood.noise');
      checkInterval(noise.low, noise.high, 'likelihood.noise');
      break;
    case 'heteroscedastic': {
      const units = spec.layers[spec.layers.length - 1]?.units ?? 0;
      if (units % 2 !== 0) {
        fail(`a heteroscedastic head needs an even number of last-layer units (mean and scale halves), got ${units}`);
      }
      if (!isFiniteNumber(noise.minScale) || noise.minScale < 0 || !isFloat32Finite(noise.minScale)) {
        fail(`likelihood.noise.minScale must be a finite number >= 0 within float32's range ` + `(got ${noise.minScale}${float32Note(noise.minScale)})`);
      }
      break;
    }
  }
  if (sigmaPrior !== null) {
    if (!sigmaIsLatent(spec)) {
      fail(`likelihood.sigmaPrior is set but sigma is not latent (noise kind '${noise.kind}')`);
    }
    checkPosteriorInsidePrior(noise, sigmaPrior);
  }
}

/** A concentration floor (Beta, Dirichlet): finite, >= 0 and within float32's range. */
function checkMinConcentration(value: number): void {
  if (!isFiniteNumber(value) || value < 0 || !isFloat32Finite(value)) {
    fail(`likelihood.minConcentration must be a finite number >= 0 within float32's range (got ${value}${float32Note(value)})`);
  }
}

/**
 * An interval (low, high) of sigma: finite float32 bounds with 0 <= low < high also after rounding
 * to float32 (the GPU holds them as float32; low < 0 would allow a negative noise scale).
 */
function checkInterval(low: number, high: number, at: string): void {
  checkFinite(low, `${at}.low`);
  checkFinite(high, `${at}.high`);
  if (low < 0) fail(`${at}.low must be >= 0: sigma is a noise scale (got ${low})`);
  if (!(Math.fround(high) > Math.fround(low))) {
    fail(`${at}.high must be greater than ${at}.low, also in float32 (got low ${low}, high ${high})`);
  }
}

function validateSigmaPrior(prior: SigmaPrior): void {
  const at = 'likelihood.sigmaPrior';
  const kind: unknown = prior.kind ?? 'gamma';
  checkOneOf(kind, SIGMA_PRIOR_KINDS as readonly unknown[], `${at}.kind`);
  switch (prior.kind) {
    case undefined:
    case 'gamma':
      checkPositive(prior.concentration, `${at}.concentration`);
      checkPositive(prior.rate, `${at}.rate`);
      break;
    case 'lognormal':
      checkFinite(prior.loc, `${at}.loc`);
      checkPositive(prior.scale, `${at}.scale`);
      break;
    case 'halfnormal':
    case 'halfcauchy':
      checkPositive(prior.scale, `${at}.scale`);
      break;
    case 'exponential':
      checkPositive(prior.rate, `${at}.rate`);
      break;
    case 'uniform':
      checkInterval(prior.low, prior.high, at);
      break;
  }
}

/**
 * Every sigma the posterior draws must lie where the prior has density: a LogNormal or Gamma
 * posterior ranges over (0, inf), so it cannot go with a Uniform(low, high) prior, which AutoNormal
 * would have guided with 'logitnormal' over (low, high). A file claiming both was written by an
 * exporter that stored logit(sigma) as log sigma (or the reverse): refused rather than misread.
 */
function checkPosteriorInsidePrior(noise: NoiseSpec, prior: SigmaPrior): void {
  const posterior = noiseSupport(noise);
  const support = sigmaPriorSupport(prior);
  if (posterior.low < support.low || posterior.high > support.high) {
    const range = (r: { low: number; high: number }) => `(${r.low}, ${r.high === Infinity ? 'inf' : r.high})`;
    fail(
      `the '${noise.kind}' sigma posterior draws from ${range(posterior)}, outside the support ${range(support)} of its ` +
        `${describeSigmaPrior(prior)} prior; a Uniform(low, high) prior goes with the 'logitnormal' posterior ` +
        `(sigma = low + (high - low) * sigmoid(u)), the priors on (0, inf) with 'lognormal' (sigma = exp(u))`,
    );
  }
}

/**
 * x's standardisation applies to every likelihood; y's only where y is a real number on the
 * model's scale (Normal, Student-t): the other likelihoods' targets (labels, proportions,
 * probability vectors) are never standardised, so their yMean must be all 0 and yStd all 1.
 */
function validateStandardization(s: Standardization, inputDim: number, outDim: number, scaled: boolean): void {
  if (!scaled && (s.yMean.some((v) => v !== 0) || s.yStd.some((v) => v !== 1))) {
    fail('standardization.yMean must be all 0 and yStd all 1 for a likelihood whose targets are not real numbers (only normal and student-t targets are standardised)');
  }
  const arrays = [
    ['xMean', s.xMean, inputDim],
    ['xStd', s.xStd, inputDim],
    ['yMean', s.yMean, outDim],
    ['yStd', s.yStd, outDim],
  ] as const;
  for (const [name, values, length] of arrays) {
    if (values.length !== length) fail(`standardization.${name} has ${values.length} entries, expected ${length}`);
    values.forEach((v, i) => {
      if (name.endsWith('Std')) checkPositive(v, `standardization.${name}[${i}]`);
      else checkFinite(v, `standardization.${name}[${i}]`);
    });
  }
}

/** What a tensor of the model must look like. */
