/**
 * The strict JSON reader (nesting cap, duplicate keys) and the bounded previewJson, on the edge
 * cases a scanner gets wrong: brackets and quotes inside strings, escaped keys, the same key in
 * sibling objects, depth exactly at the cap, values too deep or too long to print.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelFormatError } from '../../src/errors.js';
import { MAX_JSON_DEPTH } from '../../src/model/limits.js';
import { parseJsonStrict, previewJson } from '../../src/model/strict-json.js';

const strict = (text: string, maxDepth?: number): unknown => parseJsonStrict(text, { what: 'test document', ...(maxDepth === undefined ? {} : { maxDepth }) });

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('parseJsonStrict', () => {
  it('parses what JSON.parse parses, keeping "__proto__" as a plain key', () => {
    const text = '{"a": [1, 2.5e3, "x"], "b": {"c": null, "d": true}, "__proto__": {"polluted": 1}}';
    const value = strict(text) as Record<string, unknown>;
    expect(value).toEqual(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts nesting exactly at the cap and refuses one level more, naming the cap', () => {
    expect(() => strict(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => strict(nested(MAX_JSON_DEPTH + 1))).toThrow(ModelFormatError);
    expect(() => strict(nested(MAX_JSON_DEPTH + 1))).toThrow(`test document nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
    expect(() => strict(nested(4), 3)).toThrow('deeper than 3 levels');
  });

  it('refuses 10^6 levels of nesting at once, without recursion', () => {
    const start = performance.now();
    expect(() => strict(nested(1_000_000))).toThrow('deeper than');
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('does not count brackets and braces inside strings, escaped quotes included', () => {
    const text = `{"a": "${'[{'.repeat(100)}\\"${'[{'.repeat(100)}", "b\\\\": "]]}}"}`;
    expect(strict(text)).toEqual(JSON.parse(text));
  });

  it('refuses a duplicate key, naming it, at any depth', () => {
    expect(() => strict('{"a": 1, "b": 2, "a": 3}')).toThrow("test document has the key 'a' twice in one object");
    expect(() => strict('[{"x": {"y": [{"k": 1, "k": 1}]}}]')).toThrow("key 'k' twice");
  });

  it('sees keys written with escapes as the keys they decode to', () => {
    expect(() => strict('{"ab": 1, "\\u0061b": 2}')).toThrow("key 'ab' twice");
    expect(() => strict('{"a\\"b": 1, "a\\u0022b": 2}')).toThrow(`key 'a"b' twice`);
  });

  it('allows the same key in sibling and nested objects, and string values equal to keys', () => {
    expect(strict('[{"a": 1}, {"a": 2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(strict('{"a": {"a": {"a": "a"}}, "b": "a"}')).toEqual({ a: { a: { a: 'a' } }, b: 'a' });
  });

  it('finds a duplicate among many keys (past the small-object array)', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `"k${i}": ${i}`);
    expect(Object.keys(strict(`{${keys.join(',')}}`) as object)).toHaveLength(1000);
    expect(() => strict(`{${keys.join(',')}, "k500": 0}`)).toThrow("key 'k500' twice");
  });

  it('shortens a long duplicate key in the message', () => {
    const key = 'z'.repeat(100_000);
    let message = '';
    try {
      strict(`{"${key}": 1, "${key}": 2}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('(100000 characters)');
    expect(message.length).toBeLessThan(300);
  });

  it('reports invalid JSON with the caller error class', () => {
    expect(() => strict('{"a": ')).toThrow('test document is not valid JSON');
    expect(() => strict('"unterminated')).toThrow('is not valid JSON');
    expect(() => parseJsonStrict('[1,', { what: 'x file', error: InvalidInputError })).toThrow(InvalidInputError);
    expect(() => parseJsonStrict('{"a":1,"a":1}', { what: 'x file', error: InvalidInputError })).toThrow(InvalidInputError);
  });
});

describe('previewJson', () => {
  it('prints short values as JSON and non-finite numbers by name', () => {
    expect(previewJson('Q4')).toBe('"Q4"');
    expect(previewJson([1048576, 1048576])).toBe('[1048576,1048576]');
    expect(previewJson({ a: [1, null, true] })).toBe('{"a":[1,null,true]}');
    expect(previewJson(undefined)).toBe('undefined');
    expect(previewJson(NaN)).toBe('NaN');
    expect(previewJson(-Infinity)).toBe('-Infinity');
  });

  it('cuts long values to the limit', () => {
    expect(previewJson('x'.repeat(10_000_000))).toBe(`"${'x'.repeat(79)}...`);
    expect(previewJson(Array.from({ length: 1_000_000 }, (_, i) => i)).length).toBe(83);
    expect(previewJson({ ['k'.repeat(1000)]: 1 }, 20)).toBe(`{"${'k'.repeat(18)}...`);
  });

  it('never overflows the stack on a value nested 10^5 deep', () => {
    const deep = JSON.parse(nested(100_000)) as unknown;
    const shown = previewJson(deep);
    expect(shown.length).toBeLessThanOrEqual(83);
    expect(shown.startsWith('[[[[[[[[[...]')).toBe(true);
  });

  it('never throws, whatever the value', () => {
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(previewJson(hostile)).toBe('(a value that cannot be printed)');
    expect(previewJson(Symbol('s'))).toBe('symbol');
    expect(previewJson(10n)).toBe('10');
  });
});
