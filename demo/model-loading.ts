/**
 * Loading models in the page: the built-in models (bundled with the page by Vite, or served next to
 * it, see vite.config.ts) or a file the user picks. The library's loaders read our webgpu-bnn
 * safetensors (one model or a deep ensemble, as `train --method ensemble` or this page's Save button
 * writes it) and Pyro AutoNormal exports. Built-in models bring their training data.
 */
import { FORMAT_NAME, ensembleFromBytes, isEnsembleMetadata, likelihoodKind, parseSafetensors, scaleLikelihood, type Model } from '../src/index.js';
// The shipped demo model and its data (scripts/train-demo-model.ts): Vite emits the model as an
// asset (its URL here) and inlines the 80-point CSV, so the page needs no server configuration.
import toy1dEnsembleUrl from '../models/toy1d-ensemble.safetensors?url';
import toy1dGapCsv from '../data/toy1d-gap.csv?raw';
import { parseCsv } from './csv.js';
import { pointsFromFixtureJson, type Points } from './data.js';

export type ModelFormat = 'webgpu-bnn' | 'webgpu-bnn-ensemble' | 'pyro-autonormal' | 'trained';

export interface LoadedModel {
  /** The model, or an ensemble's first member (its architecture and noise model). */
  readonly model: Model;
  /** Every member: [model] for one model, M for a deep ensemble (predicted as their mixture). */
  readonly members: readonly Model[];
  readonly name: string;
  readonly format: ModelFormat;
  /** Training data that came with the model (a built-in model's), if any. */
  readonly points: Points | null;
  /** What a built-in model is for, shown with it. */
  readonly note?: string;
}

/** A built-in model's training data: a Pyro fixture's JSON (a URL relative to the page), or x,y CSV text. */
export type BuiltinData = { readonly fixtureJsonUrl: string } | { readonly csvText: string };

export interface BuiltinModel {
  readonly id: string;
  readonly label: string;
  /** Relative to the page (or absolute). */
  readonly url: string;
  readonly data: BuiltinData | null;
  readonly note: string;
}

/** The model the page opens on (URL parameter `model`, default this). */
export const DEFAULT_MODEL_ID = 'toy1d-ensemble';

export const BUILTIN_MODELS: readonly BuiltinModel[] = [
  {
    id: 'toy1d-ensemble',
    label: 'Deep ensemble (gap data)',
    url: toy1dEnsembleUrl,
    data: { csvText: toy1dGapCsv },
    note: 'Trained by webgpu-bnn (scripts/train-demo-model.ts) on sin(2x) with a gap: the members agree on the data and disagree in the gap and beyond ±2.',
  },
  {
    id: 'pyro-toy1d',
    label: 'Pyro toy1d',
    url: 'models/pyro-toy1d.safetensors',
    data: { fixtureJsonUrl: 'fixtures/pyro/toy1d.json' },
    note: "The Pyro import example, predicted exactly as Pyro would: Pyro's SVI left this model underfit (its mean is nearly flat), so its band covers the data with noise.",
  },
  {
    id: 'native-toy1d',
    label: 'toy1d (webgpu-bnn format)',
    url: 'models/toy1d-native.safetensors',
    data: { fixtureJsonUrl: 'fixtures/pyro/toy1d.json' },
    note: 'The Pyro toy1d model converted to the webgpu-bnn format: the same predictions.',
  },
  {
    id: 'pyro-seedquirk',
    label: 'Pyro seedquirk (tanh, dropout)',
    url: 'fixtures/pyro/seedquirk.safetensors',
    data: { fixtureJsonUrl: 'fixtures/pyro/seedquirk.json' },
    note: 'A Pyro test fixture: tanh layers, dropout and a σ² link.',
  },
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

/** Fetches and loads a model by URL relative to the page. */
export async function loadModelUrl(url: string, name = url, points: Points | null = null): Promise<LoadedModel> {
  const response = await fetch(pageUrl(url));
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return fromBytes(new Uint8Array(await response.arrayBuffer()), name, points);
}

/** The first two columns of x,y CSV text as points. */
function pointsFromCsv(text: string): Points {
  const { rows } = parseCsv(text);
  return { x: rows.map((r) => r[0] ?? NaN), y: rows.map((r) => r[1] ?? NaN) };
}

async function builtinPoints(data: BuiltinData | null): Promise<Points | null> {
  if (!data) return null;
  if ('csvText' in data) return pointsFromCsv(data.csvText);
  const response = await fetch(pageUrl(data.fixtureJsonUrl));
  return response.ok ? pointsFromFixtureJson(await response.json()) : null;
}

export async function loadBuiltin(id: string): Promise<LoadedModel> {
  const entry = BUILTIN_MODELS.find((m) => m.id === id);
  if (!entry) throw new Error(`no built-in model '${id}'`);
  return { ...(await loadModelUrl(entry.url, entry.label, await builtinPoints(entry.data))), note: entry.note };
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
    const extras = [l === last && layer.activation === 'identity' ? '' : layer.activation, layer.dropout > 0 ? `dropout ${layer.dropout}` : ''].filter((s) => s !== '');
    return [String(layer.units), ...extras].join(' ');
  });
  return [String(spec.inputDim), ...parts].join(' → ');
}

export function describeModel(loaded: LoadedModel): string {
  const { spec } = loaded.model;
  const noise = scaleLikelihood(spec.likelihood)?.noise;
  const noiseText = !noise
    ? `${likelihoodKind(spec.likelihood)} likelihood`
    : noise.kind === 'fixed'
      ? `fixed σ = ${noise.sigma.toPrecision(3)}`
      : noise.kind === 'heteroscedastic'
        ? 'heteroscedastic σ(x)'
        : `latent σ (${noise.kind} posterior)`;
  const posterior = spec.layers.some((l) => l.weight.posterior === 'normal') ? 'mean-field normal weights' : 'point weights';
  const formatText = loaded.format === 'trained' ? 'trained in this page' : `${loaded.format} file`;
  // A model trained in the page is named by its method (an ensemble's members, a sampler's samples, a posterior's draws).
  const members = loaded.format === 'trained' ? `${loaded.members.length} members × ` : `deep ensemble of ${loaded.members.length} × `;
  const ensemble = loaded.members.length > 1 ? members : '';
  const summary = `${loaded.name}: ${ensemble}${architecture(loaded.model)}; ${posterior}; ${noiseText}; ${formatText}.`;
  return loaded.note ? `${summary} ${loaded.note}` : summary;
}
