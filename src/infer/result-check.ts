/**
 * A predict result is returned only if every number in it is finite in float32: a statistic that
 * overflowed (outputs near 1e38, variances past it, a log density below -3.4e38) would otherwise
 * come back as Infinity, NaN or float32's largest value, looking like an answer.
 */
import { NumericalError } from '../errors.js';
import { FLOAT32_MAX } from '../float32.js';
import type { PredictResult } from './types.js';

const STATISTIC_LABELS: Readonly<Record<string, string>> = {
  quantiles: 'predictive quantile',
  mean: 'predictive mean',
  std: 'predictive std',
  epistemicStd: 'epistemic std',
  aleatoricStd: 'aleatoric std',
  lower: 'interval lower bound',
  upper: 'interval upper bound',
  logPredictiveDensity: 'log predictive density',
  sampleLogLikelihood: 'per-sample log-likelihood',
  fSamples: 'network output sample',
  scaleSamples: 'noise scale sample',
  ySamples: 'observation sample',
  probs: 'mean class probability',
  probsStd: 'class probability std',
  entropy: 'predictive entropy',
  expectedEntropy: 'expected entropy',
  mutualInformation: 'mutual information',
  variationRatio: 'variation ratio',
};

/** Statistics with one value per input ([N]). */
const PER_INPUT = new Set(['logPredictiveDensity', 'entropy', 'expectedEntropy', 'mutualInformation', 'variationRatio']);

/** Throws a NumericalError naming the first statistic outside float32's range. */
export function checkFiniteResult(r: PredictResult): void {
  const D = r.outputDim;
  for (const [name, label] of Object.entries(STATISTIC_LABELS)) {
    const values = (r as unknown as Record<string, Float32Array | undefined>)[name];
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Math.abs(v) < FLOAT32_MAX) continue;
      const where =
        name === 'sampleLogLikelihood'
          ? `sample ${i}`
          : PER_INPUT.has(name)
            ? `input ${i}`
            : name.endsWith('Samples')
              ? `element ${i} of [S, N, D]`
              : name === 'quantiles'
                ? `element ${i} of [Q, N, D]`
                : `input ${Math.floor(i / D)}, output ${i % D}`;
      throw new NumericalError(
        `predict: the ${label} at ${where} is ${v}: the computation left float32's range (the model's outputs, their spread or the targets are too large for float32; rescale x or y, or standardise them in the model)`,
      );
    }
  }
}
