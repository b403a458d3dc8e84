/**
 * The samplers' shared float64 pieces ('hmc' and 'nuts', src/objective/hmc.ts): a chain between
 * transitions, what a transition did, the potential U(θ) = N × 'map''s full-batch loss and its
 * gradient, and the end of a transition (dual averaging, counters), as shaders/train/hmc-end.wgsl.
 */
import { dualAveragingStart, dualAveragingUpdate, type DualAveraging, type PreparedHmc } from '../../objective/hmc.js';
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
  /** 'nuts', after warm-up: tree depths and leapfrog steps summed, transitions that hit maxTreeDepth. */
  treeDepthSum: number;
  leapfrogSum: number;
  maxDepthHits: number;
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
  /** 'nuts': doublings and leapfrog steps ('hmc': 0 and L). */
  readonly treeDepth: number;
  readonly leapfrogSteps: number;
  /**
   * The smallest distance of a random or U-turn decision from flipping (|uniform − probability|, or
   * the U-turn's |cosine|): where it is tiny, float32 may decide the other way.
   */
  readonly margin: number;
}

export function hmcOf(state: OracleState): PreparedHmc {
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
    return {
      theta: ms.theta,
      grad,
      potential,
      adaptation: dualAveragingStart(hmc.stepSize),
      accepted: 0,
      acceptSum: 0,
      divergences: 0,
      warmupDivergences: 0,
      treeDepthSum: 0,
      leapfrogSum: 0,
      maxDepthHits: 0,
    };
  });
}

/** The end of a transition of either sampler: dual averaging in warm-up, the counters after it (shaders/train/hmc-end.wgsl). */
export function endTransition(
  hmc: PreparedHmc,
  chain: OracleChain,
  t: number,
  outcome: { readonly acceptProb: number; readonly accepted: boolean; readonly divergent: boolean; readonly treeDepth: number; readonly leapfrogSteps: number },
): void {
  if (t < hmc.warmup) {
    if (outcome.divergent) chain.warmupDivergences++;
    dualAveragingUpdate(chain.adaptation, outcome.acceptProb, t + 1, hmc.stepSize, hmc.targetAccept, t + 1 === hmc.warmup);
    return;
  }
  if (outcome.divergent) chain.divergences++;
  if (outcome.accepted) chain.accepted++;
  chain.acceptSum += outcome.acceptProb;
  chain.treeDepthSum += outcome.treeDepth;
  chain.leapfrogSum += outcome.leapfrogSteps;
  if (hmc.maxTreeDepth > 0 && outcome.treeDepth >= hmc.maxTreeDepth) chain.maxDepthHits++;
}
