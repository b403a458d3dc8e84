/** The demo page's elements, looked up once by id (index.html): a missing one fails loudly at start. */
import { byId } from './dom.js';

/** Every element main.ts and the train panel use. */
export const ui = {
  status: byId<HTMLElement>('status'),
  missing: byId<HTMLElement>('webgpu-missing'),
  adapter: byId<HTMLElement>('adapter'),
  throughput: byId<HTMLElement>('throughput'),
  preset: byId<HTMLSelectElement>('preset'),
  clearPoints: byId<HTMLButtonElement>('clear-points'),
  pointCount: byId<HTMLElement>('point-count'),
  builtinModels: byId<HTMLElement>('builtin-models'),
  modelFile: byId<HTMLInputElement>('model-file'),
  saveModel: byId<HTMLButtonElement>('save-model'),
  modelInfo: byId<HTMLElement>('model-info'),
  modelError: byId<HTMLElement>('model-error'),
  samples: byId<HTMLInputElement>('samples'),
  seed: byId<HTMLInputElement>('seed'),
  grid: byId<HTMLInputElement>('grid'),
  functions: byId<HTMLInputElement>('func-samples'),
  path: byId<HTMLSelectElement>('path'),
  kernel: byId<HTMLSelectElement>('kernel'),
  predictButton: byId<HTMLButtonElement>('predict-btn'),
  predictError: byId<HTMLElement>('predict-error'),
  chart: byId<HTMLElement>('chart'),
  chartLegend: byId<HTMLElement>('chart-legend'),
  chartNote: byId<HTMLElement>('chart-note'),
  csvFile: byId<HTMLInputElement>('csv-file'),
  csvInfo: byId<HTMLElement>('csv-info'),
  csvResults: byId<HTMLElement>('csv-results'),
  csvError: byId<HTMLElement>('csv-error'),
  csvTable: byId<HTMLElement>('csv-table'),
  train: {
    method: byId<HTMLSelectElement>('train-method'),
    epochs: byId<HTMLInputElement>('train-epochs'),
    hidden: byId<HTMLInputElement>('train-hidden'),
    lr: byId<HTMLInputElement>('train-lr'),
    button: byId<HTMLButtonElement>('train-btn'),
    stop: byId<HTMLButtonElement>('train-stop'),
    bar: byId<HTMLProgressElement>('train-bar'),
    progress: byId<HTMLElement>('train-progress'),
    note: byId<HTMLElement>('train-note'),
    lossChart: byId<HTMLElement>('loss-chart'),
  },
};

export type DemoUi = typeof ui;
