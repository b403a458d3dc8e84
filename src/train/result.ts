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
  const models = run.models.map((p, m) =>
    thetaToModel(layout, thetaOf(m), {
      standardization: { xMean: [...p.xMean], xStd: [...p.xStd], yMean: [p.yMean], yStd: [p.yStd] },
      dropout: p.dropout,
      tau: p.tau,
      priorScale: p.priorScale,
    }),
  );
  const theta = run.models.map((_, m) => Float64Array.from(thetaOf(m)));
  return { models, history: outcome.history, theta, diverged: divergedAt.map((e) => e !== null), elapsedMs: performance.now() - started };
}
