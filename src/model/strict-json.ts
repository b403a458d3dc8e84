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

/** Objects with up to this many keys keep them in an array: cheaper than a Set for the usual 3-key entry. */
const SMALL_OBJECT_KEYS = 16;

/**
 * The open arrays and objects during a scan, one slot per depth. Slots are reused, so a header of
 * 65k tensor entries costs no allocation per entry beyond its key strings (an object per container
 * made the scan spend most of its time collecting garbage).
 */
class OpenContainers {
  depth = 0;
  private readonly isObject: Uint8Array;
  /** In an object: whether the next string is a key (after '{' or ','), not a value. */
  private readonly expectKey: Uint8Array;
  /** Keys of the object at each depth while it is small, then in `largeKeys`. */
  private readonly smallKeys: string[][] = [];
  private readonly largeKeys: (Set<string> | null)[] = [];

  constructor(maxDepth: number) {
    this.isObject = new Uint8Array(maxDepth);
    this.expectKey = new Uint8Array(maxDepth);
  }

  open(object: boolean): void {
    const d = this.depth++;
    this.isObject[d] = object ? 1 : 0;
    this.expectKey[d] = object ? 1 : 0;
    if (!object) return;
    const keys = this.smallKeys[d];
    if (keys) keys.length = 0;
    else this.smallKeys[d] = [];
    this.largeKeys[d] = null;
  }

  close(): void {
    if (this.depth > 0) this.depth--;
  }

  /** After a comma: in an object, a key comes next. */
  comma(): void {
    const d = this.depth - 1;
    if (d >= 0 && this.isObject[d]) this.expectKey[d] = 1;
  }

  /** Whether the string starting now is an object's key. */
  atKey(): boolean {
    const d = this.depth - 1;
    return d >= 0 && this.isObject[d] === 1 && this.expectKey[d] === 1;
  }

  /** Records the key of the innermost object; false when that object already has it. */
  addKey(key: string): boolean {
    const d = this.depth - 1;
    this.expectKey[d] = 0;
    const large = this.largeKeys[d];
    if (large) {
      if (large.has(key)) return false;
      large.add(key);
      return true;
    }
    const small = this.smallKeys[d] as string[];
    if (small.includes(key)) return false;
    small.push(key);
    if (small.length > SMALL_OBJECT_KEYS) this.largeKeys[d] = new Set(small);
    return true;
  }
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
  const open = new OpenContainers(maxDepth);
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end < 0) break; // unterminated string: JSON.parse below says so
      if (open.atKey()) {
        const key = decodeKey(text, i, end);
        if (!open.addKey(key)) {
          throw new ErrorType(`${what} has the key '${preview(key)}' twice in one object (at character ${i}); every key must be unique`);
        }
      }
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (open.depth >= maxDepth) {
        throw new ErrorType(`${what} nests arrays and objects deeper than ${maxDepth} levels (at character ${i}); the limit is ${maxDepth}`);
      }
      open.open(c === OPEN_BRACE);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      open.close();
    } else if (c === COMMA) {
      open.comma();
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ErrorType(`${what} is not valid JSON (${preview(reason, 200)})`, { cause });
  }
}

/**
 * Index of the quote closing the string that opens at `open`, or -1 when it is unterminated. A
 * quote closes the string unless an odd number of backslashes precedes it; indexOf keeps a
 * megabyte-long string to one native search.
 */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
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
