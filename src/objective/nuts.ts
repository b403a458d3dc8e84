/**
 * The No-U-Turn sampler ('hmc' with algorithm 'nuts'; Hoffman & Gelman 2014, in the multinomial form
 * of Betancourt 2017 that Stan and NumPyro use): each transition draws a momentum and doubles a
 * trajectory left or right until its ends make a U-turn (the generalised criterion on the momentum
 * sum), a leaf's energy error diverges, or maxTreeDepth doublings are done. A doubling builds its
 * subtree leaf by leaf, as NumPyro's iterative build does: the subtree's proposal is sampled
 * progressively (each new leaf taken with probability e^w / (e^w + e^W)), its U-turns checked at
 * every completed sub-subtree against momentum checkpoints (at most maxTreeDepth of them), and the
 * tree takes the subtree's proposal with the biased probability min(1, e^(W_sub − W_tree)).
 *
 * The GPU runs every chain's tree in lock step (src/train/nuts.ts): doubling j is 2^j leaf steps for
 * every chain, a chain whose tree or subtree has ended idling with step 0. This file holds the
 * per-chain state's layout and the float64 pieces the oracle (src/reference/train/nuts.ts) and the
 * WGSL (shaders/train/nuts-*.wgsl) both follow. Dual averaging adapts ε from the tree's mean
 * acceptance statistic (the leaves' min(1, e^−ΔH) averaged), as for 'hmc'.
 */

/** The per-chain tree state, NUTS_FIELDS floats per chain (buffer nuts_tree). */
export const NUTS_FIELDS = [
  /** H0 = U + |r0|²/2 at the transition's start. */
  'energy0',
  /** log Σ e^−ΔH over the tree's leaves (the start counts e^0). */
  'treeWeight',
  /** Doublings done (the next doubling's index j). */
  'depth',
  /** 1 while the tree grows. */
  'active',
  /** The current doubling's direction: 1 right (forward in time), −1 left. */
  'direction',
  /** The signed step ±ε while the chain's subtree takes leaf steps, 0 while it idles. */
  'step',
  /** The subtree: its log weight, leaves so far, U-turn and divergence flags, summed acceptance statistic, its proposal's U and H. */
  'subWeight',
  'subLeaves',
  'subTurning',
  'subDiverging',
  'subAcceptSum',
  'subProposalPotential',
  'subProposalEnergy',
  /** The tree's proposal's U and H. */
  'proposalPotential',
  'proposalEnergy',
  /** The tree's divergence, summed acceptance statistic and leaves (leapfrog steps). */
  'diverging',
  'acceptSum',
  'leaves',
  /** 1 once the proposal left the start. */
  'moved',
] as const;

export type NutsField = (typeof NUTS_FIELDS)[number];

/** The per-chain θ-sized vectors before the checkpoints (buffer nuts_vec, [chain][vector][θ element]). */
export const NUTS_VECTORS = [
  'leftTheta',
  'leftMomentum',
  'leftGrad',
  'rightTheta',
  'rightMomentum',
  'rightGrad',
  'proposalTheta',
  'proposalGrad',
  'subProposalTheta',
  'subProposalGrad',
  /** Σ r over the tree's leaves, and over the current subtree's. */
  'momentumSum',
  'subMomentumSum',
] as const;

/** θ-sized vectors per chain: NUTS_VECTORS, then maxTreeDepth momentum checkpoints and as many momentum-sum checkpoints. */
export function nutsVectorsPerChain(maxTreeDepth: number): number {
  return NUTS_VECTORS.length + 2 * maxTreeDepth;
}

/** A leaf whose energy error is not finite gets this log weight (WGSL has no guaranteed infinities): e^w underflows to 0 in float32 and float64. */
export const NEGLIGIBLE_LOG_WEIGHT = -1e30;

/** log(e^a + e^b), written as the WGSL computes it. */
export function logAddExp(a: number, b: number): number {
  const hi = Math.max(a, b);
  return hi + Math.log(1 + Math.exp(Math.min(a, b) - hi));
}

function popcount(n: number): number {
  let c = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) c += v & 1;
  return c;
}

/**
 * The checkpoints leaf n (0-based in its subtree) checks (NumPyro's _leaf_idx_to_ckpt_idxs): max =
 * the set bits of n above bit 0 (where an even leaf stores its momentum and the running sum), min =
 * max − (n's trailing ones) + 1; leaf n closes a sub-subtree with each checkpoint from max down to min.
 */
export function checkpointRange(n: number): { readonly min: number; readonly max: number } {
  const max = popcount(n >>> 1);
  const trailingOnes = popcount(((~n & (n + 1)) >>> 0) - 1);
  return { min: max - trailingOnes + 1, max };
}

/**
 * The generalised U-turn criterion (identity mass): with s = Σr − (rL + rR)/2, turning when rL·s <= 0
 * or rR·s <= 0. `margin` is the smaller |cosine| of the two angles: how far the decision is from
 * flipping under rounding (a float32 run and this float64 one may decide a small margin either way).
 */
export function turningCheck(left: ArrayLike<number>, right: ArrayLike<number>, sum: ArrayLike<number>): { readonly turning: boolean; readonly margin: number } {
  let leftDot = 0;
  let rightDot = 0;
  let ll = 0;
  let rr = 0;
  let ss = 0;
  for (let e = 0; e < sum.length; e++) {
    const l = left[e] ?? NaN;
    const r = right[e] ?? NaN;
    const s = (sum[e] ?? NaN) - 0.5 * (l + r);
    leftDot += l * s;
    rightDot += r * s;
    ll += l * l;
    rr += r * r;
    ss += s * s;
  }
  const margin = Math.min(Math.abs(leftDot) / Math.sqrt(ll * ss), Math.abs(rightDot) / Math.sqrt(rr * ss));
  return { turning: leftDot <= 0 || rightDot <= 0, margin: Number.isNaN(margin) ? 0 : margin };
}
