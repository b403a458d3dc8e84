/**
 * 'hmc' in float64 (src/objective/index.ts, HMC; src/objective/hmc.ts): the GPU sampler's
 * transitions with the same momenta and uniforms, so a GPU run is checked against it transition by
 * transition. The potential is U(θ) = N × 'map''s full-batch loss (objective.ts), its gradient N ×
 * the loss's.
 */
import { acceptance, dualAveragingStart, dualAveragingUpdate, hmcTransitions, keptSample, type DualAveraging, type PreparedHmc } from '../../objective/hmc.js';
import { normalAt, wordAt } from '../../random/draws.js';
import { uniformClosedOpen } from '../../random/streams.js';
import { STREAM_HMC_ACCEPT, STREAM_HMC_MOMENTUM, modelWord } from '../../random/train-streams.js';
import { minibatch, objectiveConfig } from './config.js';
import { batchPositions } from './data.js';
import { stepDraws } from './draws.js';
import { minibatchObjective } from './objective.js';
import type { OracleState } from './state.js';

/** One chain between transitions. */
export interface OracleChain {
  readonly theta: Float64Array;
  /** ∇U at θ. */
  grad: Float64Array;
  /** U(θ). */
  potential: number;
  readonly adaptation: DualAveraging;
  accepted: number;
  acceptSum: number;
  divergences: number;
  warmupDivergences: number;
}

/** What transition t did to one chain. */
export interface OracleTransition {
  /** U after the transition, the acceptance probability, the decision, the step size used, H1 - H0 and the uniform it was compared with. */
  readonly potential: number;
  readonly acceptProb: number;
  readonly accepted: boolean;
  readonly stepSize: number;
  readonly energyError: number;
  readonly uniform: number;
}

function hmcOf(state: OracleState): PreparedHmc {
  const hmc = state.setup.run.hmc;
  if (!hmc) throw new RangeError("the oracle's sampler needs method 'hmc'");
  return hmc;
}

/** U(θ) and ∇U(θ) of chain m: N × the full-batch loss and its gradient. */
export function oraclePotential(state: OracleState, m: number, theta: Float64Array): { readonly potential: number; readonly grad: Float64Array } {
  const { setup } = state;
  const model = setup.models[m];
  if (!model) throw new RangeError(`chain ${m} is not in [0, ${setup.models.length})`);
  const positions = batchPositions(setup, model, 0, 0);
  const { loss, grad } = minibatchObjective(setup.layout, objectiveConfig(setup, model), theta, minibatch(setup, model, positions), stepDraws(setup, model, 0, positions.length));
  return { potential: model.n * loss, grad: grad.map((g) => model.n * g) };
}

/** Every chain at its current θ (after the pre-fit), before the first transition. */
export function oracleChains(state: OracleState): OracleChain[] {
  const hmc = hmcOf(state);
  return state.models.map((ms, m) => {
    const { potential, grad } = oraclePotential(state, m, ms.theta);
    return { theta: ms.theta, grad, potential, adaptation: dualAveragingStart(hmc.stepSize), accepted: 0, acceptSum: 0, divergences: 0, warmupDivergences: 0 };
  });
}

/** Transition t (0-based, warm-up included) of chain m, in place. */
export function oracleTransition(state: OracleState, chain: OracleChain, m: number, t: number): OracleTransition {
  const hmc = hmcOf(state);
  const { key } = state.setup;
  const word = modelWord(state.setup.models[m]?.prepared.stream ?? m);
  const eps = chain.adaptation.stepSize;
  const p0 = Float64Array.from(chain.theta, (_, e) => normalAt(key, t, STREAM_HMC_MOMENTUM, e, word));
  const p = p0.slice();
  const theta = chain.theta.slice();
  let grad = chain.grad;
  let potential = chain.potential;
  for (let l = 0; l < hmc.leapfrogSteps; l++) {
    for (let e = 0; e < p.length; e++) {
      p[e] = (p[e] ?? NaN) - 0.5 * eps * (grad[e] ?? NaN);
      theta[e] = (theta[e] ?? NaN) + eps * (p[e] ?? NaN);
    }
    ({ potential, grad } = oraclePotential(state, m, theta));
    for (let e = 0; e < p.length; e++) p[e] = (p[e] ?? NaN) - 0.5 * eps * (grad[e] ?? NaN);
  }
  const kinetic = (v: Float64Array) => 0.5 * v.reduce((a, x) => a + x * x, 0);
  const energyError = potential + kinetic(p) - (chain.potential + kinetic(p0));
  const { probability, divergent } = acceptance(energyError);
  const uniform = uniformClosedOpen(wordAt(key, t, STREAM_HMC_ACCEPT, 0, word));
  const accepted = uniform < probability;
  if (accepted) {
    chain.theta.set(theta);
    chain.grad = grad;
    chain.potential = potential;
  }
  if (t < hmc.warmup) {
    if (divergent) chain.warmupDivergences++;
    dualAveragingUpdate(chain.adaptation, probability, t + 1, hmc.stepSize, hmc.targetAccept, t + 1 === hmc.warmup);
  } else {
    if (divergent) chain.divergences++;
    if (accepted) chain.accepted++;
    chain.acceptSum += probability;
  }
  return { potential: chain.potential, acceptProb: probability, accepted, stepSize: eps, energyError, uniform };
}

/** The sampler's whole run after the pre-fit: every chain's kept θ and U, the transitions, and the chains at the end. */
export interface OracleSampling {
  /** [chain][k]. */
  readonly samples: Float64Array[][];
  readonly potential: Float64Array[];
  /** [transition][chain]. */
  readonly transitions: OracleTransition[][];
  readonly chains: OracleChain[];
}

export function oracleSample(state: OracleState): OracleSampling {
  const hmc = hmcOf(state);
  const chains = oracleChains(state);
  const samples: Float64Array[][] = chains.map(() => []);
  const potential: number[][] = chains.map(() => []);
  const transitions: OracleTransition[][] = [];
  for (let t = 0; t < hmcTransitions(hmc); t++) {
    transitions.push(chains.map((chain, m) => oracleTransition(state, chain, m, t)));
    if (keptSample(hmc, t) === null) continue;
    chains.forEach((chain, m) => {
      samples[m]?.push(chain.theta.slice());
      potential[m]?.push(chain.potential);
    });
  }
  return { samples, potential: potential.map((u) => Float64Array.from(u)), transitions, chains };
}
