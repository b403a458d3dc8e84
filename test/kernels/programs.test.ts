/**
 * The kernel contract without a GPU: every program of the matrix (test/support/program-matrix.ts)
 * parses as WGSL (wgsl_reflect's parser), declares the bindings its contract lists, in order and
 * and with their access, and one cache key always names one source (the pipeline cache relies on it).
 */
import { describe, expect, it } from 'vitest';
import { ResourceType, WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import type { Program } from '../../src/kernels/program.js';
import { inferencePrograms, trainingPrograms } from '../support/program-matrix.js';

const programs = [...inferencePrograms(), ...trainingPrograms()];

describe('inference and training programs', () => {
  it('cover the matrix (many programs, many distinct sources)', () => {
    const sources = new Set(programs.map((p) => p.source));
    expect(programs.length).toBeGreaterThan(500);
    expect(sources.size).toBeGreaterThan(150);
  });

  it('map one cache key to one source', () => {
    const byKey = new Map<string, string>();
    for (const p of programs) {
      const source = byKey.get(p.cacheKey);
      if (source !== undefined) expect(source === p.source, `key ${p.cacheKey} names two sources`).toBe(true);
      byKey.set(p.cacheKey, p.source);
    }
  });

  it('inference programs also map one source to one key (no program is compiled twice)', () => {
    // Training programs carry their whole layer in their parameters, so a program that reads
    // only part of it (the weight draws ignore the activation) can compile twice, harmlessly.
    const bySource = new Map<string, string>();
    for (const p of inferencePrograms()) {
      const key = bySource.get(p.source);
      if (key !== undefined) expect(key, `one source under two keys (${p.name})`).toBe(p.cacheKey);
      bySource.set(p.source, p.cacheKey);
    }
  });

  it('are rebuilt identically (their source is a function of their parameters)', () => {
    const again = [...inferencePrograms(), ...trainingPrograms()];
    expect(again.map((p) => p.cacheKey)).toEqual(programs.map((p) => p.cacheKey));
    expect(again.map((p) => p.source)).toEqual(programs.map((p) => p.source));
  });

  it('parse as WGSL with one compute entry point and the declared bindings', () => {
    const distinct = [...new Map(programs.map((p) => [p.cacheKey, p])).values()];
    for (const p of distinct) checkReflection(p);
  });
});

function checkReflection(p: Program<never>): void {
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(p.source);
  } catch (error) {
    throw new Error(`${p.name} (${p.cacheKey}) does not parse: ${String(error)}`, { cause: error });
  }
  expect(
    reflect.entry.compute.map((e) => e.name),
    p.name,
  ).toEqual(['main']);
  const bindings = reflect.getBindGroups()[0] ?? [];
  expect(bindings.length, `${p.name}: bindings`).toBe(p.bindings.length);
  p.bindings.forEach((spec, i) => {
    const b = bindings[i];
    expect(b?.name, `${p.name} binding ${i}`).toBe(spec.name);
    const access = b?.resourceType === ResourceType.Uniform ? 'uniform' : b?.access === 'read_write' ? 'read_write' : 'read';
    expect(access, `${p.name} binding ${spec.name} access`).toBe(spec.access);
  });
}
