/**
 * How random draws are addressed: every draw is a pure function of (seed, posterior sample, stream,
 * element), never of workgroup size, chunking or dispatch order. Shared by the GPU kernels
 * (shaders/lib/random.wgsl) and the float64 oracle, which must agree bit for bit on the words.
 *
 * Philox counter = (element >> 2, sample, stream, 0), key = (seed low 32 bits, seed high bits).
 * A block gives 4 words; element e uses lane e & 3.
 */

import { InvalidInputError } from '../errors.js';

/** Streams per layer: weights (flat [units*inputs weights, then units biases]), dropout mask, marginal pre-activations. */
export const STREAMS_PER_LAYER = 4;
export const STREAM_WEIGHTS = 0;
export const STREAM_DROPOUT = 1;
export const STREAM_MARGINAL = 2;
/** Flipout's per-example sign vectors (training). */
export const STREAM_FLIP = 3;
/** Noise draws (sigma per sample) live far above any layer's streams. */
export const STREAM_NOISE = 0xfff00000;
/** Observation draws y = f + scale * eps, when per-sample y is asked for. */
export const STREAM_OBSERVATION = 0xfff00001;
/**
 * Gamma draws of the observation models (Beta, Dirichlet, Student-t y draws): counter
 * (attempt, sample, STREAM_OBSERVATION_GAMMA, element), one Philox block per Marsaglia-Tsang
 * attempt; the element in the 4th word (observation-draws.ts lists the element of each kind).
 */
export const STREAM_OBSERVATION_GAMMA = 0xfff00002;

export function layerStream(layer: number, kind: number): number {
  return layer * STREAMS_PER_LAYER + kind;
}

/** 2^-24: uniforms are built from the top 24 bits of a word, so f32 and f64 see the same value. */
export const TWO_POW_M24 = 5.9604644775390625e-8;

/** Uniform in (0, 1] from a u32 word (never 0: safe for log). Exact in f32 and f64. */
export function uniformOpenClosed(word: number): number {
  return ((word >>> 8) + 1) * TWO_POW_M24;
}

/** Uniform in [0, 1) from a u32 word. Exact in f32 and f64. */
export function uniformClosedOpen(word: number): number {
  return (word >>> 8) * TWO_POW_M24;
}

/** Box-Muller: words (a, b) give z = sqrt(-2 ln u1) * (cos|sin)(2 pi u2), u1 from a in (0,1], u2 from b. */
export function boxMuller(a: number, b: number, useSin: boolean): number {
  const r = Math.sqrt(-2 * Math.log(uniformOpenClosed(a)));
  // theta in [-pi, pi): WGSL guarantees sin/cos accuracy (2^-11 absolute) only on that interval.
  const theta = 2 * Math.PI * uniformClosedOpen(b) - Math.PI;
  return r * (useSin ? Math.sin(theta) : Math.cos(theta));
}

/** Integer threshold t with keep <=> (word >>> 8) < t, i.e. P(keep) = t / 2^24 ~= 1 - rate. */
export function dropoutKeepThreshold(rate: number): number {
  return Math.round((1 - rate) * 16777216);
}

/** Split a user seed (non-negative safe integer) into the two Philox key words. */
export function seedToKey(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidInputError(`seed must be a non-negative safe integer, got ${String(seed)}`);
  }
  const lo = seed % 4294967296;
  const hi = Math.floor(seed / 4294967296);
  return [lo >>> 0, hi >>> 0];
}

/** Added to the key's high word per ensemble member (the golden-ratio constant: members far apart). */
export const MEMBER_KEY_STRIDE = 0x9e3779b9;

/**
 * The Philox key of member m of an ensemble predicted with `seed`: member 0 uses the seed's own key
 * (a one-member ensemble draws as the single model does), member m adds m * MEMBER_KEY_STRIDE to
 * the high word, so members draw independent streams.
 */
export function memberKey(seed: number, member: number): [number, number] {
  const [lo, hi] = seedToKey(seed);
  return [lo, (hi + Math.imul(member, MEMBER_KEY_STRIDE)) >>> 0];
}

/** Marsaglia-Tsang attempts before giving up (acceptance >= 0.95 per attempt, so 16 never all fail in practice). */
export const GAMMA_MAX_ATTEMPTS = 16;
