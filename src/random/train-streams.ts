/**
 * Random draws of training, addressed like inference draws (src/random/streams.ts) with the 4th
 * Philox counter word = model + 1, so M models trained together draw independent streams and no
 * training draw collides with an inference draw (which use word 0).
 *
 * - initialisation of θ element e of model m: normalAt(key, 0, STREAM_INIT, e, m + 1)
 * - reparameterisation eps of θ-loc element e (layer-local flat [W, b] index, as in inference) of layer
 *   l at global step t, K-sample k: normalAt(key, t * K + k, layerStream(l, STREAM_WEIGHTS), e, m + 1)
 * - dropout keep of unit i of layer l's input for batch slot b at step t:
 *   wordAt(key, t, layerStream(l, STREAM_DROPOUT), b * inputs + i, m + 1) >>> 8 < keepThreshold; concrete
 *   dropout's logistic noise of that unit is the same word's log(c) − log(2^24 − c), c = 2 (word >>> 9) + 1
 *   (src/objective/concrete.ts)
 * - sigma's eps ('vi') at step t, K-sample k: word pair (0, 1) of block (0, t * K + k, STREAM_NOISE, m + 1), cos branch
 * - shuffle round keys: src/random/shuffle.ts
 */
export const STREAM_INIT = 0xfff00010;
export const STREAM_SHUFFLE = 0xfff00011;

export function modelWord(model: number): number {
  return (model + 1) >>> 0;
}
