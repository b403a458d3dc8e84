/**
 * The checks every part of model validation shares: a ModelFormatError naming the problem, and
 * float32-aware range checks (a number must stay finite after Math.fround, a scale a normal float32,
 * a noise scale one whose likelihood scale and variance float32 holds: noise-range.ts).
 */
import { ModelFormatError } from '../errors.js';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL, FLOAT32_SCALE_RANGE, isFloat32Finite, isFloat32PositiveNormal } from '../float32.js';
import { linkText, noiseScaleFits, sigmaRangeText, type Link } from './noise-range.js';
import { previewJson } from './strict-json.js';
import { type NormalLikelihood, type NoiseSpec, type PosteriorKind } from './spec.js';

export const POSTERIOR_KINDS: readonly PosteriorKind[] = ['normal', 'delta'];
// 'logitnormal' last: messages list the kinds in this order, and the older ones read as before.
export const NOISE_KINDS: readonly NoiseSpec['kind'][] = ['fixed', 'lognormal', 'gamma', 'heteroscedastic', 'logitnormal'];
export const LINKS: readonly NormalLikelihood['link'][] = ['sigma', 'sigma2'];

export function fail(message: string): never {
  throw new ModelFormatError(`model: ${message}`);
}

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function checkPositiveInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${what} must be a positive integer (got ${value})`);
}

export const FLOAT32_MAX_TEXT = FLOAT32_MAX.toPrecision(8);

/** What a number becomes in float32 when that is what makes it unusable (0, Infinity, subnormal), for messages. */
export function float32Note(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || value === 0) return '';
  const rounded = Math.fround(value);
  if (rounded === 0) return ', which is 0 in float32';
  if (!Number.isFinite(rounded)) return ', which overflows to Infinity in float32';
  if (Math.abs(rounded) < FLOAT32_MIN_NORMAL) return ', which is subnormal in float32';
  return '';
}

/** A float32 tensor value for messages: 8 significant digits, so 1e-30 does not print as 1.0000000031710769e-30. */
export const float32Text = (value: number): number => Number(value.toPrecision(8));

/** A scale: finite and >= the smallest normal float32 after rounding to float32. */
export function checkPositive(value: number, what: string): void {
  if (!isFiniteNumber(value) || !isFloat32PositiveNormal(value)) {
    fail(`${what} must be a finite number > 0 in float32's normal range ${FLOAT32_SCALE_RANGE} (got ${value}${float32Note(value)})`);
  }
}

export function checkFinite(value: number, what: string): void {
  if (!isFiniteNumber(value) || !isFloat32Finite(value)) {
    fail(`${what} must be a finite number within float32's range, |x| <= ${FLOAT32_MAX_TEXT} (got ${value}${float32Note(value)})`);
  }
}

/** A fixed sigma, or one drawn at the extremes of its posterior: see noise-range.ts. */
export function checkNoiseScale(sigma: number, link: Link, what: string): void {
  if (!noiseScaleFits(sigma, link)) {
    fail(
      `${what} gives sigma = ${sigma.toPrecision(3)}${float32Note(sigma)}: float32 cannot hold its likelihood scale ` +
        `and noise variance; ${linkText(link)}, sigma must lie in ${sigmaRangeText(link)}`,
    );
  }
}

export function checkOneOf<T>(value: T, options: readonly T[], what: string): void {
  if (!options.includes(value)) fail(`${what} is ${previewJson(value)}; known: ${options.join(', ')}`);
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNumberArray = (v: unknown): boolean => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
