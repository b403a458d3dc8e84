/**
 * The GPU trainer: M models trained together, one set of dispatches per minibatch step for all of
 * them, in numpyro's SVI stages: plan and init (plan.ts, init.ts: checks, layout, uploads, compiled
 * programs), update (update.ts: one step through the recorder), run (run.ts: the epochs), then
 * the result (result.ts). Data is uploaded once; minibatches are gathered on the GPU through the
 * keyed Feistel permutation; only the per-model epoch loss is read back per epoch, and θ at the end.
 * 'hmc' runs its sampling stage (hmc.ts) after the epochs of its MAP pre-fit.
 */
import type { GpuContext } from '../gpu/device.js';
import { withErrorScopes } from '../gpu/failure.js';
import type { ArchitectureSpec } from '../objective/architecture.js';
import type { TrainData, TrainOptions, TrainResult } from '../objective/types.js';
import { isCpuAdapter } from '../infer/kernel-choice.js';
import { disposeTraining, init } from './init.js';
import { planTraining } from './plan.js';
import { sample } from './hmc.js';
import { hmcDiagnostics, trainResult } from './result.js';
import { run } from './run.js';

/**
 * Trains M models on `data` (options.models: one entry per model) and returns engine models.
 * @example const r = await train(ctx, { inputDim: 1, hidden: [32], activation: 'tanh' }, { x, y }, { method: 'vi', epochs: 200 });
 */
export async function train(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  ctx.assertHealthy();
  const started = performance.now();
  const plan = planTraining(ctx.limits, arch, data, options, { cpu: isCpuAdapter(ctx) });
  plan.run.signal?.throwIfAborted();
  return withErrorScopes(ctx, 'training', plan.run.signal, async () => {
    const state = await init(ctx, plan);
    try {
      const outcome = await run(state, { onProgress: options.onProgress, started, compileMs: performance.now() - started });
      if (!plan.run.hmc) return trainResult(plan, outcome, started);
      // 'hmc': the epochs were the MAP pre-fit; the chains' samples are the result's snapshots.
      const sampled = await sample(state);
      const result = trainResult(plan, { ...outcome, theta: sampled.theta, snapshots: sampled.samples }, started);
      return { ...result, mcmc: hmcDiagnostics(plan, sampled), elapsedMs: performance.now() - started };
    } finally {
      disposeTraining(state);
    }
  });
}
