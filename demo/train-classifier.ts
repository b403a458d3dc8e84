/**
 * Training the classification page's model: the library's `train(ctx, arch, data, options)` with
 * a categorical likelihood (softmax of K logits) on the labelled 2-D points, with the page's
 * defaults per method; `classifierTrainer` hands it to the train panel (train-panel.ts).
 */
import type { GpuContext } from '../src/index.js';
import { train } from '../src/train/index.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../src/train/index.js';
import type { LabelledPoints } from './class-data.js';
import { lossRecorder, yieldToPage, type EpochProgress, type MethodDefaults, type PanelRequest, type PanelTrainer, type TrainOutcome } from './train-panel.js';

/** The methods the classification page offers: MAP (one point network: no epistemic part) to compare with the three Bayesian ones. */
export type ClassifierTrainMethod = Extract<TrainMethod, 'ensemble' | 'vi' | 'mc-dropout' | 'map'>;

export interface ClassifierTrainRequest extends PanelRequest<ClassifierTrainMethod> {
  readonly points: LabelledPoints;
  /** K: labels are 0..K-1. */
  readonly classes: number;
  /** Ensemble members (default 5). */
  readonly members?: number;
}

/** A deep ensemble: its members agree on the data and disagree away from it, which is what the mutual-information map shows best. */
export const CLASSIFIER_DEFAULT_METHOD: ClassifierTrainMethod = 'ensemble';

/**
 * Panel defaults per method for the presets (about 120 points: 4 minibatches per epoch), sized
 * for a CPU-emulated GPU (SwiftShader): a few hundred Adam steps fit the blobs; the moons and
 * spirals want more epochs.
 */
export const CLASSIFIER_DEFAULTS: Readonly<Record<ClassifierTrainMethod, MethodDefaults>> = {
  ensemble: { hidden: '32,32', epochs: 100, lr: 0.01 },
  vi: { hidden: '32', epochs: 300, lr: 0.01 },
  'mc-dropout': { hidden: '64,64', epochs: 150, lr: 0.01 },
  map: { hidden: '32,32', epochs: 100, lr: 0.01 },
};

/** Minibatch size (at most). */
export const CLASSIFIER_BATCH_SIZE = 32;

/**
 * MC dropout's rate. The library drops every layer's input, the two coordinates included: a dropped
 * coordinate makes a network see a line instead of a point, which shows as axis-aligned streaks in
 * the maps (stronger at higher rates).
 */
export const CLASSIFIER_DROPOUT_RATE = 0.1;

/**
 * MAP's prior std on the weights: Normal(0, 1), VI's prior, acts on a point estimate as weight
 * decay strong enough that ~100 points cannot bend the boundary around the moons; 5 lets it fit.
 */
export const MAP_PRIOR_SCALE = 5;

/** The page's trainer for the panel: trains on the points and K at the time of the run. */
export function classifierTrainer(points: () => LabelledPoints, classes: () => number): PanelTrainer<ClassifierTrainMethod> {
  return {
    defaultMethod: CLASSIFIER_DEFAULT_METHOD,
    defaults: CLASSIFIER_DEFAULTS,
    note: `Trains a categorical classifier (softmax of K outputs) on the points on the GPU (Adam, minibatches of ${CLASSIFIER_BATCH_SIZE}); the loss curve updates every epoch. Stop ends the run after the current epoch.`,
    train: (ctx, request, onEpoch) => trainClassifier(ctx, { ...request, points: points(), classes: classes() }, onEpoch),
  };
}

/** Checks the points can train a K-class classifier; the library checks again (labels, K), this says it in the page's terms. */
function checkTrainable(points: LabelledPoints, classes: number): void {
  if (points.x.length < 2) throw new Error('add at least 2 points to train on');
  const seen = new Set(points.label);
  if (seen.size < 2) throw new Error('add points of at least 2 classes to train a classifier');
  const outside = points.label.find((l) => !(Number.isInteger(l) && l >= 0 && l < classes));
  if (outside !== undefined) throw new Error(`a point has class ${outside}, outside 0..${classes - 1}`);
}

/** Trains on the points with the page's settings for `method`; onEpoch sees the mean loss of each epoch. */
export async function trainClassifier(
  ctx: GpuContext,
  request: ClassifierTrainRequest,
  onEpoch: (progress: EpochProgress) => void = () => undefined,
): Promise<TrainOutcome<ClassifierTrainMethod>> {
  const { points, classes, method } = request;
  checkTrainable(points, classes);
  const n = points.x.length;
  const arch: ArchitectureSpec = {
    inputDim: 2,
    hidden: request.hidden,
    activation: 'relu',
    ...(method === 'mc-dropout' ? { dropout: CLASSIFIER_DROPOUT_RATE } : {}),
  };
  const data: TrainData = { x: points.x.map(([a, b]) => [a, b]), y: Float64Array.from(points.label) };
  const models =
    method === 'ensemble'
      ? Array.from({ length: request.members ?? 5 }, () => ({})) // members differ by model index
      : method === 'mc-dropout'
        ? [{ dropout: CLASSIFIER_DROPOUT_RATE }]
        : [{ priorScale: method === 'map' ? MAP_PRIOR_SCALE : 1 }];
  const progress = lossRecorder(onEpoch);
  const options: TrainOptions = {
    method,
    likelihood: 'categorical',
    classes,
    epochs: request.epochs,
    batchSize: Math.min(n, CLASSIFIER_BATCH_SIZE),
    lr: request.lr,
    optimizer: 'adam',
    seed: request.seed,
    models,
    ...(method === 'vi' ? { samplesPerStep: 2 } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    onProgress: progress.onProgress,
  };
  await yieldToPage();
  const result = await train(ctx, arch, data, options);
  return { method, models: result.models, losses: progress.losses(result), elapsedMs: result.elapsedMs };
}
