/** The typed reader of a model spec's JSON form (a file's metadata): every field checked, its path named. */
import { SIGMA_PRIOR_FIELDS } from './sigma-prior.js';
import {
  ACTIVATIONS,
  SIGMA_PRIOR_KINDS,
  type Activation,
  type LayerSpec,
  LIKELIHOOD_KINDS,
  type LikelihoodKind,
  type LikelihoodSpec,
  type ModelSpec,
  type NoiseSpec,
  type ParamSpec,
  type Prior,
  type SigmaPrior,
  type Standardization,
} from './spec.js';
import { POSTERIOR_KINDS, NOISE_KINDS, LINKS } from './validation-checks.js';
import { validateSpec, checkLayerCount } from './validate.js';
import { JsonReader } from './json-reader.js';
import { DEFAULT_LEAKY_SLOPE } from './spec.js';

const specJson = new JsonReader('model spec');

/**
 * Reads a parsed JSON ModelSpec field by field, filling defaults (leakySlope 0.01, dropout 0,
 * batchNorm false, standardization null, sigmaPrior null), then checks it with validateSpec.
 */
export function validateSpecJson(json: unknown): ModelSpec {
  const root = specJson.object(json, 'spec', ['inputDim', 'layers', 'likelihood', 'standardization']);
  const layers = specJson.array(root['layers'], 'layers');
  checkLayerCount(layers.length); // before reading thousands of layers only to refuse them
  const spec: ModelSpec = {
    inputDim: specJson.number(root['inputDim'], 'inputDim'),
    layers: layers.map((v, l) => readLayer(v, `layers[${l}]`)),
    likelihood: readLikelihood(root['likelihood']),
    standardization: specJson.optional(root['standardization'], null, (v) => (v === null ? null : readStandardization(v))),
  };
  validateSpec(spec);
  return spec;
}

function readLayer(value: unknown, at: string): LayerSpec {
  const layer = specJson.object(value, at, ['units', 'activation', 'leakySlope', 'dropout', 'batchNorm', 'weight', 'bias']);
  return {
    units: specJson.number(layer['units'], `${at}.units`),
    activation: specJson.oneOf<Activation>(layer['activation'], `${at}.activation`, ACTIVATIONS),
    leakySlope: specJson.optional(layer['leakySlope'], DEFAULT_LEAKY_SLOPE, (v) => specJson.number(v, `${at}.leakySlope`)),
    dropout: specJson.optional(layer['dropout'], 0, (v) => specJson.number(v, `${at}.dropout`)),
    batchNorm: specJson.optional(layer['batchNorm'], false, (v) => specJson.boolean(v, `${at}.batchNorm`)),
    weight: readParam(layer['weight'], `${at}.weight`),
    bias: readParam(layer['bias'], `${at}.bias`),
  };
}

function readParam(value: unknown, at: string): ParamSpec {
  const param = specJson.object(value, at, ['site', 'posterior', 'prior']);
  const prior = specJson.object(param['prior'], `${at}.prior`, ['kind', 'loc', 'scale']);
  const normalPrior: Prior = {
    kind: specJson.oneOf(prior['kind'], `${at}.prior.kind`, ['normal']),
    loc: specJson.number(prior['loc'], `${at}.prior.loc`),
    scale: specJson.number(prior['scale'], `${at}.prior.scale`),
  };
  return {
    site: specJson.string(param['site'], `${at}.site`),
    posterior: specJson.oneOf(param['posterior'], `${at}.posterior`, POSTERIOR_KINDS),
    prior: normalPrior,
  };
}

function readNoise(value: unknown): NoiseSpec {
  const at = 'likelihood.noise';
  const kind = specJson.oneOf(specJson.object(value, at)['kind'], `${at}.kind`, NOISE_KINDS);
  switch (kind) {
    case 'fixed': {
      const noise = specJson.object(value, at, ['kind', 'sigma']);
      return { kind, sigma: specJson.number(noise['sigma'], `${at}.sigma`) };
    }
    case 'lognormal':
    case 'gamma': {
      const noise = specJson.object(value, at, ['kind', 'site']);
      return { kind, site: specJson.string(noise['site'], `${at}.site`) };
    }
    case 'logitnormal': {
      const noise = specJson.object(value, at, ['kind', 'site', 'low', 'high']);
      return {
        kind,
        site: specJson.string(noise['site'], `${at}.site`),
        low: specJson.number(noise['low'], `${at}.low`),
        high: specJson.number(noise['high'], `${at}.high`),
      };
    }
    case 'heteroscedastic': {
      const noise = specJson.object(value, at, ['kind', 'minScale']);
      return { kind, minScale: specJson.number(noise['minScale'], `${at}.minScale`) };
    }
  }
}

/** Default concentration floor of the Beta and Dirichlet likelihoods when a file does not give one. */
export const DEFAULT_MIN_CONCENTRATION = 1e-3;

function readLikelihood(value: unknown): LikelihoodSpec {
  const kindValue = specJson.object(value, 'likelihood')['kind'];
  const kind = kindValue === undefined ? undefined : specJson.oneOf<LikelihoodKind>(kindValue, 'likelihood.kind', LIKELIHOOD_KINDS);
  const minConcentration = (v: unknown): number => specJson.optional(v, DEFAULT_MIN_CONCENTRATION, (c) => specJson.number(c, 'likelihood.minConcentration'));
  switch (kind) {
    case 'categorical': {
      const likelihood = specJson.object(value, 'likelihood', ['kind', 'classes']);
      return { kind, classes: specJson.number(likelihood['classes'], 'likelihood.classes') };
    }
    case 'bernoulli':
      specJson.object(value, 'likelihood', ['kind']);
      return { kind };
    case 'beta': {
      const likelihood = specJson.object(value, 'likelihood', ['kind', 'minConcentration']);
      return { kind, minConcentration: minConcentration(likelihood['minConcentration']) };
    }
    case 'dirichlet': {
      const likelihood = specJson.object(value, 'likelihood', ['kind', 'classes', 'minConcentration']);
      return { kind, classes: specJson.number(likelihood['classes'], 'likelihood.classes'), minConcentration: minConcentration(likelihood['minConcentration']) };
    }
    case 'student-t': {
      const likelihood = specJson.object(value, 'likelihood', ['kind', 'noise', 'link', 'sigmaPrior', 'df']);
      return { kind, ...readScaleFields(likelihood), df: specJson.number(likelihood['df'], 'likelihood.df') };
    }
    case 'normal': {
      // Written with its kind: read back with it, so the spec round-trips as written.
      const likelihood = specJson.object(value, 'likelihood', ['kind', 'noise', 'link', 'sigmaPrior']);
      return { kind, ...readScaleFields(likelihood) };
    }
    case undefined:
      return readScaleFields(specJson.object(value, 'likelihood', ['noise', 'link', 'sigmaPrior']));
  }
}

function readScaleFields(likelihood: Record<string, unknown>): { noise: NoiseSpec; link: 'sigma' | 'sigma2'; sigmaPrior: SigmaPrior | null } {
  return {
    noise: readNoise(likelihood['noise']),
    link: specJson.oneOf(likelihood['link'], 'likelihood.link', LINKS),
    sigmaPrior: specJson.optional(likelihood['sigmaPrior'], null, (v) => (v === null ? null : readSigmaPriorJson(specJson, v, 'likelihood.sigmaPrior'))),
  };
}

/**
 * A sigma prior from JSON: `{ kind, <fields> }` (SIGMA_PRIOR_FIELDS), or `{ concentration, rate }`
 * without a kind, which is Gamma and is returned as written (without a kind), so a version "1" file
 * from before the other kinds reads back to the spec it was written from. Ranges are validateSpec's.
 */
export function readSigmaPriorJson(reader: JsonReader, value: unknown, at: string): SigmaPrior {
  const kindValue = reader.object(value, at)['kind'];
  if (kindValue === undefined) {
    const gamma = reader.object(value, at, SIGMA_PRIOR_FIELDS.gamma);
    return {
      concentration: reader.number(gamma['concentration'], `${at}.concentration`),
      rate: reader.number(gamma['rate'], `${at}.rate`),
    };
  }
  const kind = reader.oneOf(kindValue, `${at}.kind`, SIGMA_PRIOR_KINDS);
  const prior = reader.object(value, at, ['kind', ...SIGMA_PRIOR_FIELDS[kind]]);
  const field = (name: string): number => reader.number(prior[name], `${at}.${name}`);
  switch (kind) {
    case 'gamma':
      return { kind, concentration: field('concentration'), rate: field('rate') };
    case 'lognormal':
      return { kind, loc: field('loc'), scale: field('scale') };
    case 'halfnormal':
    case 'halfcauchy':
      return { kind, scale: field('scale') };
    case 'exponential':
      return { kind, rate: field('rate') };
    case 'uniform':
      return { kind, low: field('low'), high: field('high') };
  }
}

function readStandardization(value: unknown): Standardization {
  const at = 'standardization';
  const s = specJson.object(value, at, ['xMean', 'xStd', 'yMean', 'yStd']);
  return {
    xMean: specJson.numbers(s['xMean'], `${at}.xMean`),
    xStd: specJson.numbers(s['xStd'], `${at}.xStd`),
    yMean: specJson.numbers(s['yMean'], `${at}.yMean`),
    yStd: specJson.numbers(s['yStd'], `${at}.yStd`),
  };
}
