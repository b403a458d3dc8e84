/**
 * `predict <posterior file>` for a Laplace posterior written by `train --posterior-out`: its
 * linearised (GLM) predictive (src/laplace/linearized.ts), closed-form in float64 on the host (no
 * samples, no GPU), reported with predict's table, CSV and JSON fields.
 */
import type { LaplaceFileFit } from '../../laplace/fit-file.js';
import { linearizedPredict } from '../../laplace/linearized.js';
import type { PredictResult } from '../../infer/types.js';
import { normalQuantile } from '../../math/special.js';
import { float32List, formatMs, formatNumber, renderFields } from '../format.js';
import type { CliIo } from '../io.js';
import { tableRows, type NumericTable } from '../matrix-file.js';
import { meanLogPredictiveDensity, predictionCsv, predictionTable } from '../report.js';

/** The linearised predictive at x as predict's result: a Normal per input, its interval mean ± z std. */
export function linearizedResult(fit: LaplaceFileFit, x: NumericTable, y: NumericTable | null, intervalLevel: number): PredictResult {
  const p = linearizedPredict(fit, tableRows(x), y ? y.data : undefined);
  const z = normalQuantile((1 + intervalLevel) / 2);
  return {
    n: p.n,
    outputDim: 1,
    // No Monte-Carlo samples: the predictive is closed-form.
    samples: 0,
    likelihood: 'normal',
    // Unused by this report (it names the predictive 'linearized'); the type asks for a sampling path.
    path: 'joint',
    mean: Float32Array.from(p.mean),
    std: Float32Array.from(p.std),
    epistemicStd: Float32Array.from(p.epistemicStd),
    aleatoricStd: Float32Array.from(p.aleatoricStd),
    lower: Float32Array.from(p.mean, (m, i) => m - z * (p.std[i] as number)),
    upper: Float32Array.from(p.mean, (m, i) => m + z * (p.std[i] as number)),
    intervalLevel,
    ...(p.logPredictiveDensity ? { logPredictiveDensity: Float32Array.from(p.logPredictiveDensity) } : {}),
  };
}

export interface LinearizedReport {
  readonly x: NumericTable;
  readonly result: PredictResult;
  readonly fit: LaplaceFileFit;
  readonly modelPath: string;
  readonly predictMs: number;
  readonly output: 'table' | 'csv' | 'json';
}

function describePosterior(fit: LaplaceFileFit): string {
  const sigma = Number.isNaN(fit.posterior.sigma) ? 'heteroscedastic head' : `noise sigma ${formatNumber(fit.posterior.sigma)} (standardised)`;
  return `laplace ${fit.posterior.structure}, prior precision ${formatNumber(fit.priorPrecision)}, ${sigma}, log evidence ${formatNumber(fit.logEvidence)}`;
}

/** Prints the linearised predictive as predict prints the engine's. */
export function reportLinearized(io: CliIo, r: LinearizedReport): void {
  const { result, fit } = r;
  const lpd = meanLogPredictiveDensity(result);
  if (r.output === 'json') {
    const doc = {
      model: r.modelPath,
      predictive: 'linearized',
      posterior: {
        structure: fit.posterior.structure,
        priorPrecision: fit.priorPrecision,
        sigma: Number.isNaN(fit.posterior.sigma) ? null : fit.posterior.sigma,
        logEvidence: fit.logEvidence,
      },
      n: result.n,
      outputDim: result.outputDim,
      intervalLevel: result.intervalLevel,
      mean: float32List(result.mean),
      std: float32List(result.std),
      epistemicStd: float32List(result.epistemicStd),
      aleatoricStd: float32List(result.aleatoricStd),
      lower: float32List(result.lower),
      upper: float32List(result.upper),
      ...(result.logPredictiveDensity ? { logPredictiveDensity: float32List(result.logPredictiveDensity), meanLogPredictiveDensity: lpd } : {}),
      timing: { predictMs: r.predictMs },
    };
    io.stdout(JSON.stringify(doc) + '\n');
    return;
  }
  if (r.output === 'csv') {
    io.stdout(predictionCsv(r.x, result));
    return;
  }
  io.stdout(
    renderFields([
      ['model', r.modelPath],
      ['posterior', describePosterior(fit)],
      ['predictive', 'linearised (GLM): N(f(x; theta*), J Sigma J^T + sigma^2), closed form on the host'],
    ]) + '\n',
  );
  io.stdout(predictionTable(r.x, result));
  const summary: [string, string][] = [];
  if (lpd !== null) summary.push(['mean log predictive density', formatNumber(lpd)]);
  summary.push(['time', `${formatMs(r.predictMs)} for ${result.n} inputs`]);
  io.stdout('\n' + renderFields(summary));
}
