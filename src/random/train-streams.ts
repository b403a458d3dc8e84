/**
 * Random draws of training, addressed like inference draws (src/random/streams.ts) with the 4th
 * Philox counter word = model + 1, so M models trained together draw independent streams and no
 * training draw collides with an inference draw (which use word 0).
 *
 * - initialisation of θ element e of model m: normalAt(key, 0, STREAM_INIT, e, m + 1)
 * - reparameterisation eps of θ-loc element e (layer-local flat [W, b] index, as in inference) of layer
 *   l at global step t, K-sample k: normalAt(key, t * K + k, layerStream(l, STREAM_WEIGHTS), e, m + 1)
 * - dropout keep of unit i of layer l's input for batch slot b at step t:
 *   wordAt(key, t, layerStream(l, STREAM_DROPOUT), b * inputs + i, m + 1) >>> 8 < keepThreshold
 * - sigma's eps ('vi') at step t, K-sample k: word pair (0, 1) of block (0, t * K + k, STREAM_NOISE, m + 1), cos branch
 * - shuffle round keys: src/random/shuffle.ts
 * - SWAG's posterior draws (src/swag/draws.ts), draw s of model m: the diagonal part's z1 for θ
 *   element e is normalAt(key, s, STREAM_SWAG_DIAGONAL, e, m + 1), the low-rank part's z2 for
 *   deviation column j is normalAt(key, s, STREAM_SWAG_LOW_RANK, j, m + 1)
 */
export const STREAM_INIT = 0xfff00010;
export const STREAM_SHUFFLE = 0xfff00011;
export const STREAM_SWAG_DIAGONAL = 0xfff00a00;
export const STREAM_SWAG_LOW_RANK = 0xfff00a01;

export function modelWord(model: number): number {
  return (model + 1) >>> 0;
}
