/**
 * A prediction on the chart's x grid with a few posterior functions: the statistics from S samples,
 * then the first K samples of the same seed with `returnSamples` (draws depend only on the seed and
 * the sample index, so they are functions of the same posterior the bands summarise). The marginal
 * path has no per-sample functions: none are drawn there.
 */
import type { PredictOptions, PredictResult } from '../src/index.js';
import type { Predictor } from './predictor.js';

export interface GridPrediction {
  /** The statistics, with `fSamples` of the functions when any were drawn. */
  readonly result: PredictResult;
  /** Wall time of the statistics' predict. */
  readonly ms: number;
}

export async function predictOnGrid(predictor: Predictor, xs: readonly number[], options: PredictOptions, functions: number): Promise<GridPrediction> {
  const x = xs.map((v) => [v]);
  const start = performance.now();
  const result = await predictor.predict(x, options);
  const ms = performance.now() - start;
  const withSamples =
    functions > 0 && options.path !== 'marginal' ? await predictor.predict(x, { ...options, samples: Math.min(functions, options.samples ?? 1000), returnSamples: true }) : null;
  return { result: withSamples?.fSamples ? { ...result, fSamples: withSamples.fSamples } : result, ms };
}
