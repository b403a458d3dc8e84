/**
 * Training the regression page's model: `trainInPage` runs the library's `train(ctx, arch, data,
 * options)` on the chart's 1-D points with a method's entry of the table (regression-methods.ts: its
 * models, options and members; a Normal likelihood), and `regressionTrainer` hands it to the train
 * panel (train-panel.ts).
 */
import type { GpuContext } from '../src/index.js';
import type { ArchitectureSpec, TrainData } from '../src/train/index.js';
import type { Points } from './data.js';
import { BATCH_SIZE, DEFAULT_METHOD, REGRESSION_METHODS, regressionMethod, type CommonOptions, type DemoTrainMethod } from './regression-methods.js';
import { lossRecorder, yieldToPage, type EpochProgress, type MethodDefaults, type PanelRequest, type PanelTrainer, type TrainOutcome } from './train-panel.js';

export type { DemoTrainMethod } from './regression-methods.js';

export interface TrainRequest extends PanelRequest<DemoTrainMethod> {
  readonly points: Points;
  /** Ensemble members (default 5). */
  readonly members?: number;
}

/** Panel defaults per method, set when the method changes (the table's `defaults`). */
export const METHOD_DEFAULTS = Object.fromEntries(Object.entries(REGRESSION_METHODS).map(([name, m]) => [name, m.defaults])) as Readonly<Record<DemoTrainMethod, MethodDefaults>>;

/** The regression page's trainer for the panel: trains on the chart's points at the time of the run. */
export function regressionTrainer(points: () => Points): PanelTrainer<DemoTrainMethod> {
  return {
    defaultMethod: DEFAULT_METHOD,
    defaults: METHOD_DEFAULTS,
    note: `Trains on the points in the chart on the GPU (Adam, minibatches of ${BATCH_SIZE}); the loss curve updates every epoch. Stop ends the run after the current epoch.`,
    train: (ctx, request, onEpoch) => trainInPage(ctx, { ...request, points: points() }, onEpoch),
  };
}

/** Trains on the points with the table's settings for `method`; onEpoch sees the mean loss of each epoch. */
export async function trainInPage(ctx: GpuContext, request: TrainRequest, onEpoch: (progress: EpochProgress) => void = () => undefined): Promise<TrainOutcome<DemoTrainMethod>> {
  const n = request.points.x.length;
  if (n < 2) throw new Error('add at least 2 points to train on');
  const method = regressionMethod(request.method);
  const arch: ArchitectureSpec = { inputDim: 1, hidden: request.hidden, activation: 'relu', ...method.arch };
  const data: TrainData = { x: request.points.x.map((v) => [v]), y: Float64Array.from(request.points.y) };
  const progress = lossRecorder(onEpoch);
  const common: CommonOptions = {
    epochs: request.epochs,
    ...(method.omit?.includes('batchSize') ? {} : { batchSize: Math.min(n, BATCH_SIZE) }),
    lr: request.lr,
    ...(method.omit?.includes('optimizer') ? {} : { optimizer: 'adam' as const }),
    seed: request.seed,
    ...(request.signal ? { signal: request.signal } : {}),
    onProgress: progress.onProgress,
  };
  await yieldToPage();
  const start = performance.now();
  const models = await method.fit(ctx, arch, data, common, { n, epochs: request.epochs, ...(request.members !== undefined ? { members: request.members } : {}) });
  return { method: request.method, models, losses: progress.losses({ history: [] }), elapsedMs: performance.now() - start };
}
