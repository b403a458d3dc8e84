/** The classification page's elements, looked up once by id (classify.html): a missing one fails loudly at start. */
import { byId } from './dom.js';

export const classifyUi = {
  status: byId<HTMLElement>('status'),
  missing: byId<HTMLElement>('webgpu-missing'),
  adapter: byId<HTMLElement>('adapter'),
  throughput: byId<HTMLElement>('throughput'),
  preset: byId<HTMLSelectElement>('preset'),
  classes: byId<HTMLSelectElement>('classes'),
  classPicker: byId<HTMLElement>('class-picker'),
  clearPoints: byId<HTMLButtonElement>('clear-points'),
  showPoints: byId<HTMLInputElement>('show-points'),
  pointCount: byId<HTMLElement>('point-count'),
  builtinModels: byId<HTMLElement>('builtin-models'),
  modelFile: byId<HTMLInputElement>('model-file'),
  modelInfo: byId<HTMLElement>('model-info'),
  modelError: byId<HTMLElement>('model-error'),
  samples: byId<HTMLInputElement>('samples'),
  seed: byId<HTMLInputElement>('seed'),
  grid: byId<HTMLInputElement>('grid'),
  predictButton: byId<HTMLButtonElement>('predict-btn'),
  predictError: byId<HTMLElement>('predict-error'),
  maps: {
    regions: byId<HTMLElement>('map-regions'),
    entropy: byId<HTMLElement>('map-entropy'),
    mi: byId<HTMLElement>('map-mi'),
  },
  legends: {
    regions: byId<HTMLElement>('legend-regions'),
    entropy: byId<HTMLElement>('legend-entropy'),
    mi: byId<HTMLElement>('legend-mi'),
  },
  probe: byId<HTMLElement>('probe'),
  mapsNote: byId<HTMLElement>('maps-note'),
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

export type ClassifyUi = typeof classifyUi;
