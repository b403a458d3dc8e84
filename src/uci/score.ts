/**
 * Scoring a trained candidate on held-out rows, in the target's ORIGINAL units (PROTOCOL.md):
 * RMSE of the predictive mean and the mean log predictive density per point.
 *
 * - Sampled predictive (MC dropout, VI): the engine with T samples and y given. Its per-point
 *   log predictive density is log((1/T) Σ_t N(y | ŷ_t, σ)) with the model's noise in original
 *   units; for MC dropout σ = 1/sqrt(τ) is fixed, which is exactly the protocol's
 *   logsumexp_t(−τ/2 (y − ŷ_t)²) − log T − ½ log 2π + ½ log τ.
 * - Deep ensembles: each member (a delta model) predicted once, combined as the uniform mixture
 *   (src/infer/ensemble.ts).
 */
import type { GpuContext } from '../gpu/device.js';
import { Engine } from '../infer/engine.js';
import { predictEnsemble } from '../infer/ensemble.js';
import type { Model } from '../model/spec.js';

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

/** A deep ensemble's mixture predictive (members predicted with one sample each: they are delta models). */
export async function scoreEnsemble(ctx: GpuContext, members: readonly Model[], rows: HeldOutRows): Promise<HeldOutScore> {
  const p = await predictEnsemble(ctx, members, rows.x, { y: rows.y });
  const lpd = p.logPredictiveDensity;
  if (!lpd) throw new Error('internal: the mixture returned no log predictive density');
  return { rmse: rootMeanSquaredError(p.mean, rows.y), ll: average(lpd) };
}
