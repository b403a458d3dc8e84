/**
 * distill()'s refusals, all found before the GPU is touched (the context here is a stand-in that
 * fails the test if used), and the jittered distillation inputs (exact: the given rows first, then
 * each copy within its column's scale).
 */
import { describe, expect, it } from 'vitest';
import { columnStd, jitteredInputs } from '../../src/distill/augment.js';
import { distill } from '../../src/distill/distill.js';
import { InvalidInputError } from '../../src/errors.js';
import type { GpuContext } from '../../src/gpu/device.js';
import type { Model } from '../../src/model/spec.js';
import { buildModel } from '../support/model-builders.js';

const noGpu = new Proxy({} as GpuContext, {
  get: () => {
    throw new Error('the GPU context was used');
  },
});

const teacher = buildModel({ inputDim: 2, units: [8, 1] });
const x = [
  [0, 1],
  [1, 2],
  [2, 0],
];

function bernoulli(): Model {
  const m = buildModel({ inputDim: 2, units: [8, 1] });
  return { ...m, spec: { ...m.spec, likelihood: { kind: 'bernoulli' } } };
}

describe('distill refuses bad input with an InvalidInputError', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['an empty ensemble', () => distill(noGpu, [], { x }), /non-empty list/],
    ['a member that is not a model', () => distill(noGpu, [teacher, null as unknown as Model], { x }), /teacher member 1 is null/],
    ['a bernoulli teacher', () => distill(noGpu, bernoulli(), { x }), /'bernoulli' likelihood; only normal \(regression\) and categorical teachers/],
    ['a two-output teacher', () => distill(noGpu, buildModel({ inputDim: 2, units: [8, 2] }), { x }), /2 outputs; the student's heteroscedastic head takes one/],
    ['a misspelt option', () => distill(noGpu, teacher, { x }, { epoch: 3 } as never), /has no option 'epoch'/],
    ['negative copies', () => distill(noGpu, teacher, { x }, { copies: -1 }), /copies must be an integer in \[0, 1024\]/],
    ['NaN jitter', () => distill(noGpu, teacher, { x }, { jitter: NaN }), /jitter must be a number that is finite/],
    ['zero teacher samples', () => distill(noGpu, teacher, { x }, { teacherSamples: 0 }), /teacherSamples must be an integer in \[1, 4096\]/],
    ['hidden not an array', () => distill(noGpu, teacher, { x }, { hidden: 8 as never }), /hidden must be an array/],
    ['an unknown activation', () => distill(noGpu, teacher, { x }, { activation: 'swish' as never }), /activation must be one of/],
    ['NaN in x', () => distill(noGpu, teacher, { x: [[0, NaN]] }), /data.x row 0 column 1 is NaN/],
    ['x of the wrong width', () => distill(noGpu, teacher, { x: [1, 2, 3] }), /3 values, not a multiple of 2 columns/],
    ['data without x', () => distill(noGpu, teacher, null as never), /data must be \{ x \}/],
  ];
  for (const [name, call, message] of cases) {
    it(name, async () => {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('jittered distillation inputs', () => {
  const m = { rows: 3, cols: 2, data: Float64Array.from(x.flat()) };

  it('keeps the given rows first and moves every copy by a few of its column std', () => {
    const std = columnStd(m);
    expect(std[0]).toBeCloseTo(Math.sqrt(2 / 3), 12);
    const out = jitteredInputs(m, 5, 0.1, 7);
    expect(out.rows).toBe(18);
    expect(Array.from(out.data.subarray(0, 6))).toEqual(Array.from(m.data));
    for (let k = 1; k <= 5; k++) {
      for (let i = 0; i < 6; i++) {
        const z = ((out.data[k * 6 + i] as number) - (m.data[i] as number)) / (0.1 * (std[i % 2] as number));
        // N(0, 1) draws: |z| < 6 fails with probability 2e-9 per draw, and a zero would mean no jitter.
        expect(Math.abs(z)).toBeLessThan(6);
        expect(z).not.toBe(0);
      }
    }
  });

  it('is a pure function of the seed; a constant column gets scale 1', () => {
    expect(jitteredInputs(m, 2, 0.1, 7).data).toEqual(jitteredInputs(m, 2, 0.1, 7).data);
    expect(jitteredInputs(m, 2, 0.1, 8).data).not.toEqual(jitteredInputs(m, 2, 0.1, 7).data);
    expect(columnStd({ rows: 2, cols: 1, data: Float64Array.of(3, 3) })[0]).toBe(1);
  });
});
