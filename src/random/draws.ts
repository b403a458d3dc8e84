/**
 * The random draws of the model, in float64, addressed as streams.ts describes. The WGSL kernels
 * (shaders/lib/random.wgsl) compute the same draws from the same Philox words in float32.
 */
import { philox4x32 } from './philox.js';
import { GAMMA_MAX_ATTEMPTS, STREAM_NOISE, boxMuller, uniformOpenClosed } from './streams.js';

export type Key = readonly [number, number];

/** Standard normal number `element` of (sample, stream); word3 is the 4th counter word (training: model + 1): lanes (0,1) and (2,3) of a block are Box-Muller pairs, cos for the even lane. */
export function normalAt(key: Key, sample: number, stream: number, element: number, word3 = 0): number {
  const w = philox4x32(Math.floor(element / 4) >>> 0, sample >>> 0, stream >>> 0, word3 >>> 0, key[0], key[1]);
  const lane = element & 3;
  const pair = lane >> 1;
  return boxMuller(w[2 * pair] ?? 0, w[2 * pair + 1] ?? 0, (lane & 1) === 1);
}

/** Raw u32 word `element` of (sample, stream). */
export function wordAt(key: Key, sample: number, stream: number, element: number, word3 = 0): number {
  const w = philox4x32(Math.floor(element / 4) >>> 0, sample >>> 0, stream >>> 0, word3 >>> 0, key[0], key[1]);
  return w[element & 3] ?? 0;
}

/** Dropout keep decision for unit `unit` of (sample, stream): keep iff top 24 bits < threshold. */
export function dropoutKeep(key: Key, sample: number, stream: number, unit: number, keepThreshold: number): boolean {
  return wordAt(key, sample, stream, unit) >>> 8 < keepThreshold;
}

/**
 * Gamma(concentration, 1) draw for a posterior sample, Marsaglia & Tsang (2000).
 * Attempt k uses block (k, sample, STREAM_NOISE, 0): words 0,1 -> a Box-Muller normal (cos),
 * word 2 -> the acceptance uniform, word 3 -> the boost uniform u^(1/a) when concentration < 1.
 * If every attempt is rejected (probability < 0.05^16) the draw is d (the mode region).
 */
export function gammaDraw(key: Key, sample: number, concentration: number): number {
  const boost = concentration < 1;
  const a = boost ? concentration + 1 : concentration;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let k = 0; k < GAMMA_MAX_ATTEMPTS; k++) {
    const w = philox4x32(k, sample >>> 0, STREAM_NOISE, 0, key[0], key[1]);
    const x = boxMuller(w[0], w[1], false);
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = uniformOpenClosed(w[2]);
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
      const g = d * v;
      return boost ? g * Math.pow(uniformOpenClosed(w[3]), 1 / concentration) : g;
    }
  }
  return d;
}

/** Standard normal for a sample's LogNormal sigma: block (0, sample, STREAM_NOISE, 0), words 0,1 (cos). */
export function noiseNormal(key: Key, sample: number): number {
  const w = philox4x32(0, sample >>> 0, STREAM_NOISE, 0, key[0], key[1]);
  return boxMuller(w[0], w[1], false);
}
