/**
 * What the demo predicts with: one engine (a loaded model, a VI or MC-dropout model trained in the
 * page), or a deep ensemble of M point models (one engine each), combined as the uniform mixture
 * of its members' predictive normals.
 */
import { Engine, type GpuContext, type Model, type PredictOptions, type PredictResult } from '../src/index.js';
import { gaussianMixture, mixtureAsPrediction } from '../src/infer/ensemble.js';

export interface Predictor {
  readonly label: string;
  readonly inputDim: number;
  /** Engines behind it (1, or the ensemble's size). */
  readonly members: number;
  predict(x: readonly (readonly number[])[], options: PredictOptions): Promise<PredictResult>;
  dispose(): void;
}

export function enginePredictor(ctx: GpuContext, model: Model, label: string): Predictor {
  const engine = Engine.create(ctx, model);
  return {
    label,
    inputDim: model.spec.inputDim,
    members: 1,
    predict: (x, options) => engine.predict(x, options),
    dispose: () => engine.dispose(),
  };
}

/**
 * A deep ensemble of point models (one engine each, kept for the predictor's life): the uniform
 * mixture of the members' normals, formed by the library's gaussianMixture (src/infer/ensemble.ts):
 * mean = average of the members' means, epistemic variance = their spread, aleatoric variance = the
 * average of their noise variances; with y, the mixture's log density. Each member's function is
 * one posterior function sample (`fSamples` is [M, N]).
 */
export function ensemblePredictor(ctx: GpuContext, models: readonly Model[], label: string): Predictor {
  const first = models[0];
  if (!first) throw new Error('an ensemble needs at least one model');
  const engines = models.map((m) => Engine.create(ctx, m));
  return {
    label,
    inputDim: first.spec.inputDim,
    members: engines.length,
    async predict(x, options) {
      // Point members (no weight posterior, no dropout): one sample gives each member's normal.
      const results: PredictResult[] = [];
      for (const e of engines) results.push(await e.predict(x, { samples: 1, seed: options.seed ?? 0 }));
      const y = options.y === undefined ? undefined : flatten(options.y);
      return mixtureResult(results, options.intervalLevel ?? 0.9, options.returnSamples ?? false, y);
    },
    dispose: () => engines.forEach((e) => e.dispose()),
  };
}

function flatten(y: NonNullable<PredictOptions['y']>): number[] {
  const rows = Array.from(y as ArrayLike<number | readonly number[]>);
  return rows.map((r) => (typeof r === 'number' ? r : (r[0] ?? NaN)));
}

/** The mixture as a PredictResult (`samples` = M, one component per member; fSamples = the members' means). */
function mixtureResult(results: readonly PredictResult[], level: number, withSamples: boolean, y: number[] | undefined): PredictResult {
  const r0 = results[0];
  if (!r0) throw new Error('no member results');
  if (r0.outputDim !== 1) throw new Error(`ensemble members must have one output, got ${r0.outputDim}`);
  const mix = mixtureAsPrediction(gaussianMixture(results.map((r) => ({ mean: r.mean, std: r.aleatoricStd })), y), level);
  if (!withSamples) return mix;
  const len = r0.mean.length;
  const fSamples = new Float32Array(results.length * len);
  results.forEach((r, k) => fSamples.set(r.mean, k * len));
  return { ...mix, fSamples };
}
