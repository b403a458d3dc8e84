/**
 * The oracle's draws of y for the likelihoods other than the Normal (Pyro Predictive's 'obs'), from
 * one sample's network outputs, on the observation streams as the GPU draws them
 * (src/random/observation-draws.ts; element (global input) * D + d, a categorical class at element
 * (global input), a Dirichlet's Gamma draws at (global input) * K + k).
 */
import { sigmoid } from '../math/activations.js';
import { concentration, concentrations, logSoftmax } from '../math/likelihoods.js';
import type { ModelSpec } from '../model/spec.js';
import type { Key } from '../random/draws.js';
import { bernoulliDraw, betaDraw, categoricalDraw, dirichletDraw, studentTDraw } from '../random/observation-draws.js';

/**
 * Writes sample `sample`'s draws for N inputs into y at `offset` ([N, targetDim]): f and scale are
 * its [N, D] outputs in y units (Student-t), raw its [N, units] last-layer outputs.
 */
export function drawObservations(
  spec: ModelSpec,
  key: Key,
  sample: number,
  N: number,
  D: number,
  f: Float64Array,
  scale: Float64Array,
  raw: Float64Array,
  y: Float64Array,
  offset: number,
): void {
  const lik = spec.likelihood;
  const units = raw.length / N;
  for (let n = 0; n < N; n++) {
    const row = raw.subarray(n * units, (n + 1) * units);
    if (lik.kind === 'categorical') {
      y[offset + n] = categoricalDraw(key, sample, n, logSoftmax(row).map(Math.exp));
      continue;
    }
    if (lik.kind === 'dirichlet') {
      y.set(dirichletDraw(key, sample, n * D, concentrations(row, lik.minConcentration)), offset + n * D);
      continue;
    }
    for (let d = 0; d < D; d++) {
      const e = n * D + d;
      if (lik.kind === 'bernoulli') y[offset + e] = bernoulliDraw(key, sample, e, sigmoid(row[d] as number));
      else if (lik.kind === 'beta')
        y[offset + e] = betaDraw(key, sample, e, concentration(row[d] as number, lik.minConcentration), concentration(row[D + d] as number, lik.minConcentration));
      else if (lik.kind === 'student-t') y[offset + e] = studentTDraw(key, sample, e, f[e] as number, scale[e] as number, lik.df);
    }
  }
}
