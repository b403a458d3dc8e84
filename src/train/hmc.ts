/**
 * 'hmc''s sampling stage, after the MAP pre-fit's epochs (run.ts): every chain (a model slot) runs
 * hmcTransitions transitions on the GPU, all chains in the same dispatches (src/objective/index.ts,
 * HMC). The batch is every row, gathered once; each leapfrog step is a kick and drift, the training
 * step's forward, loss and backward programs at the new θ, and a kick.
 *
 * 'hmc' (fixed L): the Metropolis step, dual averaging and the restore of a rejected θ stay on the
 * GPU, so nothing is read back until the end. 'nuts' (src/objective/nuts.ts): the chains' trees
 * grow in lock step, doubling j taking 2^j leaf steps for every chain (a chain whose tree or subtree
 * has ended idles); after each doubling the tree state (a few floats per chain) is read back to stop
 * when no chain's tree grows, so a transition costs the deepest chain's tree, not 2^maxTreeDepth.
 *
 * At the end: θ of the kept transitions (copied on the GPU into hmc_samples), the trace (U, α,
 * accepted, ε, tree depth, leapfrog steps per transition and chain) and the chains' state.
 */
import { readBuffer } from '../gpu/buffers.js';
import { HMC_TRACE_FIELDS } from '../kernels/train/hmc.js';
import type { NutsProgramSet } from '../kernels/train/nuts.js';
import type { Program } from '../kernels/program.js';
import { CHAIN_FIELDS, hmcTransitions, keptSample, type PreparedHmc } from '../objective/hmc.js';
import { NUTS_FIELDS } from '../objective/nuts.js';
import { trainBuffer } from './buffers.js';
import { HMC_TRANSITIONS_PER_SUBMIT } from './init.js';
import type { TrainState } from './state.js';

export interface HmcOutcome {
  /** [M, θ size]: the chains' last state. */
  readonly theta: Float32Array;
  /** [k][M * θ size]: θ of every chain at kept sample k. */
  readonly samples: readonly Float32Array[];
  /** [transition, chain, HMC_TRACE_FIELDS]: U after the transition, α, accepted (0/1; 'nuts': moved), ε used, tree depth, leapfrog steps. */
  readonly trace: Float32Array;
  /** [chain, CHAIN_FIELDS]. */
  readonly chains: Float32Array;
}

const ACTIVE = NUTS_FIELDS.indexOf('active');

/**
 * A doubling of at least this many leaf steps is recorded only after a read-back shows some tree
 * still grows; the smaller ones before it are recorded unchecked (idle chains skip them), since a
 * read-back (a submit and a wait) costs more than a few idle leaf steps: on SwiftShader in Node a
 * read-back takes tens of milliseconds, a leaf step of a small network about one.
 */
export const NUTS_CHECKED_LEAVES = 8;

/** Records 'nuts' transition t (begin(t) has been called), submitting and reading the tree state back between doublings. */
async function nutsTransition(state: TrainState, nuts: NutsProgramSet, gradient: () => void, hmc: PreparedHmc, t: number, begin: (t: number) => Promise<void>): Promise<void> {
  const { recorder, ctx, buffers } = state;
  const M = state.plan.shape.models;
  const dispatch = (p: Program<void>) => recorder.dispatch(p, undefined);
  dispatch(nuts.begin);
  for (let j = 0; j < hmc.maxTreeDepth; j++) {
    dispatch(nuts.double);
    for (let n = 0; n < 2 ** j; n++) {
      dispatch(nuts.kickDrift);
      gradient();
      dispatch(nuts.kick);
      dispatch(nuts.leaf);
    }
    dispatch(nuts.combine);
    if (j + 1 === hmc.maxTreeDepth) break;
    // Small doublings go on unchecked: a chain whose tree has stopped idles through them for less than a read-back costs.
    if (2 ** (j + 1) < NUTS_CHECKED_LEAVES) continue;
    await recorder.flush();
    const tree = new Float32Array(await readBuffer(ctx, trainBuffer(buffers, 'nuts_tree'), 0, M * NUTS_FIELDS.length * 4));
    state.plan.run.signal?.throwIfAborted();
    await begin(t);
    if (!Array.from({ length: M }, (_, m) => tree[m * NUTS_FIELDS.length + ACTIVE]).some((a) => a !== 0)) break;
  }
  dispatch(nuts.end);
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
    if (programs.nuts) await nutsTransition(state, programs.nuts, gradient, hmc, t, begin);
    else if (programs.hmc) {
      const fixed = programs.hmc;
      recorder.dispatch(fixed.momentum, undefined);
      for (let l = 0; l < hmc.leapfrogSteps; l++) {
        recorder.dispatch(fixed.kickDrift, undefined);
        gradient();
        recorder.dispatch(fixed.kick, undefined);
      }
      recorder.dispatch(fixed.accept, undefined);
      recorder.dispatch(fixed.restore, undefined);
    }
    const k = keptSample(hmc, t);
    if (k !== null) recorder.copy(theta, 0, kept, k * M * P * 4, M * P * 4);
    if ((t + 1) % HMC_TRANSITIONS_PER_SUBMIT === 0) {
      await recorder.flush();
      plan.run.signal?.throwIfAborted();
    }
  }
  await recorder.flush();
  ctx.assertHealthy();
  const read = async (name: Parameters<typeof trainBuffer>[1], floats: number) => new Float32Array(await readBuffer(ctx, trainBuffer(buffers, name), 0, floats * 4));
  const all = await read('hmc_samples', hmc.samples * M * P);
  return {
    theta: await read('theta', M * P),
    samples: Array.from({ length: hmc.samples }, (_, k) => all.subarray(k * M * P, (k + 1) * M * P)),
    trace: await read('hmc_trace', transitions * M * HMC_TRACE_FIELDS),
    chains: await read('hmc_chain', M * CHAIN_FIELDS.length),
  };
}
