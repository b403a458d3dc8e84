/**
 * Random draws of training, addressed like inference draws (src/random/streams.ts) with the 4th
 * Philox counter word = the model's stream identity s + 1 (ModelHyper.stream, default the model's
 * index in the call), so models trained together draw independent streams, a model draws the same
 * numbers whichever models share its call, and no training draw collides with an inference draw
 * (which use word 0). A model's step t_m = epoch * its steps per epoch + step in the epoch counts
 * its own steps (not the call's longest model's).
 *
 * - initialisation of θ element e: normalAt(key, 0, STREAM_INIT, e, s + 1)
 * - reparameterisation eps of θ-loc element e (layer-local flat [W, b] index, as in inference) of layer
 *   l at step t_m, K-sample k: normalAt(key, t_m * K + k, layerStream(l, STREAM_WEIGHTS), e, s + 1)
 * - 'mc-dropout' keep of unit i of layer l's input for batch slot b of B at step t_m: 16-bit half
 *   b mod 8 of Philox block (floor(b / 8) * inputs + i, t_m, layerStream(l, STREAM_DROPOUT), s + 1)
 *   is below round((1 − p) 2^16) (trainDropoutHalf, trainKeepThreshold): a unit's masks of 8
 *   consecutive slots come from one block, whatever the call's batch, so a kernel carrying rows
 *   in vec4 lanes draws them in one call (8 masks a block, not 4, halved the masks' cost in the
 *   'lanes' step: bench/README.md)
 * - 'concrete-dropout''s logistic noise of that unit: log(c) − log(2^24 − c), c = 2 (word >>> 9) + 1
 *   (src/objective/concrete.ts) of wordAt(key, t_m, layerStream(l, STREAM_DROPOUT), b * inputs + i, s + 1)
 * - sigma's eps ('vi') at step t_m, K-sample k: word pair (0, 1) of block (0, t_m * K + k, STREAM_NOISE, s + 1), cos branch
 * - shuffle round keys of epoch e: src/random/shuffle.ts, block (0, e, STREAM_SHUFFLE, s + 1)
 * - SWAG's posterior draws (src/swag/draws.ts), draw d of the model with stream s: the diagonal
 *   part's z1 for θ element e is normalAt(key, d, STREAM_SWAG_DIAGONAL, e, s + 1), the low-rank
 *   part's z2 for deviation column j is normalAt(key, d, STREAM_SWAG_LOW_RANK, j, s + 1)
 * - the samplers' noise ('sgmcmc') on θ element e at step t_m: normalAt(key, t_m, STREAM_SAMPLER, e, s + 1)
 * - Laplace's last-layer draw d, element i (the last layer's [W, b] in θ order) of the model with
 *   stream s: normalAt(key, d, STREAM_LAPLACE, i, s + 1) (src/laplace/to-model.ts)
 * - 'hmc' momentum of θ element e of the chain with stream s at transition t (0-based, warm-up included):
 *   normalAt(key, t, STREAM_HMC_MOMENTUM, e, s + 1)
 * - 'hmc' Metropolis uniform of the chain with stream s at transition t: uniformClosedOpen(wordAt(key, t, STREAM_HMC_ACCEPT, 0, s + 1))
 * - 'nuts' doubling j of transition t (src/objective/nuts.ts): the direction is right when
 *   wordAt(key, t, STREAM_NUTS_TREE, 4j, s + 1) >>> 31 is 1, the tree takes the subtree's proposal
 *   when uniformClosedOpen(wordAt(key, t, STREAM_NUTS_TREE, 4j + 1, s + 1)) is below its probability
 * - 'nuts' leaf n > 0 of doubling j's subtree at transition t joins the subtree's proposal when
 *   uniformClosedOpen(wordAt(key, t, STREAM_NUTS_LEAF, 2^j − 1 + n, s + 1)) is below its probability
 */
import type { Key } from './draws.js';
import { philox4x32 } from './philox.js';

export const STREAM_INIT = 0xfff00010;
export const STREAM_SHUFFLE = 0xfff00011;
export const STREAM_SWAG_DIAGONAL = 0xfff00a00;
export const STREAM_SWAG_LOW_RANK = 0xfff00a01;
export const STREAM_SAMPLER = 0xfff00020;
export const STREAM_LAPLACE = 0xfff00030;
export const STREAM_HMC_MOMENTUM = 0xfff00040;
export const STREAM_HMC_ACCEPT = 0xfff00041;
export const STREAM_NUTS_TREE = 0xfff00042;
export const STREAM_NUTS_LEAF = 0xfff00043;

/** The largest stream identity: its counter word s + 1 must fit a u32 and 0 is inference's. */
export const MAX_MODEL_STREAM = 2 ** 32 - 2;

/** The 4th Philox counter word of the draws of the model with stream identity `stream`. */
export function modelWord(stream: number): number {
  return (stream + 1) >>> 0;
}

/**
 * The 16-bit half of the Philox block that decides 'mc-dropout''s keep of (batch slot `slot`, input unit
 * `unit` of `inputs`) at sample (the model's step) `sample` of `stream`: half slot mod 8 of block
 * ⌊slot / 8⌋ * inputs + unit, the low half of word ⌊(slot mod 8) / 2⌋ first.
 */
export function trainDropoutHalf(key: Key, sample: number, stream: number, slot: number, unit: number, inputs: number, word3: number): number {
  const block = Math.floor(slot / 8) * inputs + unit;
  const words = philox4x32(block >>> 0, sample >>> 0, stream >>> 0, word3 >>> 0, key[0], key[1]);
  const h = slot % 8;
  return ((words[h >> 1] ?? 0) >>> (16 * (h & 1))) & 0xffff;
}

/** Threshold t of 'mc-dropout''s training masks: keep ⇔ half < t, P(keep) = t / 2^16 ≈ 1 − rate. */
export function trainKeepThreshold(rate: number): number {
  return Math.round((1 - rate) * 65536);
}
