/**
 * 'hmc''s sampling stage, after the MAP pre-fit's epochs (run.ts): every chain (a model slot) runs
 * hmcTransitions transitions of Hamiltonian Monte Carlo on the GPU, all chains in the same
 * dispatches (src/objective/index.ts, HMC). The batch is every row, gathered once; each leapfrog
 * step is a kick and drift, the training step's forward, loss and backward programs at the new θ,
 * and a kick; the Metropolis step, dual averaging and the restore of a rejected θ stay on the GPU,
 * so nothing is read back until the end: θ of the kept transitions (copied on the GPU into
 * hmc_samples), the trace (U, α, accepted, ε per transition and chain) and the chains' state.
 */
import { readBuffer } from '../gpu/buffers.js';
import { HMC_TRACE_FIELDS } from '../kernels/train/hmc.js';
import { CHAIN_FIELDS, hmcTransitions, keptSample } from '../objective/hmc.js';
import { trainBuffer } from './buffers.js';
import { HMC_TRANSITIONS_PER_SUBMIT } from './init.js';
import type { TrainState } from './state.js';

export interface HmcOutcome {
  /** [M, θ size]: the chains' last state. */
  readonly theta: Float32Array;
  /** [k][M * θ size]: θ of every chain at kept sample k. */
  readonly samples: readonly Float32Array[];
  /** [transition, chain, HMC_TRACE_FIELDS]: U after the transition, α, accepted (0/1), ε used. */
  readonly trace: Float32Array;
  /** [chain, CHAIN_FIELDS]. */
  readonly chains: Float32Array;
}

export async function sample(state: TrainState): Promise<HmcOutcome> {
  const { ctx, recorder, buffers, key, plan } = state;
  const hmc = plan.run.hmc;
  const programs = state.sampler;
  if (!hmc || !programs) throw new Error("internal: sample() on a run that is not 'hmc'");
  const M = plan.shape.models;
  const P = plan.layout.size;
  const begin = (t: number) => recorder.begin({ t, epoch: 0, stepInEpoch: 0, lr: 0, seedLo: key[0], seedHi: key[1] });
  const gradient = () => programs.gradient.forEach((p) => recorder.dispatch(p, undefined));
  const theta = trainBuffer(buffers, 'theta');
  const kept = trainBuffer(buffers, 'hmc_samples');
  // The rows (all of each model's, in the epoch-0 order of the shuffle: the sums do not depend on it), U and ∇U at the start.
  await begin(0);
  recorder.dispatch(programs.gather, undefined);
  gradient();
  recorder.dispatch(programs.start, undefined);
  const transitions = hmcTransitions(hmc);
  for (let t = 0; t < transitions; t++) {
    await begin(t);
    recorder.dispatch(programs.momentum, undefined);
    for (let l = 0; l < hmc.leapfrogSteps; l++) {
      recorder.dispatch(programs.kickDrift, undefined);
      gradient();
      recorder.dispatch(programs.kick, undefined);
    }
    recorder.dispatch(programs.accept, undefined);
    recorder.dispatch(programs.restore, undefined);
    const k = keptSample(hmc, t);
    if (k !== null) recorder.copy(theta, 0, kept, k * M * P * 4, M * P * 4);
    if ((t + 1) % HMC_TRANSITIONS_PER_SUBMIT === 0) {
      await recorder.flush();
      plan.run.signal?.throwIfAborted();
    }
  }
  await recorder.flush();
  ctx.assertHealthy();
  const read = async (name: Parameters<typeof trainBuffer>[1], floats: number) => new Float32Array(await readBuffer(ctx.device, trainBuffer(buffers, name), 0, floats * 4));
  const all = await read('hmc_samples', hmc.samples * M * P);
  return {
    theta: await read('theta', M * P),
    samples: Array.from({ length: hmc.samples }, (_, k) => all.subarray(k * M * P, (k + 1) * M * P)),
    trace: await read('hmc_trace', transitions * M * HMC_TRACE_FIELDS),
    chains: await read('hmc_chain', M * CHAIN_FIELDS.length),
  };
}
