/**
 * The webgpu-bnn side of the benchmark: each method trained with train() (likelihood
 * 'categorical', K = 5) and predicted with Engine.predict on the in-distribution test rows (with
 * their labels: the library's metrics), the held-out classes and the noise images (predictive
 * entropy and mutual information for the AUROCs). The library's metrics are recomputed from its
 * mean probabilities by metrics.ts and the largest difference is reported.
 */
import type { GpuContext } from '../../src/gpu/device.js';
import { Engine } from '../../src/infer/engine.js';
import type { PredictResult } from '../../src/infer/types.js';
import type { Model } from '../../src/model/spec.js';
import type { TrainOptions } from '../../src/objective/types.js';
import { train } from '../../src/train/trainer.js';
import { IN_CLASSES, type ImageSet, type ProtocolData } from './data.js';
import { auroc, classificationMetrics, type BenchMetrics } from './metrics.js';
import type { FmnistMethod, FmnistSettings } from './settings.js';

export interface AurocPair {
  readonly ood: number;
  readonly noise: number;
}

/** One method's result on one side (the PyTorch peer prints the same fields). */
export interface MethodResult extends BenchMetrics {
  readonly auroc: { readonly entropy: AurocPair; readonly mutualInformation: AurocPair };
  readonly trainSeconds: number;
  readonly predictSeconds: number;
}

export interface LibraryMethodResult extends MethodResult {
  /** The benchmark's own metrics from the library's mean probabilities, and the largest |difference| from the library's. */
  readonly recomputed: BenchMetrics;
  readonly largestMetricDifference: number;
}

const CLASSES = IN_CLASSES.length;

function trainOptions(method: FmnistMethod, s: FmnistSettings): TrainOptions {
  const common = { likelihood: 'categorical', classes: CLASSES, epochs: s.epochs, batchSize: s.batch, seed: s.seed } as const;
  switch (method) {
    case 'mc-dropout':
      return { ...common, method: 'mc-dropout', lr: s.lr, lengthScale: s.lengthScale, models: [{ dropout: s.dropout }] };
    case 'vi':
      return { ...common, method: 'vi', lr: s.viLr, viEstimator: 'local', models: [{ priorScale: s.priorScale }] };
    case 'ensemble':
      return { ...common, method: 'ensemble', lr: s.lr, models: Array.from({ length: s.members }, () => ({})) };
  }
}

function field(r: PredictResult, name: 'probs' | 'entropy' | 'mutualInformation'): Float32Array {
  const v = r[name];
  if (!v) throw new Error(`internal: a categorical model's prediction has no ${name}`);
  return v;
}

/** Trains and scores one method; `log` gets progress lines. */
export async function runLibraryMethod(ctx: GpuContext, data: ProtocolData, method: FmnistMethod, s: FmnistSettings, log: (line: string) => void): Promise<LibraryMethodResult> {
  const arch = { inputDim: data.pixels, hidden: [s.hidden], activation: 'relu' as const, ...(method === 'mc-dropout' ? { dropout: s.dropout } : {}) };
  const t0 = performance.now();
  const trained = await train(
    ctx,
    arch,
    { x: data.train.x, y: data.train.y },
    {
      ...trainOptions(method, s),
      onProgress: (p) => {
        log(`webgpu-bnn: ${method}: epoch ${p.epoch}/${p.epochs}, loss ${Array.from(p.loss, (l) => l.toFixed(4)).join(' ')}, ${(p.elapsedMs / 1000).toFixed(1)} s`);
      },
    },
  );
  const t1 = performance.now();
  const models: Model[] = trained.models;
  const engine = Engine.create(ctx, method === 'ensemble' ? models : (models[0] as Model));
  const samples = method === 'ensemble' ? s.members : s.samples;
  const predict = (set: ImageSet, y?: Int32Array) => engine.predict(set.x, { samples, seed: s.seed + 1, ...(y ? { y } : {}) });
  let test: PredictResult;
  let ood: PredictResult;
  let noise: PredictResult;
  try {
    test = await predict(data.test, data.test.y);
    ood = await predict(data.ood);
    noise = await predict(data.noise);
  } finally {
    engine.dispose();
  }
  const t2 = performance.now();
  const metrics = test.metrics;
  if (!metrics) throw new Error('internal: predict with labels returned no classification metrics');
  const recomputed = classificationMetrics(field(test, 'probs'), data.test.y, CLASSES);
  const largestMetricDifference = Math.max(...(['accuracy', 'nll', 'brier', 'ece'] as const).map((k) => Math.abs(metrics[k] - recomputed[k])));
  const pair = (name: 'entropy' | 'mutualInformation'): AurocPair => ({ ood: auroc(field(test, name), field(ood, name)), noise: auroc(field(test, name), field(noise, name)) });
  return {
    accuracy: metrics.accuracy,
    nll: metrics.nll,
    brier: metrics.brier,
    ece: metrics.ece,
    auroc: { entropy: pair('entropy'), mutualInformation: pair('mutualInformation') },
    trainSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
    recomputed,
    largestMetricDifference,
  };
}
