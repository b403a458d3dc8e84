/**
 * The classification page's models: the built-in Pyro blobs3 classifier (a real Pyro 1.8.6 BNN,
 * served next to the page with its training data, see vite.config.ts), a file the user picks, or
 * one trained in the page; and how the page describes a classifier. The loaders are the regression
 * page's (model-loading.ts): the library reads both formats and every likelihood.
 */
import { likelihoodKind } from '../src/index.js';
import type { LabelledPoints } from './class-data.js';
import { labelledPointsFromFixtureJson } from './class-data.js';
import { architecture, loadModelUrl, type LoadedModel } from './model-loading.js';

export interface BuiltinClassifier {
  readonly id: string;
  readonly label: string;
  /** Relative to the page. */
  readonly url: string;
  /** The fixture's JSON with its training points (`train_x`, `train_y`). */
  readonly dataUrl: string;
  readonly note: string;
}

export const BUILTIN_CLASSIFIERS: readonly BuiltinClassifier[] = [
  {
    id: 'pyro-blobs3',
    label: 'Pyro blobs3 classifier',
    url: 'fixtures/pyro/blobs3.safetensors',
    dataUrl: 'fixtures/pyro/blobs3.json',
    note: "A Pyro 1.8.6 BNN (2-32-32-3 tanh, AutoNormal guide, obs ~ Categorical(logits = f(x))) trained by SVI on 300 points of three blobs: predicted as Pyro's Predictive would.",
  },
];

/** A classifier and the points it was trained on, when they came with it. */
export interface LoadedClassifier {
  readonly loaded: LoadedModel;
  readonly points: LabelledPoints | null;
}

/** K of a categorical model; throws for every other likelihood (the maps need class probabilities). */
export function classesOf(loaded: LoadedModel): number {
  const likelihood = loaded.model.spec.likelihood;
  if (likelihood.kind !== 'categorical') {
    throw new Error(`${loaded.name} is a '${likelihoodKind(likelihood)}' model: this page shows categorical classifiers (the regression page shows the others)`);
  }
  return likelihood.classes;
}

/** Checks the model takes the plane's two coordinates. */
export function checkTwoInputs(loaded: LoadedModel): void {
  const inputs = loaded.model.spec.inputDim;
  if (inputs !== 2) throw new Error(`${loaded.name} takes ${inputs} inputs: the maps are of a plane (2 inputs)`);
}

export async function loadBuiltinClassifier(id: string): Promise<LoadedClassifier> {
  const entry = BUILTIN_CLASSIFIERS.find((m) => m.id === id);
  if (!entry) throw new Error(`no built-in classifier '${id}'`);
  const loaded = { ...(await loadModelUrl(entry.url, entry.label)), note: entry.note };
  const response = await fetch(new URL(entry.dataUrl, document.baseURI));
  const points = response.ok ? labelledPointsFromFixtureJson(await response.json()) : null;
  return { loaded, points };
}

/** 'name: deep ensemble of 5 × 2 → 32 relu → 32 relu → 3; 3 classes (softmax); point weights; trained in this page.' */
export function describeClassifier(loaded: LoadedModel): string {
  const { spec } = loaded.model;
  const posterior = spec.layers.some((l) => l.weight.posterior === 'normal')
    ? 'mean-field normal weights'
    : spec.layers.some((l) => l.dropout > 0)
      ? 'MC dropout'
      : 'point weights';
  const formatText = loaded.format === 'trained' ? 'trained in this page' : `${loaded.format} file`;
  const ensemble = loaded.members.length > 1 ? `deep ensemble of ${loaded.members.length} × ` : '';
  const classes = spec.likelihood.kind === 'categorical' ? `${spec.likelihood.classes} classes (softmax)` : likelihoodKind(spec.likelihood);
  const summary = `${loaded.name}: ${ensemble}${architecture(loaded.model)}; ${classes}; ${posterior}; ${formatText}.`;
  return loaded.note ? `${summary} ${loaded.note}` : summary;
}
