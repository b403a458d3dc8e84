/**
 * A finished run as the caller gets it: each model's θ as an engine Model (src/objective/to-model.ts),
 * its θ in float64, the loss history and which models diverged. A model whose θ is not finite
 * diverged in the last step, after the last loss was read.
 */
import { HMC_TRACE_FIELDS } from '../kernels/train/hmc.js';
import { chainField, hmcTransitions, keptSample, type McmcDiagnostics } from '../objective/hmc.js';
import { mcmcDiagnostics } from '../objective/hmc-diagnostics.js';
import { divergenceError } from '../objective/prepare.js';
import { thetaToModel } from '../objective/to-model.js';
import type { TrainResult } from '../objective/types.js';
import type { TrainPlan } from './plan.js';
import type { HmcOutcome } from './hmc.js';
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

/** 'hmc''s diagnostics from the read-back samples, trace and chain state (src/objective/hmc-diagnostics.ts). */
export function hmcDiagnostics(plan: TrainPlan, sampled: HmcOutcome): McmcDiagnostics {
  const hmc = plan.run.hmc;
  if (!hmc) throw new Error("internal: diagnostics of a run that is not 'hmc'");
  const M = plan.shape.models;
  const P = plan.layout.size;
  const keptAt = Array.from({ length: hmcTransitions(hmc) }, (_, t) => t).filter((t) => keptSample(hmc, t) !== null);
  const field = (m: number, name: Parameters<typeof chainField>[0]) => sampled.chains[m * (sampled.chains.length / M) + chainField(name)] ?? NaN;
  return mcmcDiagnostics(plan.layout, plan.run, hmc, {
    samples: Array.from({ length: M }, (_, m) => sampled.samples.map((all) => all.subarray(m * P, (m + 1) * P))),
    potential: Array.from({ length: M }, (_, m) => Float64Array.from(keptAt, (t) => sampled.trace[(t * M + m) * HMC_TRACE_FIELDS] ?? NaN)),
    chains: Array.from({ length: M }, (_, m) => ({
      accepted: field(m, 'accepted'),
      acceptSum: field(m, 'acceptSum'),
      divergences: field(m, 'divergences'),
      warmupDivergences: field(m, 'warmupDivergences'),
      stepSize: field(m, 'stepSize'),
      treeDepthSum: field(m, 'treeDepthSum'),
      leapfrogSum: field(m, 'leapfrogSum'),
      maxDepthHits: field(m, 'maxDepthHits'),
    })),
  });
}
