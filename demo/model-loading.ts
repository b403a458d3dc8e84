/**
 * Loading models in the page: the built-in files served next to the page (see vite.config.ts) or a
 * file the user picks. The library's loaders read our webgpu-bnn safetensors (one model or a deep
 * ensemble, as `train --method ensemble` or this page's Save button writes it) and Pyro AutoNormal
 * exports. The Pyro fixtures also bring their training data (their JSON).
 */
import { FORMAT_NAME, ensembleFromBytes, isEnsembleMetadata, parseSafetensors, type Model } from '../src/index.js';
import { pointsFromFixtureJson, type Points } from './data.js';

export type ModelFormat = 'webgpu-bnn' | 'webgpu-bnn-ensemble' | 'pyro-autonormal' | 'trained';

export interface LoadedModel {
  /** The model, or an ensemble's first member (its architecture and noise model). */
  readonly model: Model;
  /** Every member: [model] for one model, M for a deep ensemble (predicted as their mixture). */
  readonly members: readonly Model[];
  readonly name: string;
  readonly format: ModelFormat;
  /** Training data that came with the model (the Pyro fixtures' JSON), if any. */
  readonly points: Points | null;
}

export interface BuiltinModel {
  readonly id: string;
  readonly label: string;
  /** Relative to the page. */
  readonly url: string;
  readonly dataUrl: string | null;
}

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  { id: 'pyro-toy1d', label: 'Pyro toy1d', url: 'models/pyro-toy1d.safetensors', dataUrl: 'fixtures/pyro/toy1d.json' },
  { id: 'native-toy1d', label: 'toy1d (webgpu-bnn format)', url: 'models/toy1d-native.safetensors', dataUrl: 'fixtures/pyro/toy1d.json' },
  { id: 'pyro-seedquirk', label: 'Pyro seedquirk (tanh, dropout)', url: 'fixtures/pyro/seedquirk.safetensors', dataUrl: 'fixtures/pyro/seedquirk.json' },
];

/** The file's format from its metadata (the loader has already accepted it). */
function formatOf(bytes: Uint8Array): ModelFormat {
  const { metadata } = parseSafetensors(bytes);
  if (isEnsembleMetadata(metadata)) return 'webgpu-bnn-ensemble';
  return metadata['format'] === FORMAT_NAME ? 'webgpu-bnn' : 'pyro-autonormal';
}

/** A file's members and format (the loader has checked every member). */
function fromBytes(bytes: Uint8Array, name: string, points: Points | null): LoadedModel {
  const members = ensembleFromBytes(bytes);
  return { model: members[0] as Model, members, name, format: formatOf(bytes), points };
}

function pageUrl(relative: string): URL {
  return new URL(relative, document.baseURI);
}

/** Fetches and loads a model (and its data) by URL relative to the page. */
export async function loadModelUrl(url: string, name = url, dataUrl: string | null = null): Promise<LoadedModel> {
  const response = await fetch(pageUrl(url));
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  let points: Points | null = null;
  if (dataUrl) {
    const data = await fetch(pageUrl(dataUrl));
    if (data.ok) points = pointsFromFixtureJson(await data.json());
  }
  return fromBytes(bytes, name, points);
}

export function loadBuiltin(id: string): Promise<LoadedModel> {
  const entry = BUILTIN_MODELS.find((m) => m.id === id);
  if (!entry) throw new Error(`no built-in model '${id}'`);
  return loadModelUrl(entry.url, entry.label, entry.dataUrl);
}

/** A file from an <input type=file>. */
export async function loadModelFile(file: File): Promise<LoadedModel> {
  return fromBytes(new Uint8Array(await file.arrayBuffer()), file.name, null);
}

/** '1 → 32 relu → 32 relu → 1' */
export function architecture(model: Model): string {
  const { spec } = model;
  const last = spec.layers.length - 1;
  const parts = spec.layers.map((layer, l) => {
    const extras = [
      l === last && layer.activation === 'identity' ? '' : layer.activation,
      layer.dropout > 0 ? `dropout ${layer.dropout}` : '',
    ].filter((s) => s !== '');
    return [String(layer.units), ...extras].join(' ');
  });
  return [String(spec.inputDim), ...parts].join(' → ');
}

export function describeModel(loaded: LoadedModel): string {
  const { spec } = loaded.model;
  const noise = spec.likelihood.noise;
  const noiseText =
    noise.kind === 'fixed'
      ? `fixed σ = ${noise.sigma.toPrecision(3)}`
      : noise.kind === 'heteroscedastic'
        ? 'heteroscedastic σ(x)'
        : `latent σ (${noise.kind} posterior)`;
  const posterior = spec.layers.some((l) => l.weight.posterior === 'normal') ? 'mean-field normal weights' : 'point weights';
  const formatText = loaded.format === 'trained' ? 'trained in this page' : `${loaded.format} file`;
  const ensemble = loaded.members.length > 1 ? `deep ensemble of ${loaded.members.length} × ` : '';
  return `${loaded.name}: ${ensemble}${architecture(loaded.model)}; ${posterior}; ${noiseText}; ${formatText}`;
}
