/**
 * Training the regression page's model: `trainInPage` runs the library's `train(ctx, arch, data,
 * options)` on the chart's 1-D points with the demo's defaults per method (a Normal likelihood),
 * and `regressionTrainer` hands it to the train panel (train-panel.ts).
 */
import type { GpuContext } from '../src/index.js';
import { train } from '../src/train/index.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions } from '../src/train/index.js';
import type { Points } from './data.js';
import { lossRecorder, yieldToPage, type EpochProgress, type MethodDefaults, type PanelRequest, type PanelTrainer, type TrainOutcome } from './train-panel.js';

/** The methods the demo offers ('map' is in the library too, but has no epistemic uncertainty to show). */
export type DemoTrainMethod = Extract<TrainMethod, 'vi' | 'mc-dropout' | 'ensemble'>;

export interface TrainRequest extends PanelRequest<DemoTrainMethod> {
  readonly points: Points;
  /** Ensemble members (default 5). */
  readonly members?: number;
}

/**
 * The method the panel starts with. A deep ensemble shows what the presets are for: its members
 * agree on the data and disagree in the gap and beyond it, while mean-field VI and MC dropout put
 * their narrowest band in the gap (the "in-between" failure of factorised posteriors; models/README.md
 * has the comparison on the shipped data).
 */
export const DEFAULT_METHOD: DemoTrainMethod = 'ensemble';

/**
 * Panel defaults per method, set when the method changes. VI gets a small network: with ~50 points
 * the KL term of a 1-32-32-1 mean-field posterior outweighs the data and the fit collapses to the
 * prior, while 1-16-1 fits and shows the bands widening away from the data. The ensemble's 200
 * epochs (600 Adam steps) fit the presets and take about 10 s on SwiftShader.
 */
export const METHOD_DEFAULTS: Readonly<Record<DemoTrainMethod, MethodDefaults>> = {
  ensemble: { hidden: '32,32', epochs: 200, lr: 0.01 },
  vi: { hidden: '16', epochs: 600, lr: 0.01 },
  'mc-dropout': { hidden: '32,32', epochs: 300, lr: 0.01 },
};

/** Minibatch size (at most): 48 points make 3 steps per epoch. */
export const BATCH_SIZE = 16;

export const MC_DROPOUT_RATE = 0.1;
/** Model precision for MC dropout: sigma = 1/sqrt(tau) = 0.2 in y's units. */
export const MC_DROPOUT_TAU = 25;

/** The regression page's trainer for the panel: trains on the chart's points at the time of the run. */
export function regressionTrainer(points: () => Points): PanelTrainer<DemoTrainMethod> {
  return {
    defaultMethod: DEFAULT_METHOD,
    defaults: METHOD_DEFAULTS,
    note: `Trains on the points in the chart on the GPU (Adam, minibatches of ${BATCH_SIZE}); the loss curve updates every epoch. Stop ends the run after the current epoch.`,
    train: (ctx, request, onEpoch) => trainInPage(ctx, { ...request, points: points() }, onEpoch),
  };
}

/** Trains on the points with the demo's settings for `method`; onEpoch sees the mean loss of each epoch. */
export async function trainInPage(ctx: GpuContext, request: TrainRequest, onEpoch: (progress: EpochProgress) => void = () => undefined): Promise<TrainOutcome<DemoTrainMethod>> {
  const n = request.points.x.length;
  if (n < 2) throw new Error('add at least 2 points to train on');
  const arch: ArchitectureSpec = {
    inputDim: 1,
    hidden: request.hidden,
    activation: 'relu',
    ...(request.method === 'mc-dropout' ? { dropout: MC_DROPOUT_RATE } : {}),
  };
  const data: TrainData = { x: request.points.x.map((v) => [v]), y: Float64Array.from(request.points.y) };
  const members = request.method === 'ensemble' ? (request.members ?? 5) : 1;
  const models =
    request.method === 'ensemble'
      ? Array.from({ length: members }, () => ({})) // members differ by model index
      : request.method === 'mc-dropout'
        ? [{ dropout: MC_DROPOUT_RATE, tau: MC_DROPOUT_TAU }]
        : [{ priorScale: 1 }];
  const progress = lossRecorder(onEpoch);
  const options: TrainOptions = {
    method: request.method,
    epochs: request.epochs,
    batchSize: Math.min(n, BATCH_SIZE),
    lr: request.lr,
    optimizer: 'adam',
    seed: request.seed,
    models,
    ...(request.method === 'vi' ? { samplesPerStep: 2 } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    onProgress: progress.onProgress,
  };
  await yieldToPage();
  const result = await train(ctx, arch, data, options);
  return { method: request.method, models: result.models, losses: progress.losses(result), elapsedMs: result.elapsedMs };
}
