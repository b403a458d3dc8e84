/**
 * Checks that a model is internally consistent before any kernel, oracle or file writer sees it:
 * the spec's numbers are in range, every tensor the spec implies is present with the right shape and
 * finite, in-range values, and nothing else is there. Also the typed reader of a spec's JSON form.
 *
 * "In range" means in float32, the precision the GPU computes in: a number must stay finite after
 * Math.fround, a scale must stay a normal float32 (> 0 and not flushed to 0), and the noise model
 * must give a likelihood scale and variance float32 can hold (noise-range.ts).
 *
 * Scalar tensors (noise.loc, noise.scale, noise.concentration, noise.rate) have shape [] (one
 * element), as safetensors and Pyro store a scalar site.
 */
import { ModelFormatError } from '../errors.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, FLOAT32_SCALE_RANGE, isFloat32Finite, isFloat32PositiveNormal } from '../float32.js';
import { MAX_TENSOR_ELEMENTS } from './limits.js';
import { checkNameLength, listNames, quoteName, quoteNames } from './names.js';
import {
  gammaExtremes,
  GAMMA_LOWER_TAIL,
  GAMMA_UPPER_STDS,
  linkText,
  logitnormalExtremes,
  lognormalExtremes,
  LOGNORMAL_Z_MAX,
  noiseScaleFits,
  sigmaRangeText,
  type Link,
} from './noise-range.js';
import { describeSigmaPrior, noiseSupport, SIGMA_PRIOR_FIELDS, sigmaPriorSupport } from './sigma-prior.js';
import { previewJson } from './strict-json.js';
import {
  ACTIVATIONS,
  MAX_LAYERS,
  SIGMA_PRIOR_KINDS,
  type Activation,
  type LayerSpec,
  type LikelihoodSpec,
  type Model,
  type ModelSpec,
  type NoiseSpec,
  type ParamSpec,
  type PosteriorKind,
  type Prior,
  type SigmaPrior,
  type Standardization,
  type Tensor,
  layerInputs,
  outputDim,
  sigmaIsLatent,
  tensorNames,
} from './spec.js';

/** Shape of the scalar noise tensors. */
export const SCALAR_SHAPE: readonly number[] = Object.freeze([]);

export const DEFAULT_LEAKY_SLOPE = 0.01;

const POSTERIOR_KINDS: readonly PosteriorKind[] = ['normal', 'delta'];
// 'logitnormal' last: messages list the kinds in this order, and the older ones read as before.
const NOISE_KINDS: readonly NoiseSpec['kind'][] = ['fixed', 'lognormal', 'gamma', 'heteroscedastic', 'logitnormal'];
const LINKS: readonly LikelihoodSpec['link'][] = ['sigma', 'sigma2'];

function fail(message: string): never {
  throw new ModelFormatError(`model: ${message}`);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${what} must be a positive integer (got ${value})`);
}

const FLOAT32_MAX_TEXT = FLOAT32_MAX.toPrecision(8);

/** What a number becomes in float32 when that is what makes it unusable (0, Infinity, subnormal), for messages. */
function float32Note(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) return '';
  const rounded = Math.fround(value);
  if (rounded === 0) return ', which is 0 in float32';
  if (!Number.isFinite(rounded)) return ', which overflows to Infinity in float32';
  if (Math.abs(rounded) < FLOAT32_MIN_NORMAL) return ', which is subnormal in float32';
  return '';
}

/** A float32 tensor value for messages: 8 significant digits, so 1e-30 does not print as 1.0000000031710769e-30. */
const float32Text = (value: number): number => Number(value.toPrecision(8));

/** A scale: finite and >= the smallest normal float32 after rounding to float32. */
function checkPositive(value: number, what: string): void {
  if (!isFiniteNumber(value) || !isFloat32PositiveNormal(value)) {
    fail(`${what} must be a finite number > 0 in float32's normal range ${FLOAT32_SCALE_RANGE} (got ${value}${float32Note(value)})`);
  }
}

function checkFinite(value: number, what: string): void {
  if (!isFiniteNumber(value) || !isFloat32Finite(value)) {
    fail(`${what} must be a finite number within float32's range, |x| <= ${FLOAT32_MAX_TEXT} (got ${value}${float32Note(value)})`);
  }
}

/** A fixed sigma, or one drawn at the extremes of its posterior: see noise-range.ts. */
function checkNoiseScale(sigma: number, link: Link, what: string): void {
  if (!noiseScaleFits(sigma, link)) {
    fail(
      `${what} gives sigma = ${sigma.toPrecision(3)}${float32Note(sigma)}: float32 cannot hold its likelihood scale ` +
        `and noise variance; ${linkText(link)}, sigma must lie in ${sigmaRangeText(link)}`,
    );
  }
}

function checkOneOf<T>(value: T, options: readonly T[], what: string): void {
  if (!options.includes(value)) fail(`${what} is ${previewJson(value)}; known: ${options.join(', ')}`);
}

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
  if (spec.standardization !== null) validateStandardization(spec.standardization, spec.inputDim, outputDim(spec));
}

/** The layer count: at least one, at most MAX_LAYERS (see there for why). */
export function checkLayerCount(count: number): void {
  if (count === 0) fail('has no layers');
  if (count > MAX_LAYERS) {
    fail(`has ${count} layers, more than MAX_LAYERS = ${MAX_LAYERS} (each layer compiles its own GPU pipelines)`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberArray = (v: unknown): boolean => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

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
  if (!isRecord(likelihood['noise'])) fail(`likelihood.noise must be an object (got ${previewJson(likelihood['noise'])})`);
  const sigmaPrior = likelihood['sigmaPrior'];
  if (sigmaPrior !== null && !isRecord(sigmaPrior)) fail(`likelihood.sigmaPrior must be null or an object (got ${previewJson(sigmaPrior)})`);
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
  const { noise, link, sigmaPrior } = spec.likelihood;
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
        fail(
          `likelihood.noise.minScale must be a finite number >= 0 within float32's range ` +
            `(got ${noise.minScale}${float32Note(noise.minScale)})`,
        );
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

function validateStandardization(s: Standardization, inputDim: number, outDim: number): void {
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
interface TensorRule {
  /** Accepted shapes (PReLU slopes may be per unit or shared). */
  readonly shapes: readonly (readonly number[])[];
  readonly values: 'finite' | 'nonNegative' | 'positive';
}

/** Every tensor the spec implies, by canonical name (tensorNames). */
function tensorRules(spec: ModelSpec): Map<string, TensorRule> {
  const rules = new Map<string, TensorRule>();
  const add = (name: string, shape: readonly number[], values: TensorRule['values'] = 'finite'): void => {
    rules.set(name, { shapes: [shape], values });
  };
  spec.layers.forEach((layer: LayerSpec, l) => {
    const weightShape = [layer.units, layerInputs(spec, l)];
    add(tensorNames.weightLoc(l), weightShape);
    add(tensorNames.biasLoc(l), [layer.units]);
    if (layer.weight.posterior === 'normal') add(tensorNames.weightScale(l), weightShape, 'nonNegative');
    if (layer.bias.posterior === 'normal') add(tensorNames.biasScale(l), [layer.units], 'nonNegative');
    if (layer.activation === 'prelu') {
      rules.set(tensorNames.preluSlope(l), { shapes: [[layer.units], [1]], values: 'finite' });
    }
    if (layer.batchNorm) {
      add(tensorNames.bnScale(l), [layer.units]);
      add(tensorNames.bnShift(l), [layer.units]);
    }
  });
  const noise = spec.likelihood.noise;
  if (noise.kind === 'lognormal' || noise.kind === 'logitnormal') {
    add(tensorNames.noiseLoc, SCALAR_SHAPE);
    add(tensorNames.noiseScale, SCALAR_SHAPE, 'nonNegative');
  } else if (noise.kind === 'gamma') {
    add(tensorNames.noiseConcentration, SCALAR_SHAPE, 'positive');
    add(tensorNames.noiseRate, SCALAR_SHAPE, 'positive');
  }
  return rules;
}

/** Dimensions a message shows of a shape; a hostile file's shape can have thousands. */
const SHOWN_DIMS = 8;

export const formatShape = (shape: readonly number[]): string =>
  shape.length <= SHOWN_DIMS
    ? `[${shape.join(', ')}]`
    : `[${shape.slice(0, SHOWN_DIMS).join(', ')}, ... (${shape.length} dimensions)]`;
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const VALUE_REQUIREMENT: Readonly<Record<TensorRule['values'], { ok: (v: number) => boolean; says: string }>> = {
  finite: { ok: () => true, says: '' },
  nonNegative: { ok: (v) => v >= 0, says: 'must be >= 0 (it is a scale)' },
  positive: { ok: (v) => v > 0, says: 'must be > 0' },
};

/** Throws ModelFormatError naming the first problem: spec, missing/extra tensor, shape or value. */
export function validateModel(model: Model): void {
  const value: unknown = model;
  if (!isRecord(value)) fail(`a model must be an object { spec, tensors } (got ${previewJson(value)})`);
  validateSpec(model.spec);
  if (!(model.tensors instanceof Map)) fail(`model.tensors must be a Map from tensor name to { shape, data } (got ${previewJson(model.tensors)})`);
  const rules = tensorRules(model.spec);
  for (const name of rules.keys()) {
    const tensor: unknown = model.tensors.get(name);
    if (tensor === undefined) fail(`missing tensor '${name}'`);
    if (!isRecord(tensor) || !Array.isArray(tensor['shape']) || !(tensor['data'] instanceof Float32Array)) {
      fail(`tensor '${name}' must be { shape: number[], data: Float32Array }`);
    }
  }
  for (const [name, rule] of rules) {
    const tensor = model.tensors.get(name) as Tensor;
    if (!rule.shapes.some((shape) => sameShape(shape, tensor.shape))) {
      const expected = rule.shapes.map(formatShape).join(' or ');
      fail(`tensor '${name}' has shape ${formatShape(tensor.shape)}, expected ${expected}`);
    }
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.data.length !== elements) {
      fail(`tensor '${name}' has ${tensor.data.length} values for shape ${formatShape(tensor.shape)}`);
    }
    const requirement = VALUE_REQUIREMENT[rule.values];
    tensor.data.forEach((v, i) => {
      if (!Number.isFinite(v)) fail(`tensor '${name}' has a non-finite value (${v}) at index ${i}`);
      if (!requirement.ok(v)) fail(`tensor '${name}' has value ${v} at index ${i}; it ${requirement.says}`);
    });
  }
  const unknown = [...model.tensors.keys()].filter((name) => !rules.has(name));
  if (unknown.length > 0) {
    fail(`unknown tensor(s) ${quoteNames(unknown)}: this spec uses exactly ${[...rules.keys()].join(', ')}`);
  }
  validateNoiseDraws(model);
}

const scalarOf = (tensors: Model['tensors'], name: string): number => tensors.get(name)?.data[0] ?? NaN;

/**
 * A latent sigma's posterior must draw values whose likelihood scale and variance float32 holds,
 * at both ends of its draws (noise-range.ts): LogNormal and LogitNormal at loc ± 6 scale, Gamma
 * from its 1e-9 lower-quantile bound to mean + 40 std.
 */
function validateNoiseDraws({ spec, tensors }: Model): void {
  const { noise, link } = spec.likelihood;
  if (noise.kind === 'lognormal') {
    const loc = scalarOf(tensors, tensorNames.noiseLoc);
    const scale = scalarOf(tensors, tensorNames.noiseScale);
    const { low, high } = lognormalExtremes(loc, scale);
    const what = (end: string) =>
      `the LogNormal noise posterior (noise.loc = ${float32Text(loc)}, noise.scale = ${float32Text(scale)}) at z = ${end}${LOGNORMAL_Z_MAX}`;
    checkNoiseScale(low, link, what('-'));
    checkNoiseScale(high, link, what('+'));
  } else if (noise.kind === 'logitnormal') {
    const loc = scalarOf(tensors, tensorNames.noiseLoc);
    const scale = scalarOf(tensors, tensorNames.noiseScale);
    const { low, high } = logitnormalExtremes(loc, scale, noise.low, noise.high);
    const what = (end: string) =>
      `the LogitNormal noise posterior on (${noise.low}, ${noise.high}) (noise.loc = ${float32Text(loc)}, ` +
      `noise.scale = ${float32Text(scale)}) at z = ${end}${LOGNORMAL_Z_MAX}`;
    checkNoiseScale(low, link, what('-'));
    checkNoiseScale(high, link, what('+'));
  } else if (noise.kind === 'gamma') {
    const concentration = scalarOf(tensors, tensorNames.noiseConcentration);
    const rate = scalarOf(tensors, tensorNames.noiseRate);
    const { low, high } = gammaExtremes(concentration, rate);
    const what = `the Gamma noise posterior (noise.concentration = ${float32Text(concentration)}, noise.rate = ${float32Text(rate)})`;
    checkNoiseScale(low, link, `${what} at its ${GAMMA_LOWER_TAIL} lower quantile bound`);
    checkNoiseScale(high, link, `${what} at mean + ${GAMMA_UPPER_STDS} std`);
  }
}

// ---------------------------------------------------------------------------------------------
// Typed reading of JSON (a model spec in a file's metadata, Pyro's model description).

/** Reads fields of parsed JSON, naming the offending path in every error (a ModelFormatError). */
export class JsonReader {
  /** `what` names the document in messages, e.g. 'model spec'. */
  constructor(private readonly what: string) {}

  fail(message: string): never {
    throw new ModelFormatError(`${this.what}: ${message}`);
  }

  private error(path: string, expected: string, got: unknown): never {
    return this.fail(`${path} must be ${expected} (got ${previewJson(got)})`);
  }

  /** An object with only the given keys (so a misspelt optional field is not silently ignored). */
  object(value: unknown, path: string, allowedKeys?: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.error(path, 'an object', value);
    const record = value as Record<string, unknown>;
    if (allowedKeys) {
      const extra = Object.keys(record).filter((k) => !allowedKeys.includes(k));
      if (extra.length > 0) {
        this.fail(`${path} has unknown field(s) ${listNames(extra)}; known: ${allowedKeys.join(', ')}`);
      }
    }
    return record;
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number') this.error(path, 'a number', value);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.error(path, 'a boolean', value);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.error(path, 'a string', value);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    if (!(options as readonly unknown[]).includes(value)) this.error(path, `one of ${options.join(', ')}`, value);
    return value as T;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.error(path, 'an array', value);
    return value;
  }

  numbers(value: unknown, path: string): number[] {
    return this.array(value, path).map((v, i) => this.number(v, `${path}[${i}]`));
  }

  /** `fallback` when the field is absent; the reader's result otherwise. */
  optional<T>(value: unknown, fallback: T, read: (v: unknown) => T): T {
    return value === undefined ? fallback : read(value);
  }
}

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
    standardization: specJson.optional(root['standardization'], null, (v) =>
      v === null ? null : readStandardization(v),
    ),
  };
  validateSpec(spec);
  return spec;
}

function readLayer(value: unknown, at: string): LayerSpec {
  const layer = specJson.object(value, at, [
    'units',
    'activation',
    'leakySlope',
    'dropout',
    'batchNorm',
    'weight',
    'bias',
  ]);
  return {
    units: specJson.number(layer['units'], `${at}.units`),
    activation: specJson.oneOf<Activation>(layer['activation'], `${at}.activation`, ACTIVATIONS),
    leakySlope: specJson.optional(layer['leakySlope'], DEFAULT_LEAKY_SLOPE, (v) =>
      specJson.number(v, `${at}.leakySlope`),
    ),
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
    sigmaPrior: specJson.optional(likelihood['sigmaPrior'], null, (v) =>
      v === null ? null : readSigmaPriorJson(specJson, v, 'likelihood.sigmaPrior'),
    ),
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
