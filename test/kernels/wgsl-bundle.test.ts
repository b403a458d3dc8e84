/**
 * src/kernels/wgsl.generated.ts is what the library ships of shaders/**\/*.wgsl: it must be the
 * generator's output for the current files (run `npm run shaders` after editing a .wgsl file), and
 * shaders/ must hold WGSL only.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PATH, bundle } from '../../scripts/bundle-wgsl.mjs';
import { preprocess } from '../../src/kernels/preprocess.js';
import { WGSL_SOURCES } from '../../src/kernels/wgsl.generated.js';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the WGSL bundle', () => {
  it('is up to date with shaders/ (npm run shaders)', () => {
    expect(readFileSync(BUNDLE_PATH, 'utf8') === bundle(), 'src/kernels/wgsl.generated.ts is stale: run `npm run shaders`').toBe(true);
  });

  it('holds every .wgsl file, and shaders/ holds nothing else', () => {
    const files = filesUnder(join(root, 'shaders')).map((p) => p.slice(join(root, 'shaders').length + 1));
    expect(files.filter((f) => !f.endsWith('.wgsl'))).toEqual([]);
    expect(Object.keys(WGSL_SOURCES).sort()).toEqual(files.map((f) => f.replace(/\.wgsl$/, '')).sort());
  });

  it('preprocesses every file with every define off and on (balanced #if blocks, known directives)', () => {
    for (const [name, text] of Object.entries(WGSL_SOURCES)) {
      const names = [...text.matchAll(/#(?:el)?if\s+!?(\w+)/g)].map((m) => m[1] as string);
      const inserts = Object.fromEntries([...text.matchAll(/#insert\s+(\w+)/g)].map((m) => [m[1] as string, '']));
      for (const on of [false, true]) {
        expect(() => preprocess(text, Object.fromEntries(names.map((n) => [n, on])), name, inserts), name).not.toThrow();
      }
    }
  });
});
