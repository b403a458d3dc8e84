/**
 * A finished run as the caller gets it: each model's θ as an engine Model (src/objective/to-model.ts),
 * its θ in float64, the loss history and which models diverged. A model whose θ is not finite
 * diverged in the last step, after the last loss was read.
 */
import { divergenceError } from '../objective/prepare.js';
import { thetaToModel } from '../objective/to-model.js';
import type { TrainResult } from '../objective/types.js';
import type { TrainPlan } from './plan.js';
import type { TrainOutcome } from './run.js';

export function trainResult(plan: TrainPlan, outcome: TrainOutcome, started: number): TrainResult {
  const { run, layout } = plan;
  const thetaOf = (m: number) => outcome.theta.subarray(m * layout.size, (m + 1) * layout.size);
  const divergedAt = [...outcome.divergedAt];
  run.models.forEach((_, m) => {
    if (divergedAt[m] !== null || thetaOf(m).every(Number.isFinite)) return;
    divergedAt[m] = run.epochs;
    if (run.onNonFinite === 'error') throw divergenceError(run, m, run.epochs, 'its parameters are not finite');
  });
  const toModel = (m: number, theta: ArrayLike<number>) => {
    const p = run.models[m] as (typeof run.models)[number];
    return thetaToModel(layout, theta, {
      standardization: { xMean: [...p.xMean], xStd: [...p.xStd], yMean: [p.yMean], yStd: [p.yStd] },
      dropout: p.dropout,
      tau: p.tau,
      priorScale: p.priorScale,
    });
  };
  const models = run.models.map((_, m) => toModel(m, thetaOf(m)));
  const theta = run.models.map((_, m) => Float64Array.from(thetaOf(m)));
  const snapshotTheta = run.models.map((_, m) => outcome.snapshots.map((all) => Float64Array.from(all.subarray(m * layout.size, (m + 1) * layout.size))));
  const snapshots = snapshotTheta.map((list, m) => list.map((t) => toModel(m, t)));
  return { models, history: outcome.history, theta, snapshots, snapshotTheta, diverged: divergedAt.map((e) => e !== null), elapsedMs: performance.now() - started };
}
