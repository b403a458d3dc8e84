/**
 * trainSwag: SWAG (Maddox et al. 2019), a Gaussian posterior from the SGD iterates of a 'map' run,
 * fitted with the GPU trainer (src/train) in two runs, then on the host in float64:
 *
 * 1. pretraining: the request as a 'map' run (its epochs, optimiser, lr, schedule; the paper trains
 *    with SGD to convergence, Adam works as well for these small networks);
 * 2. SWA phase: SGD with momentum 0.9 at the constant swaLr for swaEpochs epochs from the pretrained
 *    θ (options.ts), θ collected after each epoch (TrainOptions.snapshotEpochs);
 * 3. moments (moments.ts: θ_SWA, Σ_diag, the deviation matrix D of the last `rank` iterates) and the
 *    predictive models (models.ts): 'low-rank' `samples` Philox-keyed draws as an ensemble of point
 *    samples, 'diagonal' one mean-field normal model.
 *
 * Every model of TrainOptions.models gets its own SWAG posterior (models train together as in
 * train()); a model that diverged (onNonFinite 'keep') gets none.
 */
import type { GpuContext } from '../gpu/device.js';
import type { Model } from '../model/spec.js';
import type { ArchitectureSpec } from '../objective/architecture.js';
import { trainLayout, type TrainLayout } from '../objective/layout.js';
import { prepareRun } from '../objective/prepare.js';
import type { TrainedModelInfo } from '../objective/to-model.js';
import type { TrainData, TrainOptions, TrainResult } from '../objective/types.js';
import { seedToKey } from '../random/streams.js';
import { train } from '../train/trainer.js';
import { swagMoments, type SwagMoments } from './moments.js';
import { swagDiagonalModel, swagDrawModels, swagDrawThetas } from './models.js';
import { pretrainOptions, readSwagOptions, swaOptions, type ResolvedSwagOptions } from './options.js';

export interface SwagResult {
  /**
   * Per model (in the order of options.models), its predictive: 'low-rank' the `samples` draws as
   * delta models (an ensemble: Engine.create(ctx, models[m]), ensembleToBytes), 'diagonal' one
   * model with normal posteriors; empty for a model that diverged.
   */
  readonly models: readonly (readonly Model[])[];
  /** Per model, θ_SWA, Σ_diag and D (moments.ts); null for a model that diverged. */
  readonly posteriors: readonly (SwagMoments | null)[];
  /** Per model, θ of each 'low-rank' draw behind `models` (layout: the 'map' layout); empty for 'diagonal'. */
  readonly drawTheta: readonly (readonly Float64Array[])[];
  /** The resolved swag options. */
  readonly swag: ResolvedSwagOptions;
  /** The pretraining run and the SWA run (its snapshotTheta are the iterates). */
  readonly pretrain: TrainResult;
  readonly swa: TrainResult;
  /** Per model: its loss or θ became non-finite in either run (onNonFinite 'keep'). */
  readonly diverged: readonly boolean[];
  readonly elapsedMs: number;
}

/** What the θ -> model conversion needs, per model: the 'map' layout and each model's standardisation and hyper-parameters. */
export interface SwagSetup {
  readonly layout: TrainLayout;
  readonly infos: readonly TrainedModelInfo[];
  /** Each model's stream identity (ModelHyper.stream): its draws are keyed by it, not by its slot. */
  readonly streams: readonly number[];
}

/** The 'map' layout and per-model infos of a request (checked as train() checks it), without the GPU. */
export function swagSetup(arch: ArchitectureSpec, data: TrainData, options: TrainOptions): SwagSetup {
  const mapRun = pretrainOptions(options);
  const run = prepareRun(arch, data, mapRun);
  const layout = trainLayout(arch, 'map', false, run.likelihood);
  const infos = run.models.map((p): TrainedModelInfo => ({
    standardization: { xMean: [...p.xMean], xStd: [...p.xStd], yMean: [p.yMean], yStd: [p.yStd] },
    dropout: 0,
    tau: p.tau,
    priorScale: p.priorScale,
  }));
  return { layout, infos, streams: run.models.map((p) => p.stream) };
}

/** Moments, draws and models of every model from its SWA iterates (host float64; the GPU-free half of trainSwag). */
export function swagFromIterates(
  setup: SwagSetup,
  iterates: readonly (readonly Float64Array[])[],
  swag: ResolvedSwagOptions,
  seed: number,
  diverged: readonly boolean[] = iterates.map(() => false),
): Pick<SwagResult, 'models' | 'posteriors' | 'drawTheta'> {
  const key = seedToKey(seed);
  const posteriors = iterates.map((list, m) => (diverged[m] ? null : swagMoments(list, swag.rank)));
  const drawTheta = posteriors.map((p, m) => (p && swag.variant === 'low-rank' ? swagDrawThetas(p, key, setup.streams[m] ?? m, swag.samples, swag.scale) : []));
  const models = posteriors.map((p, m): Model[] => {
    const info = setup.infos[m] as TrainedModelInfo;
    if (!p) return [];
    return swag.variant === 'low-rank' ? swagDrawModels(setup.layout, info, drawTheta[m] ?? []) : [swagDiagonalModel(setup.layout, info, p, swag.scale)];
  });
  return { models, posteriors, drawTheta };
}

/**
 * Fits SWAG on the GPU: a 'map' pretraining run, an SGD SWA run collecting θ per epoch, then the
 * posterior and its predictive models.
 * @example const r = await trainSwag(ctx, { inputDim: 1, hidden: [50], activation: 'relu' }, { x, y }, { method: 'swag', epochs: 200, lr: 1e-2, swag: { swaEpochs: 20, swaLr: 1e-2 } });
 *          const engine = Engine.create(ctx, r.models[0]);
 */
export async function trainSwag(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, options: TrainOptions): Promise<SwagResult> {
  const started = performance.now();
  const swag = readSwagOptions(options);
  const setup = swagSetup(arch, data, options);
  const total = options.epochs + swag.swaEpochs;
  const report = options.onProgress;
  const pretrain = await train(ctx, arch, data, {
    ...pretrainOptions(options),
    ...(report ? { onProgress: (p) => report({ ...p, epochs: total }) } : {}),
  });
  const pretrainMs = performance.now() - started;
  // A diverged model's θ is not finite: it starts its SWA phase from 0 and is left out of the posterior.
  const start = pretrain.theta.map((theta, m) => (pretrain.diverged[m] ? new Float64Array(theta.length) : theta));
  const swa = await train(ctx, arch, data, {
    ...swaOptions(options, swag, start),
    ...(report ? { onProgress: (p) => report({ ...p, epoch: options.epochs + p.epoch, epochs: total, elapsedMs: pretrainMs + p.elapsedMs }) } : {}),
  });
  const diverged = swa.diverged.map((d, m) => d || pretrain.diverged[m] === true);
  const fitted = swagFromIterates(setup, swa.snapshotTheta, swag, options.seed ?? 0, diverged);
  return { ...fitted, swag, pretrain, swa, diverged, elapsedMs: performance.now() - started };
}
