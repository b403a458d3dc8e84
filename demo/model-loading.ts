/**
 * Loading models in the page: the built-in files served next to the page (see vite.config.ts) or a
 * file the user picks. Both formats are read by the library's loader: our webgpu-bnn safetensors
 * and Pyro AutoNormal exports. The Pyro fixtures also bring their training data (their JSON).
 */
import { FORMAT_NAME, loadModel, modelFromBytes, parseSafetensors, type Model } from '../src/index.js';
import { pointsFromFixtureJson, type Points } from './data.js';

export type ModelFormat = 'webgpu-bnn' | 'pyro-autonormal' | 'trained';

export interface LoadedModel {
  readonly model: Model;
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
  return parseSafetensors(bytes).metadata['format'] === FORMAT_NAME ? 'webgpu-bnn' : 'pyro-autonormal';
}

function pageUrl(relative: string): URL {
  return new URL(relative, document.baseURI);
}

/** Fetches and loads a model (and its data) by URL relative to the page. */
export async function loadModelUrl(url: string, name = url, dataUrl: string | null = null): Promise<LoadedModel> {
  const response = await fetch(pageUrl(url));
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const model = await loadModel(bytes);
  let points: Points | null = null;
  if (dataUrl) {
    const data = await fetch(pageUrl(dataUrl));
    if (data.ok) points = pointsFromFixtureJson(await data.json());
  }
  return { model, name, format: formatOf(bytes), points };
}

export function loadBuiltin(id: string): Promise<LoadedModel> {
  const entry = BUILTIN_MODELS.find((m) => m.id === id);
  if (!entry) throw new Error(`no built-in model '${id}'`);
  return loadModelUrl(entry.url, entry.label, entry.dataUrl);
}

/** A file from an <input type=file>. */
export async function loadModelFile(file: File): Promise<LoadedModel> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const model = modelFromBytes(bytes);
  return { model, name: file.name, format: formatOf(bytes), points: null };
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
  return `${loaded.name}: ${architecture(loaded.model)}; ${posterior}; ${noiseText}; ${formatText}`;
}
