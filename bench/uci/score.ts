/**
 * Scoring a trained candidate on held-out rows, in the target's ORIGINAL units (bench/uci/PROTOCOL.md):
 * RMSE of the predictive mean and the mean log predictive density per point.
 *
 * - Sampled predictive (MC dropout, VI): the engine with T samples and y given. Its per-point
 *   log predictive density is log((1/T) Σ_t N(y | ŷ_t, σ)) with the model's noise in original
 *   units; for MC dropout σ = 1/sqrt(τ) is fixed, which is exactly the protocol's
 *   logsumexp_t(−τ/2 (y − ŷ_t)²) − log T − ½ log 2π + ½ log τ.
 * - Deep ensembles: each member (a delta model) predicted once, combined as the uniform mixture
 *   (src/infer/ensemble.ts); the log-likelihood is that of the mixture or of its moment-matched
 *   normal, as the caller asks.
 */
import type { GpuContext } from '../../src/gpu/device.js';
import { Engine } from '../../src/infer/engine.js';
import { predictEnsemble } from '../../src/infer/ensemble.js';
import type { Model } from '../../src/model/spec.js';

export interface HeldOutScore {
  readonly rmse: number;
  readonly ll: number;
}

export interface HeldOutRows {
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
}

export function rootMeanSquaredError(prediction: ArrayLike<number>, y: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += ((prediction[i] as number) - (y[i] as number)) ** 2;
  return Math.sqrt(sum / y.length);
}

export function average(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** One model's Monte-Carlo predictive with `samples` draws. */
export async function scoreSampled(ctx: GpuContext, model: Model, rows: HeldOutRows, samples: number, seed: number): Promise<HeldOutScore> {
  const engine = Engine.create(ctx, model);
  try {
    const r = await engine.predict(rows.x, { samples, seed, y: rows.y });
    const lpd = r.logPredictiveDensity;
    if (!lpd) throw new Error('internal: predict with y returned no log predictive density');
    return { rmse: rootMeanSquaredError(r.mean, rows.y), ll: average(lpd) };
  } finally {
    engine.dispose();
  }
}

/**
 * How a deep ensemble's log-likelihood is taken: 'mixture', the uniform mixture of the members'
 * normals; 'moment-matched', the normal with the mixture's mean and variance (the paper's choice).
 */
export const ENSEMBLE_DENSITIES = ['mixture', 'moment-matched'] as const;
export type EnsembleDensity = (typeof ENSEMBLE_DENSITIES)[number];

/** A deep ensemble's predictive (members predicted with one sample each: they are delta models). */
export async function scoreEnsemble(ctx: GpuContext, members: readonly Model[], rows: HeldOutRows, density: EnsembleDensity = 'mixture'): Promise<HeldOutScore> {
  const p = await predictEnsemble(ctx, members, rows.x, { y: rows.y });
  const lpd = density === 'mixture' ? p.logPredictiveDensity : p.momentMatchedLogDensity;
  if (!lpd) throw new Error('internal: the mixture returned no log predictive density');
  return { rmse: rootMeanSquaredError(p.mean, rows.y), ll: average(lpd) };
}
