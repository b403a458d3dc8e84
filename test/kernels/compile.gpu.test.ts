/**
 * Every program of the matrix (test/support/program-matrix.ts) compiles in Dawn's WGSL compiler
 * (Tint) with no error and no warning: the parser test checks syntax and bindings, this one types
 * and semantics. Modules only: no pipelines, so it stays quick on SwiftShader.
 */
import { expect, it } from 'vitest';
import { inferencePrograms, trainingPrograms } from '../support/program-matrix.js';
import { describeGpu, gpu } from '../support/gpu.js';

describeGpu('programs compile in Tint', () => {
  it('every distinct inference and training program', async () => {
    const device = gpu!.device;
    const distinct = [...new Map([...inferencePrograms(), ...trainingPrograms()].map((p) => [p.cacheKey, p])).values()];
    for (const p of distinct) {
      const info = await device.createShaderModule({ label: p.name, code: p.source }).getCompilationInfo();
      const messages = info.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
      expect(messages, `${p.name} (${p.cacheKey})`).toEqual([]);
    }
    expect(distinct.length).toBeGreaterThan(150);
  });
});
