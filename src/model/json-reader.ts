/** Typed reading of parsed JSON (a model spec in a file's metadata, Pyro's model description). */
import { ModelFormatError } from '../errors.js';
import { listNames } from './names.js';
import { previewJson } from './strict-json.js';

/** Reads fields of parsed JSON, naming the offending path in every error (a ModelFormatError). */
export class JsonReader {
  /** `what` names the document in messages, e.g. 'model spec'. */
  constructor(private readonly what: string) {}

  fail(message: string): never {
    throw new ModelFormatError(`${this.what}: ${message}`);
  }

  private error(path: string, expected: string, got: unknown): never {
    return this.fail(`${path} must be ${expected} (got ${previewJson(got)})`);
  }

  /** An object with only the given keys (so a misspelt optional field is not silently ignored). */
  object(value: unknown, path: string, allowedKeys?: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.error(path, 'an object', value);
    const record = value as Record<string, unknown>;
    if (allowedKeys) {
      const extra = Object.keys(record).filter((k) => !allowedKeys.includes(k));
      if (extra.length > 0) {
        this.fail(`${path} has unknown field(s) ${listNames(extra)}; known: ${allowedKeys.join(', ')}`);
      }
    }
    return record;
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number') this.error(path, 'a number', value);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.error(path, 'a boolean', value);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.error(path, 'a string', value);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
    if (!(options as readonly unknown[]).includes(value)) this.error(path, `one of ${options.join(', ')}`, value);
    return value as T;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.error(path, 'an array', value);
    return value;
  }

  numbers(value: unknown, path: string): number[] {
    return this.array(value, path).map((v, i) => this.number(v, `${path}[${i}]`));
  }

  /** `fallback` when the field is absent; the reader's result otherwise. */
  optional<T>(value: unknown, fallback: T, read: (v: unknown) => T): T {
    return value === undefined ? fallback : read(value);
  }
}
