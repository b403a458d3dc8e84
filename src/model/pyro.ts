/**
 * Reads a Pyro AutoNormal export (see test/fixtures/pyro/README.md): the guide's param store as
 * tensors `AutoNormal.locs.<site>` / `AutoNormal.scales.<site>`, and the model's structure as JSON in
 * `__metadata__.model` (dims, activation, weight_prior_scale, dropout, sigma_prior,
 * scale_is_sigma_squared).
 *
 * Pyro names a layer's sites after the module path, which depends on how the network was built
 * (Pyro 1.8.6 with a PyroModule[nn.ModuleList] gives '0.weight' for hidden layers but
 * 'layers.2.weight' for the last). So the layer index is parsed from the number before
 * `.weight`/`.bias` rather than from a fixed prefix, and the exact site names are kept in the spec.
 */
import { ModelFormatError, preview } from '../errors.js';
import { quoteName, quoteNames } from './names.js';
import {
  ACTIVATIONS,
  MAX_LAYERS,
  type Activation,
  type GammaPrior,
  type LayerSpec,
  type Model,
  type Tensor,
  tensorNames,
} from './spec.js';
import { parseJsonStrict, previewJson } from './strict-json.js';
import { DEFAULT_LEAKY_SLOPE, JsonReader, SCALAR_SHAPE, validateModel } from './validate.js';

export const AUTONORMAL_LOCS_PREFIX = 'AutoNormal.locs.';
export const AUTONORMAL_SCALES_PREFIX = 'AutoNormal.scales.';
/** Pyro's name of the observation-noise site. */
export const PYRO_SIGMA_SITE = 'sigma';

const LAYER_SITE = /(?:^|\.)(\d+)\.(weight|bias)$/;

const pyroJson = new JsonReader('Pyro model metadata');

function fail(message: string): never {
  throw new ModelFormatError(`Pyro AutoNormal export: ${message}`);
}

/** The model description Pyro's exporter writes into `__metadata__.model`. */
interface PyroModelInfo {
  readonly dims: readonly number[];
  readonly activation: Activation;
  readonly weightPriorScale: number;
  readonly dropout: number;
  readonly sigmaPrior: GammaPrior | null;
  readonly sigmaSquared: boolean;
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

/** Whether a safetensors file looks like a Pyro AutoNormal export (by metadata or by tensor names). */
export function isPyroAutoNormal(
  metadata: Readonly<Record<string, string>>,
  tensors: ReadonlyMap<string, unknown>,
): boolean {
  const model = modelMetadataIfJson(metadata);
  if (typeof model === 'object' && model !== null && (model as Record<string, unknown>)['guide'] === 'AutoNormal') {
    return true;
  }
  return [...tensors.keys()].some((name) => name.startsWith(AUTONORMAL_LOCS_PREFIX));
}

function readPyroModelInfo(metadata: Readonly<Record<string, string>>): PyroModelInfo {
  const text = metadata['model'];
  if (text === undefined) {
    fail('__metadata__.model is missing; it must be JSON with dims, activation, weight_prior_scale, ...');
  }
  const info = pyroJson.object(modelMetadataJson(text), 'model');
  const guide = info['guide'];
  if (guide !== undefined && guide !== 'AutoNormal') {
    fail(`guide ${previewJson(guide)} is not supported (only AutoNormal)`);
  }
  const dims = pyroJson.numbers(info['dims'], 'dims');
  if (dims.length < 2) fail(`dims ${previewJson(dims)} must list the input size and at least one layer`);
  if (dims.length - 1 > MAX_LAYERS) {
    fail(`dims ${previewJson(dims)} give ${dims.length - 1} layers, more than MAX_LAYERS = ${MAX_LAYERS} (each layer compiles its own GPU pipelines)`);
  }
  const sigmaPrior = pyroJson.optional(info['sigma_prior'], null, (v) => {
    const pair = pyroJson.numbers(v, 'sigma_prior');
    const [concentration, rate] = pair;
    if (pair.length !== 2 || concentration === undefined || rate === undefined) {
      fail(`sigma_prior must be [concentration, rate], got ${previewJson(pair)}`);
    }
    return { concentration, rate };
  });
  return {
    dims,
    activation: pyroJson.oneOf(info['activation'], 'activation', ACTIVATIONS),
    weightPriorScale: pyroJson.number(info['weight_prior_scale'], 'weight_prior_scale'),
    dropout: pyroJson.optional(info['dropout'], 0, (v) => pyroJson.number(v, 'dropout')),
    sigmaPrior,
    sigmaSquared: pyroJson.optional(info['scale_is_sigma_squared'], false, (v) =>
      pyroJson.boolean(v, 'scale_is_sigma_squared'),
    ),
  };
}

/** A latent site's guide parameters. */
interface GuideSite {
  readonly loc: Tensor;
  readonly scale: Tensor;
}

/** Groups the tensors by site; every site needs both a loc and a scale, and nothing else is allowed. */
function readGuideSites(tensors: ReadonlyMap<string, Tensor>): Map<string, GuideSite> {
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

/** Site names of each layer's weight and bias, in layer order; exactly one of each per layer. */
function assignLayerSites(sites: Iterable<string>, layerCount: number): { weight: string; bias: string }[] {
  const found = Array.from({ length: layerCount }, () => ({ weight: [] as string[], bias: [] as string[] }));
  for (const site of sites) {
    if (site === PYRO_SIGMA_SITE) continue;
    const match = LAYER_SITE.exec(site);
    if (!match) fail(`site ${quoteName(site)} is neither a layer's <i>.weight / <i>.bias nor '${PYRO_SIGMA_SITE}'`);
    const index = Number(match[1]);
    const kind = match[2] as 'weight' | 'bias';
    const layer = found[index];
    if (!layer) fail(`site ${quoteName(site)} refers to layer ${match[1]}, but dims give layers 0..${layerCount - 1}`);
    layer[kind].push(site);
  }
  return found.map((layer, l) => {
    const pick = (kind: 'weight' | 'bias'): string => {
      const [site, ...more] = layer[kind];
      if (site === undefined) fail(`layer ${l} has no ${kind} site (expected a site named like '${l}.${kind}')`);
      if (more.length > 0) {
        fail(`layer ${l} has several ${kind} sites: ${quoteNames([site, ...more])}`);
      }
      return site;
    };
    return { weight: pick('weight'), bias: pick('bias') };
  });
}

/** Pyro stores the scalar sigma site with shape []; anything else of one element is reshaped to it. */
function asScalar(tensor: Tensor, name: string): Tensor {
  if (tensor.data.length !== 1) fail(`${name} must be a scalar, got shape [${tensor.shape.join(', ')}]`);
  return { shape: SCALAR_SHAPE, data: tensor.data };
}

/**
 * Builds a validated Model from a Pyro AutoNormal export's metadata and tensors.
 *
 * Every weight and bias gets posterior 'normal' and prior Normal(0, weight_prior_scale); hidden
 * layers use `activation`, the last is identity; dropout p (Pyro's rate on the last hidden layer's
 * output) becomes dropout on the last layer's input; sigma's guide is LogNormal (noise kind
 * 'lognormal', tensors noise.loc / noise.scale of log sigma, shape []).
 */
export function modelFromPyro(metadata: Readonly<Record<string, string>>, tensors: ReadonlyMap<string, Tensor>): Model {
  const info = readPyroModelInfo(metadata);
  const sites = readGuideSites(tensors);
  const layerCount = info.dims.length - 1;
  const layerSites = assignLayerSites(sites.keys(), layerCount);
  const sigma = sites.get(PYRO_SIGMA_SITE);
  if (!sigma) fail(`no '${PYRO_SIGMA_SITE}' site: the observation noise is unknown`);

  const prior = { kind: 'normal', loc: 0, scale: info.weightPriorScale } as const;
  const modelTensors = new Map<string, Tensor>();
  const layers = layerSites.map(({ weight, bias }, l): LayerSpec => {
    const isLast = l === layerCount - 1;
    for (const [site, locName, scaleName] of [
      [weight, tensorNames.weightLoc(l), tensorNames.weightScale(l)],
      [bias, tensorNames.biasLoc(l), tensorNames.biasScale(l)],
    ] as const) {
      const guide = sites.get(site) as GuideSite;
      modelTensors.set(locName, guide.loc);
      modelTensors.set(scaleName, guide.scale);
    }
    return {
      units: info.dims[l + 1] as number,
      activation: isLast ? 'identity' : info.activation,
      leakySlope: DEFAULT_LEAKY_SLOPE,
      dropout: isLast ? info.dropout : 0,
      batchNorm: false,
      weight: { site: weight, posterior: 'normal', prior },
      bias: { site: bias, posterior: 'normal', prior },
    };
  });
  modelTensors.set(tensorNames.noiseLoc, asScalar(sigma.loc, `${AUTONORMAL_LOCS_PREFIX}${PYRO_SIGMA_SITE}`));
  modelTensors.set(tensorNames.noiseScale, asScalar(sigma.scale, `${AUTONORMAL_SCALES_PREFIX}${PYRO_SIGMA_SITE}`));

  const model: Model = {
    spec: {
      inputDim: info.dims[0] as number,
      layers,
      likelihood: {
        noise: { kind: 'lognormal', site: PYRO_SIGMA_SITE },
        link: info.sigmaSquared ? 'sigma2' : 'sigma',
        sigmaPrior: info.sigmaPrior,
      },
      standardization: null,
    },
    tensors: modelTensors,
  };
  validateModel(model);
  return model;
}
