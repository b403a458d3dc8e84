/**
 * `window.__bnn`: a small, documented surface for tests and for poking at the demo from the
 * console. State fields are replaced (never mutated in place) as the page changes; arrays are plain
 * number arrays so they cross page.evaluate unchanged.
 *
 *   status        'starting' | 'ready' | 'busy' | 'no-webgpu' | 'error'
 *   error         last error message shown on the page, or null
 *   adapter       the adapter (vendor, architecture, ..., timestampQuery, cpuFallback), or null
 *   model         { name, format, architecture, inputDim, members } of the current model, or null
 *   points        number of data points on the chart
 *   predictCount  completed chart predictions (wait for it to grow after an action)
 *   lastPredict   the last chart prediction: x grid, S, seed, options, wall ms, and the statistics
 *                 (output 0) mean, std, epistemicStd, aleatoricStd, lower, upper; functions drawn
 *   chart         { series, bands, functions, points, gridPoints, yRange } of the uPlot chart
 *   train         { state: 'idle' | 'running' | 'done' | 'stopped' | 'error', method, losses (mean
 *                 loss per epoch so far), epochs (asked for), elapsedMs, etaMs (time left while
 *                 running), error ('name: message') }
 *   csv           { rows, hasY, meanLogPredictiveDensity } of the last CSV prediction, or null
 *   compare       the side-by-side comparison (compare-view.ts): { state: 'idle' | 'running' | 'done' |
 *                 'error', methods, gapCentre (middle of the widest gap in the points' x), sides
 *                 (left, right: method, name, members, settings, trainMs, finalLoss, and on the
 *                 grid x, mean, std, epistemicStd, the drawn function samples, chart state), error }
 *   ready         resolves once the page has started (with or without WebGPU)
 *
 *   loadModel(id | url)         loads a built-in model by id ('toy1d-ensemble', the default;
 *                               'pyro-toy1d', 'native-toy1d', 'pyro-seedquirk') or a URL relative
 *                               to the page, then predicts
 *   predict(x, options)         predicts on rows x with the current model, without touching the
 *                               chart: every statistic as plain arrays ([N·D] row-major), and ms
 *   pixelAt(x, y)               RGBA of the chart canvas at data coordinates
 *   bandsAt(x)                  the bands drawn at the chart's grid point nearest x: { x, epistemic
 *                               (width of mean ± z·σ_epi), total (width of mean ± z·σ_total) }, or
 *                               null without a prediction
 *   runTraining(method?, epochs?) runs the train panel as if its button was clicked, with that
 *                               method's defaults (default: the method selected) and epochs;
 *                               resolves when the run ends (done and predicted, stopped or failed)
 *   stopTraining()              clicks Stop: the run ends after the current epoch
 *   runComparison(methods?)     trains and draws two methods side by side ('hmc,vi'; default the
 *                               button's pair) on the chart's points; resolves when done or failed
 *                               (rejects only for a malformed `methods`)
 */
import type { PredictOptions } from '../src/index.js';
import type { AdapterSummary } from './adapter-info.js';
import type { BandWidths, ChartState } from './chart.js';
import type { ComparisonStatus } from './compare-view.js';
import type { ModelFormat } from './model-loading.js';
import type { TrainStatus } from './train-panel.js';

export type PageStatus = 'starting' | 'ready' | 'busy' | 'no-webgpu' | 'error';

export interface PlainPrediction {
  readonly n: number;
  readonly outputDim: number;
  readonly samples: number;
  readonly mean: number[];
  readonly std: number[];
  readonly epistemicStd: number[];
  readonly aleatoricStd: number[];
  readonly lower: number[];
  readonly upper: number[];
  readonly logPredictiveDensity: number[] | null;
  readonly ms: number;
}

export interface LastPredict extends PlainPrediction {
  readonly x: number[];
  readonly seed: number;
  readonly options: PredictOptions;
  readonly functions: number;
}

export interface ModelSummary {
  readonly name: string;
  readonly format: ModelFormat;
  readonly architecture: string;
  readonly inputDim: number;
  /** 1, or the ensemble's size. */
  readonly members: number;
}

export interface CsvSummary {
  readonly rows: number;
  readonly hasY: boolean;
  readonly meanLogPredictiveDensity: number | null;
}

export interface BnnHooks {
  status: PageStatus;
  error: string | null;
  adapter: AdapterSummary | null;
  model: ModelSummary | null;
  points: number;
  predictCount: number;
  lastPredict: LastPredict | null;
  chart: ChartState | null;
  train: TrainStatus | null;
  csv: CsvSummary | null;
  compare: ComparisonStatus | null;
  ready: Promise<void>;
  loadModel(idOrUrl: string): Promise<ModelSummary>;
  predict(x: number[][], options?: Omit<PredictOptions, 'returnSamples'>): Promise<PlainPrediction>;
  pixelAt(x: number, y: number): [number, number, number, number] | null;
  bandsAt(x: number): BandWidths | null;
  runTraining(method?: string, epochs?: number): Promise<void>;
  stopTraining(): void;
  runComparison(methods?: string): Promise<void>;
}

declare global {
  interface Window {
    __bnn?: BnnHooks;
  }
}

export function installHooks(hooks: BnnHooks): BnnHooks {
  window.__bnn = hooks;
  return hooks;
}
