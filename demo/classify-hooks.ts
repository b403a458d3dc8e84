/**
 * `window.__bnnClassify`: the classification page's surface for tests and the console (as
 * window.__bnn is the regression page's, hooks.ts). State fields are replaced, never mutated in
 * place, and hold plain values so they cross page.evaluate unchanged.
 *
 *   status        'starting' | 'ready' | 'busy' | 'no-webgpu' | 'error'
 *   error         last error message shown on the page, or null
 *   adapter       the adapter (vendor, architecture, ...), or null
 *   model         { name, format, architecture, classes, members } of the current model, or null
 *   classes       K: the classes the data and a trained model have
 *   points        number of points; counts: points per class [K]
 *   view          the plane shown: { xMin, xMax, yMin, yMax }
 *   predictCount  completed map predictions (wait for it to grow after an action)
 *   lastPredict   the last map prediction: { grid (cells per side), samples, classes, ms,
 *                 entropyMax / miMax (the heat maps' scale tops), entropyRange / miRange ([min,
 *                 max] over the grid) }, or null
 *   train         the train panel's status (train-panel.ts TrainStatus), or null
 *   probe         the probabilities last shown under the cursor (class-grid.ts Probe), or null
 *   ready         resolves once the page has started (with or without WebGPU)
 *
 *   loadModel(id | url)         loads the built-in classifier ('pyro-blobs3', with its training
 *                               points) or a model URL relative to the page, then predicts
 *   runTraining(method?, epochs?) runs the train panel as if Train was clicked ('ensemble', 'vi',
 *                               'mc-dropout', 'map', with that method's defaults); resolves when
 *                               the run ends (done and predicted, stopped or failed)
 *   stopTraining()              clicks Stop
 *   probeAt(x, y)               the prediction at a point of the plane, from the last grid prediction
 *   pixelAt(map, x, y)          RGBA of a map's canvas ('regions' | 'entropy' | 'mi') at a point of the plane
 *   canvasPoint(map, x, y)      where a point of the plane is on that canvas, in CSS pixels from its top left
 */
import type { AdapterSummary } from './adapter-info.js';
import type { View } from './class-data.js';
import type { Probe } from './class-grid.js';
import type { MapName } from './class-maps.js';
import type { ModelFormat } from './model-loading.js';
import type { TrainStatus } from './train-panel.js';

export type ClassifyStatus = 'starting' | 'ready' | 'busy' | 'no-webgpu' | 'error';

export interface ClassifierSummary {
  readonly name: string;
  readonly format: ModelFormat;
  readonly architecture: string;
  readonly classes: number;
  /** 1, or the ensemble's size. */
  readonly members: number;
}

export interface MapPrediction {
  readonly grid: number;
  readonly samples: number;
  readonly classes: number;
  readonly ms: number;
  readonly entropyMax: number;
  readonly miMax: number;
  readonly entropyRange: readonly [number, number];
  readonly miRange: readonly [number, number];
}

export interface ClassifyHooks {
  status: ClassifyStatus;
  error: string | null;
  adapter: AdapterSummary | null;
  model: ClassifierSummary | null;
  classes: number;
  points: number;
  counts: number[];
  view: View;
  predictCount: number;
  lastPredict: MapPrediction | null;
  train: TrainStatus | null;
  probe: Probe | null;
  ready: Promise<void>;
  loadModel(idOrUrl: string): Promise<ClassifierSummary>;
  runTraining(method?: string, epochs?: number): Promise<void>;
  stopTraining(): void;
  probeAt(x: number, y: number): Probe | null;
  pixelAt(map: MapName, x: number, y: number): [number, number, number, number] | null;
  canvasPoint(map: MapName, x: number, y: number): [number, number];
}

declare global {
  interface Window {
    __bnnClassify?: ClassifyHooks;
  }
}

export function installClassifyHooks(hooks: ClassifyHooks): ClassifyHooks {
  window.__bnnClassify = hooks;
  return hooks;
}
