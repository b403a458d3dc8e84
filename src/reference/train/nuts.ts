/**
 * 'nuts' in float64 (src/objective/nuts.ts): one transition of the No-U-Turn sampler for one chain,
 * the GPU's lock-step tree (shaders/train/nuts-*.wgsl) written as a plain loop, with the same
 * momenta, directions and uniforms, so a GPU run is checked against it transition by transition.
 */
import { DIVERGENCE_THRESHOLD } from '../../objective/hmc.js';
import { NEGLIGIBLE_LOG_WEIGHT, checkpointRange, logAddExp, turningCheck } from '../../objective/nuts.js';
import { normalAt, wordAt } from '../../random/draws.js';
import { uniformClosedOpen } from '../../random/streams.js';
import { STREAM_HMC_MOMENTUM, STREAM_NUTS_LEAF, STREAM_NUTS_TREE, modelWord } from '../../random/train-streams.js';
import { endTransition, hmcOf, oraclePotential, type OracleChain, type OracleTransition } from './chain.js';
import type { OracleState } from './state.js';

/** A point of the trajectory: θ, its momentum and ∇U. */
interface Point {
  readonly theta: Float64Array;
  readonly r: Float64Array;
  grad: Float64Array;
}

interface Proposal {
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly potential: number;
  readonly energy: number;
}

const copy = (p: Point): Point => ({ theta: p.theta.slice(), r: p.r.slice(), grad: p.grad.slice() });

function addInto(into: Float64Array, v: ArrayLike<number>): void {
  for (let e = 0; e < into.length; e++) into[e] = (into[e] ?? NaN) + (v[e] ?? NaN);
}

/** Transition t (0-based, warm-up included) of chain m, in place. */
export function oracleNutsTransition(state: OracleState, chain: OracleChain, m: number, t: number): OracleTransition {
  const hmc = hmcOf(state);
  const { key } = state.setup;
  const word = modelWord(state.setup.models[m]?.prepared.stream ?? m);
  const eps = chain.adaptation.stepSize;
  const size = chain.theta.length;
  const r0 = Float64Array.from(chain.theta, (_, e) => normalAt(key, t, STREAM_HMC_MOMENTUM, e, word));
  const energy0 = chain.potential + 0.5 * r0.reduce((a, x) => a + x * x, 0);
  const start: Point = { theta: chain.theta.slice(), r: r0, grad: chain.grad.slice() };
  let left = copy(start);
  let right = copy(start);
  let proposal: Proposal = { theta: start.theta, grad: start.grad, potential: chain.potential, energy: energy0 };
  const momentumSum = r0.slice();
  const checkpointR = Array.from({ length: hmc.maxTreeDepth }, () => new Float64Array(size));
  const checkpointSum = Array.from({ length: hmc.maxTreeDepth }, () => new Float64Array(size));
  let treeWeight = 0;
  let depth = 0;
  let turning = false;
  let diverging = false;
  let acceptSum = 0;
  let leaves = 0;
  let moved = false;
  let margin = Infinity;
  while (depth < hmc.maxTreeDepth && !turning && !diverging) {
    const j = depth;
    const goingRight = wordAt(key, t, STREAM_NUTS_TREE, 4 * j, word) >>> 31 === 1;
    const step = (goingRight ? 1 : -1) * eps;
    const z = copy(goingRight ? right : left);
    const subSum = new Float64Array(size);
    let subWeight = 0;
    let subLeaves = 0;
    let subTurning = false;
    let subDiverging = false;
    let subAcceptSum = 0;
    let subProposal: Proposal | null = null;
    for (;;) {
      for (let e = 0; e < size; e++) {
        z.r[e] = (z.r[e] ?? NaN) - 0.5 * step * (z.grad[e] ?? NaN);
        z.theta[e] = (z.theta[e] ?? NaN) + step * (z.r[e] ?? NaN);
      }
      const at = oraclePotential(state, m, z.theta);
      z.grad = at.grad;
      for (let e = 0; e < size; e++) z.r[e] = (z.r[e] ?? NaN) - 0.5 * step * (z.grad[e] ?? NaN);
      const n = subLeaves;
      addInto(subSum, z.r);
      const energy = at.potential + 0.5 * z.r.reduce((a, x) => a + x * x, 0);
      const de = energy - energy0;
      const bad = !Number.isFinite(de);
      const divergent = bad || de > DIVERGENCE_THRESHOLD;
      const weight = bad ? NEGLIGIBLE_LOG_WEIGHT : -de;
      let take = true;
      if (n > 0) {
        const u = uniformClosedOpen(wordAt(key, t, STREAM_NUTS_LEAF, 2 ** j - 1 + n, word));
        const probability = 1 / (1 + Math.exp(subWeight - weight));
        take = !bad && u < probability;
        margin = Math.min(margin, Math.abs(u - probability));
        subWeight = logAddExp(subWeight, weight);
      } else subWeight = weight;
      if (take) subProposal = { theta: z.theta.slice(), grad: z.grad, potential: at.potential, energy };
      subAcceptSum += bad ? 0 : Math.min(1, Math.exp(-de));
      subLeaves = n + 1;
      if (divergent) subDiverging = true;
      const range = checkpointRange(n);
      if (n % 2 === 0) {
        checkpointR[range.max]?.set(z.r);
        checkpointSum[range.max]?.set(subSum);
      }
      for (let i = range.max; i >= range.min && !subTurning; i--) {
        const leftR = checkpointR[i] ?? new Float64Array(size);
        const sum = subSum.map((s, e) => s - (checkpointSum[i]?.[e] ?? NaN) + (leftR[e] ?? NaN));
        const check = turningCheck(leftR, z.r, sum);
        subTurning = check.turning;
        margin = Math.min(margin, check.margin);
      }
      if (subTurning || divergent || subLeaves === 2 ** j) break;
    }
    if (goingRight) right = z;
    else left = z;
    addInto(momentumSum, subSum);
    const probability = subTurning || subDiverging ? 0 : Math.min(1, Math.exp(subWeight - treeWeight));
    const u = uniformClosedOpen(wordAt(key, t, STREAM_NUTS_TREE, 4 * j + 1, word));
    if (probability > 0) margin = Math.min(margin, Math.abs(u - probability));
    if (u < probability && subProposal) {
      proposal = subProposal;
      moved = true;
    }
    treeWeight = logAddExp(treeWeight, subWeight);
    if (subTurning) turning = true;
    else {
      const check = turningCheck(left.r, right.r, momentumSum);
      turning = check.turning;
      margin = Math.min(margin, check.margin);
    }
    diverging = subDiverging;
    acceptSum += subAcceptSum;
    leaves += subLeaves;
    depth++;
  }
  chain.theta.set(proposal.theta);
  chain.grad = proposal.grad;
  chain.potential = proposal.potential;
  const acceptProb = acceptSum / leaves;
  endTransition(hmc, chain, t, { acceptProb, accepted: moved, divergent: diverging, treeDepth: depth, leapfrogSteps: leaves });
  return {
    potential: chain.potential,
    acceptProb,
    accepted: moved,
    stepSize: eps,
    energyError: proposal.energy - energy0,
    uniform: NaN,
    treeDepth: depth,
    leapfrogSteps: leaves,
    margin,
  };
}
