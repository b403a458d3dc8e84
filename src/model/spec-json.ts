/** The typed reader of a model spec's JSON form (a file's metadata): every field checked, its path named. */
import { SIGMA_PRIOR_FIELDS } from './sigma-prior.js';
import {
  ACTIVATIONS,
  SIGMA_PRIOR_KINDS,
  type Activation,
  type LayerSpec,
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

function readLikelihood(value: unknown): LikelihoodSpec {
  const likelihood = specJson.object(value, 'likelihood', ['noise', 'link', 'sigmaPrior']);
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
