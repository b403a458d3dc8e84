/**
 * Typed reading of the option objects the public API takes (predict, score, train, ensembles).
 * JavaScript callers pass anything: null, strings where numbers belong, misspelt keys. Each reader
 * returns the value in its declared type or throws an InvalidInputError naming the option, what it
 * must be and what it was, so a mistake never becomes a NaN deep inside a kernel. Numbers are
 * checked in float32 terms, since float32 is what the GPU computes in.
 */
import { InvalidInputError, preview } from './errors.js';
import { FLOAT32_MIN_NORMAL, isFloat32Finite } from './float32.js';
import type { AbortSignalLike } from './platform-types.js';

/** Whether v is a number that stays finite when rounded to float32. */
export function isFiniteFloat32(v: unknown): v is number {
  return typeof v === 'number' && isFloat32Finite(v);
}

/** A value for a message: numbers and strings as they are (strings quoted and cut short), others by type. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${preview(v, 40)}' (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * The options object of `what` (e.g. 'predict options'): undefined means {}, anything but a plain
 * object is an error, and so is a key outside `known` (a misspelt option is never ignored) and a
 * key set to null (null is not "the default": an option is left out for that).
 */
export function readOptionsObject(value: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${what} must be an object, got ${describeValue(value)}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      throw new InvalidInputError(`${what} has no option '${preview(key, 40)}'; known: ${known.join(', ')}`);
    }
    if (record[key] === null) throw new InvalidInputError(`${what}: ${key} is null; leave it out to use its default`);
  }
  return record;
}

function fail(name: string, expected: string, got: unknown): never {
  throw new InvalidInputError(`${name} must be ${expected}, got ${describeValue(got)}`);
}

/** An integer in [min, max] (a number, not a numeric string). */
export function integerOption(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(name, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** A number finite in float32, optionally > 0 (positive) or within an open/closed range. */
export function numberOption(value: unknown, name: string, range: { positive?: boolean; min?: number; max?: number; exclusive?: boolean } = {}): number {
  if (!isFiniteFloat32(value)) fail(name, 'a number that is finite in float32', value);
  if (range.positive && !(value > 0)) fail(name, 'a number > 0', value);
  const { min, max, exclusive } = range;
  if (min !== undefined && (exclusive ? !(value > min) : !(value >= min))) fail(name, `a number ${exclusive ? '>' : '>='} ${min}`, value);
  if (max !== undefined && (exclusive ? !(value < max) : !(value <= max))) fail(name, `a number ${exclusive ? '<' : '<='} ${max}`, value);
  return value;
}

/** A positive scale: finite in float32 and at least the smallest normal float32 once rounded. */
export function scaleOption(value: unknown, name: string): number {
  const v = numberOption(value, name, { positive: true });
  if (Math.fround(v) < FLOAT32_MIN_NORMAL) fail(name, `a number >= ${FLOAT32_MIN_NORMAL} (the smallest normal float32)`, value);
  return v;
}

export function booleanOption(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') fail(name, 'true or false', value);
  return value;
}

export function oneOfOption<T extends string>(value: unknown, name: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    fail(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/** `read(value)` when the option is present, `fallback` when undefined. */
export function optional<T>(value: unknown, fallback: T, read: (v: unknown) => T): T {
  return value === undefined ? fallback : read(value);
}

/** An AbortSignal (by its shape: `aborted` and `throwIfAborted`, so any realm's or polyfill's signal works). */
export function abortSignalOption(value: unknown, name: string): AbortSignalLike {
  const v = value as Partial<AbortSignalLike> | null;
  if (typeof v !== 'object' || v === null || typeof v.aborted !== 'boolean' || typeof v.throwIfAborted !== 'function') {
    fail(name, 'an AbortSignal (from an AbortController)', value);
  }
  return value as AbortSignalLike;
}
