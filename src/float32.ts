/**
 * float32's range, for validating numbers the GPU will see. The engine computes in float32 (WGSL
 * f32), so a model number that is finite in float64 can still become Infinity or 0 on the device:
 * 1e39 overflows, 1e-300 rounds to 0, and a subnormal scale is flushed to 0 by many GPUs (WGSL
 * allows it). Validation therefore asks what a number is after Math.fround, not before.
 */

/** Largest finite float32, (2 - 2^-23) * 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Smallest positive normal float32, 2^-126. Scales below it may be flushed to 0 on the GPU. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/** log(FLOAT32_MAX): exp(x) overflows float32 above this (about 88.72). */
export const LOG_FLOAT32_MAX = Math.log(FLOAT32_MAX);

/** log(FLOAT32_MIN_NORMAL): exp(x) is subnormal or 0 in float32 below this (about -87.34). */
export const LOG_FLOAT32_MIN_NORMAL = Math.log(FLOAT32_MIN_NORMAL);

/** Whether `value` stays finite when rounded to float32. */
export function isFloat32Finite(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

/** Whether `value` rounds to a finite float32 that is >= the smallest normal (a usable scale). */
export function isFloat32PositiveNormal(value: number): boolean {
  const rounded = Math.fround(value);
  return Number.isFinite(rounded) && rounded >= FLOAT32_MIN_NORMAL;
}

/** The float32 range of usable scales, for messages. */
export const FLOAT32_SCALE_RANGE = '[1.1754944e-38, 3.4028235e38]';
