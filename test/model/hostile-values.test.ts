/**
 * validateModel on models built in JavaScript, where any field can hold anything: every field of
 * a valid model's spec (and its tensors) is replaced in turn by hostile values, and validation must
 * either accept the result or throw a ModelFormatError — never a TypeError or RangeError — and
 * must accept nothing that float32 cannot hold.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.js';
import { modelFromBytes, validateModel, type Model, type ModelSpec } from '../../src/model/index.js';

const base = modelFromBytes(new Uint8Array(readFileSync(new URL('../fixtures/hostile/valid-model.safetensors', import.meta.url))));
const richSpec: ModelSpec = {
  ...base.spec,
  standardization: { xMean: [0, 1], xStd: [1, 2], yMean: [0.5], yStd: [2] },
};

const HOSTILE_VALUES: readonly unknown[] = [null, undefined, 'x', '', [], {}, NaN, Infinity, -1, 0, 1e39, 1e-300, 2 ** 60, true, [1, 2], { kind: 'normal' }];

/** Every path to a leaf or container in a JSON-like value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function withValueAt(spec: ModelSpec, path: readonly (string | number)[], replacement: unknown): ModelSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  path.slice(0, -1).forEach((key) => {
    node = node[key] as Record<string | number, unknown>;
  });
  node[path[path.length - 1] as string | number] = replacement;
  return copy as unknown as ModelSpec;
}

/** Runs validateModel; returns 'ok', 'refused', or the unexpected error. */
function outcome(model: Model): 'ok' | 'refused' | Error {
  try {
    validateModel(model);
    return 'ok';
  } catch (error) {
    return error instanceof ModelFormatError ? 'refused' : (error as Error);
  }
}

describe('validateModel on hostile JavaScript values', () => {
  it('accepts the base and the standardized spec', () => {
    expect(outcome(base)).toBe('ok');
    expect(outcome({ spec: richSpec, tensors: base.tensors })).toBe('ok');
  });

  it('answers every replaced field with acceptance or a ModelFormatError', () => {
    const unexpected: string[] = [];
    let refused = 0;
    for (const path of paths(richSpec)) {
      for (const value of HOSTILE_VALUES) {
        const result = outcome({ spec: withValueAt(richSpec, path, value), tensors: base.tensors });
        if (result instanceof Error) unexpected.push(`${path.join('.')} = ${String(value)}: ${result.name}: ${result.message}`);
        if (result === 'refused') refused++;
      }
    }
    expect(unexpected).toEqual([]);
    expect(refused).toBeGreaterThan(100);
  });

  it('never accepts a number float32 cannot hold in a numeric field', () => {
    const numericPaths = paths(richSpec).filter((path) => typeof path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], richSpec) === 'number');
    expect(numericPaths.length).toBeGreaterThan(10);
    for (const path of numericPaths) {
      for (const value of [1e39, -1e39, NaN, Infinity]) {
        expect(outcome({ spec: withValueAt(richSpec, path, value), tensors: base.tensors }), `${path.join('.')} = ${value}`).toBe('refused');
      }
    }
  });

  it.each([
    ['no model', null],
    ['tensors as a plain object', { spec: base.spec, tensors: {} }],
    ['a tensor without data', { spec: base.spec, tensors: new Map([...base.tensors].map(([k, t]) => [k, { shape: t.shape }])) }],
    ['a tensor with number[] data', { spec: base.spec, tensors: new Map([...base.tensors].map(([k, t]) => [k, { shape: t.shape, data: [...t.data] }])) }],
    ['a tensor with a string shape', { spec: base.spec, tensors: new Map([...base.tensors].map(([k, t]) => [k, { shape: 'x', data: t.data }])) }],
  ])('refuses %s with a ModelFormatError', (_what, model) => {
    expect(outcome(model as unknown as Model)).toBe('refused');
  });
});
