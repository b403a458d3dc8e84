/**
 * Reads a Pyro export directly (see test/fixtures/pyro/README.md and python/README.md): a guide's
 * param store as Pyro 1.8 names and constrains it, and the model's structure as JSON in
 * `__metadata__.model`.
 *
 * Guides (`guide` in the metadata, default AutoNormal):
 * - AutoNormal: `AutoNormal.locs.<site>` (the unconstrained loc) and `AutoNormal.scales.<site>`
 *   (positive), one pair per latent site, shaped like the site.
 * - AutoDiagonalNormal: one flat `AutoDiagonalNormal.loc` and `AutoDiagonalNormal.scale` over all
 *   sites, concatenated (each site row-major) in the order of the model's prototype trace. Nothing
 *   in the file says where one site ends, so the metadata's `sites` must list [{name, shape}] in
 *   that order.
 *
 * The metadata (`__metadata__.model`, JSON):
 * - dims [in, hidden..., out], activation (hidden layers; the last layer is identity),
 *   weight_prior_scale and optionally bias_prior_scale (a number, or one per layer: Normal(0, s)).
 * - dropout: a number is the rate on the last layer's input (where Pyro's seed model drops the
 *   last hidden layer's output), a list gives each layer's input rate.
 * - layers (optional): [{weight, bias}] site names per layer in forward order, for any layout
 *   (nn.Sequential's '0/2/4.weight' with activations between, named layers like 'fc1.weight').
 *   Without it, a layer's index is the number before `.weight` / `.bias` (an nn.ModuleList, whose
 *   Pyro 1.8 names are '0.weight' for hidden layers and 'layers.2.weight' for the last); a name
 *   without one is refused, never ordered by guessing.
 * - the noise: `sigma_site` (default 'sigma') names the latent sigma site and `sigma_prior` its
 *   prior: [concentration, rate] (Gamma), or {kind, ...} as a ModelSpec's sigmaPrior (gamma,
 *   lognormal, halfnormal, halfcauchy, exponential, uniform). `fixed_sigma` instead gives fixed
 *   noise (no site). `scale_is_sigma_squared` gives the 'sigma2' link.
 *
 * AutoNormal stores a site's unconstrained value, through biject_to(prior.support): exp for the
 * positive priors (sigma's loc/scale are of log sigma: noise kind 'lognormal'), and for Uniform(a,
 * b) sigma = a + (b - a) sigmoid(u) (noise kind 'logitnormal'). An export without `sigma_prior` is
 * read as a positive site, as this format has always documented; every other unknown (guide, prior,
 * site, layout) is refused, never guessed.
 */
import { ModelFormatError, preview } from '../errors.js';
import { MAX_TENSOR_ELEMENTS } from './limits.js';
import { quoteName, quoteNames } from './names.js';
import { ACTIVATIONS, MAX_LAYERS, type Activation, type LayerSpec, type LikelihoodSpec, type Model, type NoiseSpec, type SigmaPrior, type Tensor, tensorNames } from './spec.js';
import { parseJsonStrict, previewJson } from './strict-json.js';
import { JsonReader } from './json-reader.js';
import { SCALAR_SHAPE, formatShape } from './shapes.js';
import { readSigmaPriorJson } from './spec-json.js';
import { validateModel } from './validate-model.js';
import { DEFAULT_LEAKY_SLOPE } from './spec.js';

export const AUTONORMAL_LOCS_PREFIX = 'AutoNormal.locs.';
export const AUTONORMAL_SCALES_PREFIX = 'AutoNormal.scales.';
export const AUTODIAGONALNORMAL_LOC = 'AutoDiagonalNormal.loc';
export const AUTODIAGONALNORMAL_SCALE = 'AutoDiagonalNormal.scale';
/** Pyro's usual name of the observation-noise site (the default of `sigma_site`). */
export const PYRO_SIGMA_SITE = 'sigma';

export const PYRO_GUIDES = ['AutoNormal', 'AutoDiagonalNormal'] as const;
export type PyroGuide = (typeof PYRO_GUIDES)[number];

const LAYER_SITE = /(?:^|\.)(\d+)\.(weight|bias)$/;

const pyroJson = new JsonReader('Pyro model metadata');

function fail(message: string, guide: PyroGuide = 'AutoNormal'): never {
  throw new ModelFormatError(`Pyro ${guide} export: ${message}`);
}

/** Where sigma comes from, as the metadata describes it. */
type PyroNoise = { readonly kind: 'fixed'; readonly sigma: number } | { readonly kind: 'latent'; readonly site: string; readonly prior: SigmaPrior | null };

/** A layer's two site names. */
interface LayerSites {
  readonly weight: string;
  readonly bias: string;
}

/** A site of the AutoDiagonalNormal flat vector. */
interface FlatSite {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The model description Pyro's exporter writes into `__metadata__.model`. */
interface PyroModelInfo {
  readonly guide: PyroGuide;
  readonly dims: readonly number[];
  readonly activation: Activation;
  readonly weightPriorScales: readonly number[];
  readonly biasPriorScales: readonly number[];
  readonly dropouts: readonly number[];
  readonly layers: readonly LayerSites[] | null;
  readonly flatSites: readonly FlatSite[] | null;
  /** The observation noise of a Normal model; null for a classifier (no noise site). */
  readonly noise: PyroNoise | null;
  readonly sigmaSquared: boolean;
  readonly likelihood: PyroLikelihood;
}

/** The likelihoods a Pyro export may declare in `likelihood` (absent: 'normal'). */
const PYRO_LIKELIHOODS = ['normal', 'categorical', 'bernoulli'] as const;
type PyroLikelihood = { readonly kind: 'normal' } | { readonly kind: 'categorical'; readonly classes: number } | { readonly kind: 'bernoulli' };

/**
 * `likelihood` and, for 'categorical', `classes` (which must be the last layer's width: the logits).
 * A classifier has no noise site, so the noise keys are refused with it rather than ignored.
 */
function readLikelihood(info: Record<string, unknown>, dims: readonly number[]): PyroLikelihood {
  const kind = pyroJson.optional(info['likelihood'], 'normal' as const, (v) => pyroJson.oneOf(v, 'likelihood', PYRO_LIKELIHOODS));
  if (kind === 'normal') {
    if (info['classes'] !== undefined) pyroJson.fail("classes belongs to a classifier (likelihood 'categorical'); this export's likelihood is normal");
    return { kind };
  }
  for (const key of ['fixed_sigma', 'sigma_site', 'sigma_prior', 'scale_is_sigma_squared']) {
    if (info[key] !== undefined) pyroJson.fail(`${key} describes observation noise, which a '${kind}' likelihood does not have`);
  }
  const outputs = dims[dims.length - 1] as number;
  if (kind === 'bernoulli') return { kind };
  const classes = pyroJson.number(info['classes'], 'classes');
  if (classes !== outputs) pyroJson.fail(`classes is ${classes} but the last layer has ${outputs} units (the logits, one per class)`);
  return { kind, classes };
}

/** The metadata's `model` JSON, read strictly (depth, duplicate keys); throws ModelFormatError. */
function modelMetadataJson(text: string): unknown {
  return parseJsonStrict(text, { what: 'Pyro AutoNormal export: __metadata__.model' });
}

/** The `model` JSON when it parses, else null: detection must not throw on other formats' files. */
function modelMetadataIfJson(metadata: Readonly<Record<string, string>>): unknown {
  const text = metadata['model'];
  if (text === undefined) return null;
  try {
    return modelMetadataJson(text);
  } catch {
    return null;
  }
}

/**
 * Whether a safetensors file looks like a Pyro export (AutoNormal or AutoDiagonalNormal), by the
 * metadata's `guide` or by tensor names.
 */
export function isPyroAutoNormal(metadata: Readonly<Record<string, string>>, tensors: ReadonlyMap<string, unknown>): boolean {
  const model = modelMetadataIfJson(metadata);
  if (typeof model === 'object' && model !== null) {
    const guide = (model as Record<string, unknown>)['guide'];
    if ((PYRO_GUIDES as readonly unknown[]).includes(guide)) return true;
  }
  return [...tensors.keys()].some((name) => name.startsWith(AUTONORMAL_LOCS_PREFIX) || name === AUTODIAGONALNORMAL_LOC);
}

/** A number, or a list of one per layer, as one number per layer. */
function perLayer(value: unknown, path: string, layerCount: number): number[] {
  if (!Array.isArray(value)) return new Array<number>(layerCount).fill(pyroJson.number(value, path));
  const values = pyroJson.numbers(value, path);
  if (values.length !== layerCount) pyroJson.fail(`${path} lists ${values.length} values; dims give ${layerCount} layers`);
  return values;
}

function readLayerSites(value: unknown, layerCount: number): LayerSites[] {
  const layers = pyroJson.array(value, 'layers');
  if (layers.length !== layerCount) pyroJson.fail(`layers lists ${layers.length} layers; dims give ${layerCount}`);
  return layers.map((entry, l) => {
    const layer = pyroJson.object(entry, `layers[${l}]`, ['weight', 'bias']);
    return { weight: pyroJson.string(layer['weight'], `layers[${l}].weight`), bias: pyroJson.string(layer['bias'], `layers[${l}].bias`) };
  });
}

function readFlatSites(value: unknown): FlatSite[] {
  return pyroJson.array(value, 'sites').map((entry, i) => {
    const site = pyroJson.object(entry, `sites[${i}]`, ['name', 'shape']);
    const shape = pyroJson.numbers(site['shape'], `sites[${i}].shape`);
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) pyroJson.fail(`sites[${i}].shape must list non-negative integers (got ${previewJson(shape)})`);
    return { name: pyroJson.string(site['name'], `sites[${i}].name`), shape };
  });
}

function readNoise(info: Record<string, unknown>): PyroNoise {
  const fixed = info['fixed_sigma'];
  if (fixed !== undefined) {
    for (const key of ['sigma_site', 'sigma_prior']) {
      if (info[key] !== undefined) pyroJson.fail(`fixed_sigma (fixed noise) and ${key} (a latent sigma) cannot both be given`);
    }
    return { kind: 'fixed', sigma: pyroJson.number(fixed, 'fixed_sigma') };
  }
  const site = pyroJson.optional(info['sigma_site'], PYRO_SIGMA_SITE, (v) => pyroJson.string(v, 'sigma_site'));
  const prior = pyroJson.optional(info['sigma_prior'], null, (v): SigmaPrior | null => {
    if (v === null) return null;
    if (!Array.isArray(v)) return readSigmaPriorJson(pyroJson, v, 'sigma_prior');
    // The original form: Gamma's [concentration, rate], kept without a kind as such specs always were.
    const pair = pyroJson.numbers(v, 'sigma_prior');
    const [concentration, rate] = pair;
    if (pair.length !== 2 || concentration === undefined || rate === undefined) {
      fail(`sigma_prior must be [concentration, rate] (Gamma) or an object {kind, ...}, got ${previewJson(pair)}`);
    }
    return { concentration, rate };
  });
  return { kind: 'latent', site, prior };
}

function readPyroModelInfo(metadata: Readonly<Record<string, string>>): PyroModelInfo {
  const text = metadata['model'];
  if (text === undefined) {
    fail('__metadata__.model is missing; it must be JSON with dims, activation, weight_prior_scale, ...');
  }
  const info = pyroJson.object(modelMetadataJson(text), 'model');
  const guideValue = info['guide'] ?? 'AutoNormal';
  if (!(PYRO_GUIDES as readonly unknown[]).includes(guideValue)) {
    fail(`guide ${previewJson(guideValue)} is not supported (only ${PYRO_GUIDES.join(' and ')})`);
  }
  const guide = guideValue as PyroGuide;
  const dims = pyroJson.numbers(info['dims'], 'dims');
  if (dims.length < 2) fail(`dims ${previewJson(dims)} must list the input size and at least one layer`, guide);
  if (dims.length - 1 > MAX_LAYERS) {
    fail(`dims ${previewJson(dims)} give ${dims.length - 1} layers, more than MAX_LAYERS = ${MAX_LAYERS} (each layer compiles its own GPU pipelines)`, guide);
  }
  const layerCount = dims.length - 1;
  const weightPriorScales = perLayer(info['weight_prior_scale'], 'weight_prior_scale', layerCount);
  const dropoutValue = info['dropout'];
  const dropouts =
    dropoutValue === undefined || !Array.isArray(dropoutValue)
      ? // A single rate is Pyro's seed model's: on the last hidden layer's output, the last layer's input.
        Array.from({ length: layerCount }, (_, l) => (l === layerCount - 1 ? pyroJson.optional(dropoutValue, 0, (v) => pyroJson.number(v, 'dropout')) : 0))
      : perLayer(dropoutValue, 'dropout', layerCount);
  const likelihood = readLikelihood(info, dims);
  const flatSites = guide === 'AutoDiagonalNormal' ? readFlatSites(requireSitesList(info['sites'])) : null;
  if (guide === 'AutoNormal' && info['sites'] !== undefined) {
    fail('sites (the flat vector order) belongs to an AutoDiagonalNormal export; an AutoNormal guide names every site itself', guide);
  }
  return {
    guide,
    dims,
    activation: pyroJson.oneOf(info['activation'], 'activation', ACTIVATIONS),
    weightPriorScales,
    biasPriorScales: pyroJson.optional(info['bias_prior_scale'], weightPriorScales, (v) => perLayer(v, 'bias_prior_scale', layerCount)),
    dropouts,
    layers: pyroJson.optional(info['layers'], null, (v) => readLayerSites(v, layerCount)),
    flatSites,
    likelihood,
    noise: likelihood.kind === 'normal' ? readNoise(info) : null,
    sigmaSquared: pyroJson.optional(info['scale_is_sigma_squared'], false, (v) => pyroJson.boolean(v, 'scale_is_sigma_squared')),
  };
}

function requireSitesList(value: unknown): unknown {
  if (value === undefined) {
    fail(
      "AutoDiagonalNormal keeps one flat loc and scale over all sites, in the order of the model's prototype trace, " +
        'so __metadata__.model.sites must list them in that order as [{"name", "shape"}] ' +
        "(in Pyro: [(name, list(site['value'].shape)) for name, site in guide.prototype_trace.iter_stochastic_nodes()])",
      'AutoDiagonalNormal',
    );
  }
  return value;
}

/** A latent site's guide parameters. */
interface GuideSite {
  readonly loc: Tensor;
  readonly scale: Tensor;
}

/** AutoNormal: groups the tensors by site; every site needs both a loc and a scale, and nothing else is allowed. */
function readAutoNormalSites(tensors: ReadonlyMap<string, Tensor>): Map<string, GuideSite> {
  const locs = new Map<string, Tensor>();
  const scales = new Map<string, Tensor>();
  for (const [name, tensor] of tensors) {
    if (name.startsWith(AUTONORMAL_LOCS_PREFIX)) locs.set(name.slice(AUTONORMAL_LOCS_PREFIX.length), tensor);
    else if (name.startsWith(AUTONORMAL_SCALES_PREFIX)) scales.set(name.slice(AUTONORMAL_SCALES_PREFIX.length), tensor);
    else fail(`tensor ${quoteName(name)} is neither ${AUTONORMAL_LOCS_PREFIX}<site> nor ${AUTONORMAL_SCALES_PREFIX}<site>`);
  }
  const sites = new Map<string, GuideSite>();
  for (const site of new Set([...locs.keys(), ...scales.keys()])) {
    const loc = locs.get(site);
    const scale = scales.get(site);
    const shown = preview(site);
    if (!loc) fail(`site ${quoteName(site)} has ${AUTONORMAL_SCALES_PREFIX}${shown} but no ${AUTONORMAL_LOCS_PREFIX}${shown}`);
    if (!scale) fail(`site ${quoteName(site)} has ${AUTONORMAL_LOCS_PREFIX}${shown} but no ${AUTONORMAL_SCALES_PREFIX}${shown}`);
    sites.set(site, { loc: { shape: loc.shape, data: loc.data }, scale: { shape: scale.shape, data: scale.data } });
  }
  return sites;
}

/**
 * AutoDiagonalNormal: cuts the flat loc and scale into the listed sites, in order (Pyro's
 * _unpack_latent: site after site, each viewed row-major in its shape). The lengths must add up
 * exactly: a shorter or longer vector means the list is not the model's.
 */
function readAutoDiagonalNormalSites(tensors: ReadonlyMap<string, Tensor>, flatSites: readonly FlatSite[]): Map<string, GuideSite> {
  const guide = 'AutoDiagonalNormal';
  for (const name of tensors.keys()) {
    if (name !== AUTODIAGONALNORMAL_LOC && name !== AUTODIAGONALNORMAL_SCALE) {
      fail(`tensor ${quoteName(name)} is neither ${AUTODIAGONALNORMAL_LOC} nor ${AUTODIAGONALNORMAL_SCALE}`, guide);
    }
  }
  const flat = (name: string): Tensor => {
    const tensor = tensors.get(name);
    if (!tensor) fail(`tensor '${name}' is missing`, guide);
    if (tensor.shape.length !== 1) fail(`${name} must be one flat vector, got shape ${formatShape(tensor.shape)}`, guide);
    return tensor;
  };
  const loc = flat(AUTODIAGONALNORMAL_LOC);
  const scale = flat(AUTODIAGONALNORMAL_SCALE);
  if (loc.data.length !== scale.data.length) {
    fail(`${AUTODIAGONALNORMAL_LOC} has ${loc.data.length} values but ${AUTODIAGONALNORMAL_SCALE} has ${scale.data.length}`, guide);
  }
  const sites = new Map<string, GuideSite>();
  let position = 0;
  flatSites.forEach(({ name, shape }, i) => {
    if (sites.has(name)) fail(`sites lists ${quoteName(name)} twice`, guide);
    let size = 1;
    for (const d of shape) {
      size *= d;
      if (size > MAX_TENSOR_ELEMENTS) fail(`sites[${i}] (${quoteName(name)}) has shape ${formatShape(shape)}: too many elements`, guide);
    }
    if (position + size > loc.data.length) {
      fail(`sites need more than the ${loc.data.length} values of ${AUTODIAGONALNORMAL_LOC} (they run out at sites[${i}], ${quoteName(name)})`, guide);
    }
    const cut = (t: Tensor): Tensor => ({ shape, data: t.data.slice(position, position + size) });
    sites.set(name, { loc: cut(loc), scale: cut(scale) });
    position += size;
  });
  if (position !== loc.data.length) {
    fail(`sites cover ${position} values but ${AUTODIAGONALNORMAL_LOC} has ${loc.data.length}: the list is not the model's latent sites`, guide);
  }
  return sites;
}

/**
 * Site names of each layer's weight and bias when the metadata has no `layers`: the number before
 * `.weight`/`.bias` is the layer index (an nn.ModuleList); exactly one of each per layer.
 */
function layerSitesByIndex(sites: Iterable<string>, layerCount: number, noiseSite: string | null, guide: PyroGuide): LayerSites[] {
  const found = Array.from({ length: layerCount }, () => ({ weight: [] as string[], bias: [] as string[] }));
  for (const site of sites) {
    if (site === noiseSite) continue;
    const match = LAYER_SITE.exec(site);
    if (!match) {
      const other = noiseSite === null ? 'a noise site (the noise is fixed)' : quoteName(noiseSite);
      fail(
        `site ${quoteName(site)} is neither a layer's <i>.weight / <i>.bias nor ${other}; for other layouts ` +
          '(named layers, nn.Sequential) list each layer\'s sites in __metadata__.model.layers as [{"weight", "bias"}]',
        guide,
      );
    }
    const index = Number(match[1]);
    const kind = match[2] as 'weight' | 'bias';
    const layer = found[index];
    if (!layer) {
      fail(
        `site ${quoteName(site)} refers to layer ${match[1]}, but dims give layers 0..${layerCount - 1} ` +
          "(an nn.Sequential numbers its modules, activations included: give the layers' sites in __metadata__.model.layers)",
        guide,
      );
    }
    layer[kind].push(site);
  }
  return found.map((layer, l) => {
    const pick = (kind: 'weight' | 'bias'): string => {
      const [site, ...more] = layer[kind];
      if (site === undefined) fail(`layer ${l} has no ${kind} site (expected a site named like '${l}.${kind}')`, guide);
      if (more.length > 0) fail(`layer ${l} has several ${kind} sites: ${quoteNames([site, ...more])}`, guide);
      return site;
    };
    return { weight: pick('weight'), bias: pick('bias') };
  });
}

/** With `layers` in the metadata: every named site exists, none twice, and no guide site is left over. */
function checkListedSites(layers: readonly LayerSites[], sites: ReadonlyMap<string, GuideSite>, noiseSite: string | null, guide: PyroGuide): void {
  const used = new Set<string>(noiseSite === null ? [] : [noiseSite]);
  layers.forEach((layer, l) => {
    for (const kind of ['weight', 'bias'] as const) {
      const site = layer[kind];
      if (!sites.has(site)) fail(`layers[${l}].${kind} names site ${quoteName(site)}, which the guide does not have (its sites: ${quoteNames(sites.keys())})`, guide);
      if (used.has(site)) fail(`site ${quoteName(site)} is used twice (layers[${l}].${kind} and another layer or the noise)`, guide);
      used.add(site);
    }
  });
  const unused = [...sites.keys()].filter((site) => !used.has(site));
  if (unused.length > 0) {
    const noise = noiseSite === null ? 'the noise is fixed' : `the noise site is ${quoteName(noiseSite)}`;
    fail(`the guide has site(s) ${quoteNames(unused)} that no layer in __metadata__.model.layers uses (${noise})`, guide);
  }
}

/** Where a site's loc or scale is in the file, for messages. */
function guideTensorName(guide: PyroGuide, site: string, part: 'loc' | 'scale'): string {
  if (guide === 'AutoNormal') return `${part === 'loc' ? AUTONORMAL_LOCS_PREFIX : AUTONORMAL_SCALES_PREFIX}${preview(site)}`;
  return `${part === 'loc' ? AUTODIAGONALNORMAL_LOC : AUTODIAGONALNORMAL_SCALE} at ${quoteName(site)}`;
}

/** Pyro stores the scalar sigma site with shape []; anything else of one element is reshaped to it. */
function asScalar(tensor: Tensor, name: string, guide: PyroGuide): Tensor {
  if (tensor.data.length !== 1) fail(`${name} must be a scalar, got shape [${tensor.shape.join(', ')}]`, guide);
  return { shape: SCALAR_SHAPE, data: tensor.data };
}

/** The Normal likelihood of an export's noise; a latent sigma's guide tensors go into `modelTensors`. */
function normalLikelihood(noise: PyroNoise, sigmaSquared: boolean, guide: PyroGuide, sites: ReadonlyMap<string, GuideSite>, modelTensors: Map<string, Tensor>): LikelihoodSpec {
  const link = sigmaSquared ? 'sigma2' : 'sigma';
  if (noise.kind === 'fixed') return { noise: { kind: 'fixed', sigma: noise.sigma }, link, sigmaPrior: null };
  const { site, prior } = noise;
  const sigma = sites.get(site) as GuideSite;
  modelTensors.set(tensorNames.noiseLoc, asScalar(sigma.loc, guideTensorName(guide, site, 'loc'), guide));
  modelTensors.set(tensorNames.noiseScale, asScalar(sigma.scale, guideTensorName(guide, site, 'scale'), guide));
  return { noise: latentNoiseSpec(site, prior), link, sigmaPrior: prior };
}

/**
 * The noise spec of a latent sigma: AutoNormal's transform for the prior's support, exp for
 * (0, inf) ('lognormal'), a + (b - a) sigmoid for Uniform(a, b) ('logitnormal').
 */
function latentNoiseSpec(site: string, prior: SigmaPrior | null): NoiseSpec {
  if (prior !== null && prior.kind === 'uniform') return { kind: 'logitnormal', site, low: prior.low, high: prior.high };
  return { kind: 'lognormal', site };
}

/**
 * Builds a validated Model from a Pyro export's metadata and tensors (see the top of this file).
 *
 * Every weight and bias gets posterior 'normal' and prior Normal(0, s) from the metadata; hidden
 * layers use `activation`, the last is identity; a latent sigma's tensors become noise.loc /
 * noise.scale (shape []) of its unconstrained value, with the noise kind its prior's support gives.
 */
export function modelFromPyro(metadata: Readonly<Record<string, string>>, tensors: ReadonlyMap<string, Tensor>): Model {
  const info = readPyroModelInfo(metadata);
  const { guide } = info;
  const sites = info.flatSites ? readAutoDiagonalNormalSites(tensors, info.flatSites) : readAutoNormalSites(tensors);
  const layerCount = info.dims.length - 1;
  const noiseSite = info.noise?.kind === 'latent' ? info.noise.site : null;
  if (noiseSite !== null && !sites.has(noiseSite)) {
    fail(`no ${quoteName(noiseSite)} site: the observation noise is unknown (name the noise site with sigma_site, or give fixed_sigma for fixed noise)`, guide);
  }
  const layerSites = info.layers ?? layerSitesByIndex(sites.keys(), layerCount, noiseSite, guide);
  if (info.layers) checkListedSites(info.layers, sites, noiseSite, guide);

  const modelTensors = new Map<string, Tensor>();
  const layers = layerSites.map(({ weight, bias }, l): LayerSpec => {
    const isLast = l === layerCount - 1;
    for (const [site, locName, scaleName] of [
      [weight, tensorNames.weightLoc(l), tensorNames.weightScale(l)],
      [bias, tensorNames.biasLoc(l), tensorNames.biasScale(l)],
    ] as const) {
      const guideSite = sites.get(site) as GuideSite;
      modelTensors.set(locName, guideSite.loc);
      modelTensors.set(scaleName, guideSite.scale);
    }
    return {
      units: info.dims[l + 1] as number,
      activation: isLast ? 'identity' : info.activation,
      leakySlope: DEFAULT_LEAKY_SLOPE,
      dropout: info.dropouts[l] as number,
      batchNorm: false,
      weight: { site: weight, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: info.weightPriorScales[l] as number } },
      bias: { site: bias, posterior: 'normal', prior: { kind: 'normal', loc: 0, scale: info.biasPriorScales[l] as number } },
    };
  });

  const model: Model = {
    spec: {
      inputDim: info.dims[0] as number,
      layers,
      likelihood: info.noise ? normalLikelihood(info.noise, info.sigmaSquared, guide, sites, modelTensors) : (info.likelihood as Exclude<PyroLikelihood, { kind: 'normal' }>),
      standardization: null,
    },
    tensors: modelTensors,
  };
  validateModel(model);
  return model;
}
