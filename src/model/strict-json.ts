/**
 * Bounded JSON for untrusted text: one strict reader and one printer that cannot blow up.
 *
 * JSON.parse accepts any nesting depth and silently keeps the last of duplicate keys. Both are
 * hazards in a model file: a header 10^5 arrays deep overflows the stack of whatever walks the value
 * next (printing it for an error message did), and a header naming a tensor twice, or `__metadata__`
 * twice, means two readers of the same file can disagree about what it holds. parseJsonStrict scans
 * the text first, iteratively (no recursion, so the scan itself cannot overflow), refusing nesting
 * deeper than a cap and any key repeated in one object; only then does JSON.parse build the value.
 */
import { ModelFormatError, preview, type BnnError } from '../errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

/** The error a caller wants: ModelFormatError for model files, InvalidInputError for data files. */
export type ErrorClass = new (message: string, options?: { cause?: unknown }) => BnnError;

export interface StrictJsonOptions {
  /** Names the document at the start of every message, e.g. 'safetensors: header'. */
  readonly what: string;
  /** Deepest nesting of arrays and objects accepted (default MAX_JSON_DEPTH). */
  readonly maxDepth?: number;
  /** Class of the error thrown (default ModelFormatError). */
  readonly error?: ErrorClass;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** One open array or object during the scan; objects remember their keys to catch repeats. */
interface Container {
  /** Keys seen so far (objects), or null (arrays). */
  readonly keys: Set<string> | null;
  /** In an object: whether the next string is a key (after '{' or ','), not a value. */
  expectKey: boolean;
}

/**
 * Parses `text` as JSON, refusing (with the caller's error class) invalid JSON, nesting deeper
 * than `maxDepth` and duplicate keys in any object, each message naming where and which key.
 * Keys like "__proto__" are kept as plain data (JSON.parse defines own properties).
 */
export function parseJsonStrict(text: string, options: StrictJsonOptions): unknown {
  const { what } = options;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const ErrorType = options.error ?? ModelFormatError;
  const stack: Container[] = [];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) break; // unterminated string: JSON.parse below says so
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = decodeKey(text, i, end);
        if (top.keys.has(key)) {
          throw new ErrorType(`${what} has the key '${preview(key)}' twice in one object (at character ${i}); every key must be unique`);
        }
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (stack.length >= maxDepth) {
        throw new ErrorType(`${what} nests arrays and objects deeper than ${maxDepth} levels (at character ${i}); the limit is ${maxDepth}`);
      }
      stack.push(c === OPEN_BRACE ? { keys: new Set(), expectKey: true } : { keys: null, expectKey: false });
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ErrorType(`${what} is not valid JSON (${preview(reason, 200)})`, { cause });
  }
}

/** Index of the quote closing the string that opens at `open`, or -1 when it is unterminated. */
function closingQuote(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === QUOTE) return j;
  }
  return -1;
}

/** A key's value: escapes decoded, so "a" and "\u0061" are the same key, as JSON.parse sees them. */
function decodeKey(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return raw; // a bad escape: JSON.parse of the whole text reports it
  }
}

/** Nesting shown by previewJson before '...' stands for the rest. */
const PREVIEW_DEPTH = 8;

/**
 * A JSON-like rendering of `value` for an error message, at most `max` characters (then '...').
 * Never throws and never recurses deeper than a few levels, whatever the value: hostile files put
 * megabytes or 10^5 levels of nesting into one field. Non-finite numbers print as NaN / Infinity.
 */
export function previewJson(value: unknown, max = 80): string {
  let text: string;
  try {
    text = renderBounded(value, max + 1);
  } catch {
    text = '(a value that cannot be printed)';
  }
  return text.length > max ? `${text.slice(0, max)}...` : text;
}

/** Renders `value` until the text is longer than `budget` characters. */
function renderBounded(value: unknown, budget: number): string {
  let out = '';
  const full = (): boolean => out.length > budget;
  const write = (v: unknown, depth: number): void => {
    if (full()) return;
    if (typeof v === 'string') {
      out += JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
    } else if (typeof v === 'number') {
      out += Number.isFinite(v) ? JSON.stringify(v) : String(v);
    } else if (v === null || typeof v === 'boolean' || typeof v === 'undefined' || typeof v === 'bigint') {
      out += String(v);
    } else if (Array.isArray(v)) {
      if (depth >= PREVIEW_DEPTH) {
        out += '[...]';
        return;
      }
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) out += ',';
        write(v[i], depth + 1);
      }
      out += ']';
    } else if (typeof v === 'object') {
      if (depth >= PREVIEW_DEPTH) {
        out += '{...}';
        return;
      }
      out += '{';
      let first = true;
      for (const key in v) {
        if (full()) break;
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key.length > budget ? key.slice(0, budget) : key)}:`;
        write((v as Record<string, unknown>)[key], depth + 1);
      }
      out += '}';
    } else {
      out += typeof v; // functions and symbols: never in parsed JSON
    }
  };
  write(value, 0);
  return out;
}
