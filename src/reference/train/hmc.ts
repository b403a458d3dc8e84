/**
 * 'hmc' in float64 (src/objective/index.ts, HMC; src/objective/hmc.ts): the GPU sampler's
 * transitions with the same momenta and uniforms, so a GPU run is checked against it transition by
 * transition; 'nuts''s transition is nuts.ts, the pieces both share chain.ts.
 */
import { acceptance, hmcTransitions, keptSample } from '../../objective/hmc.js';
import { normalAt, wordAt } from '../../random/draws.js';
import { uniformClosedOpen } from '../../random/streams.js';
import { STREAM_HMC_ACCEPT, STREAM_HMC_MOMENTUM, modelWord } from '../../random/train-streams.js';
import { endTransition, hmcOf, oracleChains, oraclePotential, type OracleChain, type OracleTransition } from './chain.js';
import { oracleNutsTransition } from './nuts.js';
import type { OracleState } from './state.js';

/** Transition t (0-based, warm-up included) of chain m, in place, by hmc.algorithm. */
export function oracleTransition(state: OracleState, chain: OracleChain, m: number, t: number): OracleTransition {
  return hmcOf(state).algorithm === 'nuts' ? oracleNutsTransition(state, chain, m, t) : fixedLengthTransition(state, chain, m, t);
}

function fixedLengthTransition(state: OracleState, chain: OracleChain, m: number, t: number): OracleTransition {
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
  endTransition(hmc, chain, t, { acceptProb: probability, accepted, divergent, treeDepth: 0, leapfrogSteps: hmc.leapfrogSteps });
  return {
    potential: chain.potential,
    acceptProb: probability,
    accepted,
    stepSize: eps,
    energyError,
    uniform,
    treeDepth: 0,
    leapfrogSteps: hmc.leapfrogSteps,
    margin: Math.abs(uniform - probability),
  };
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
