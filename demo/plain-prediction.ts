/**
 * A predict result as plain arrays (what window.__bnn hands to tests and what JSON can carry), and
 * the first output of each input when a model has several (the chart shows output 0).
 */
import type { PredictResult } from '../src/index.js';
import type { PlainPrediction } from './hooks.js';

export function plain(r: PredictResult, ms: number): PlainPrediction {
  return {
    n: r.n,
    outputDim: r.outputDim,
    samples: r.samples,
    mean: Array.from(r.mean),
    std: Array.from(r.std),
    epistemicStd: Array.from(r.epistemicStd),
    aleatoricStd: Array.from(r.aleatoricStd),
    lower: Array.from(r.lower),
    upper: Array.from(r.upper),
    logPredictiveDensity: r.logPredictiveDensity ? Array.from(r.logPredictiveDensity) : null,
    ms,
  };
}

export function everyOutput0(p: PlainPrediction): PlainPrediction {
  if (p.outputDim === 1) return p;
  const pick = (a: number[]) => a.filter((_, i) => i % p.outputDim === 0);
  return { ...p, mean: pick(p.mean), std: pick(p.std), epistemicStd: pick(p.epistemicStd), aleatoricStd: pick(p.aleatoricStd), lower: pick(p.lower), upper: pick(p.upper) };
}
