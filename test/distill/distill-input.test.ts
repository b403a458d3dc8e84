/**
 * distill()'s and compareStudent()'s refusals, all found before the GPU is touched (the context here is a stand-in that
 * fails the test if used), and the jittered distillation inputs (exact: the given rows first, then
 * each copy within its column's scale).
 */
import { describe, expect, it } from 'vitest';
import { columnStd, jitteredInputs } from '../../src/distill/augment.js';
import { compareStudent } from '../../src/distill/compare.js';
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

function bernoulli(outputs = 1): Model {
  const m = buildModel({ inputDim: 2, units: [8, outputs] });
  return { ...m, spec: { ...m.spec, likelihood: { kind: 'bernoulli' } } };
}

function categorical(classes: number, dirichlet = false): Model {
  const m = buildModel({ inputDim: 2, units: [8, classes], posterior: dirichlet ? 'delta' : 'normal' });
  return { ...m, spec: { ...m.spec, likelihood: dirichlet ? { kind: 'dirichlet', classes, minConcentration: 1e-3 } : { kind: 'categorical', classes } } };
}

describe('distill refuses bad input with an InvalidInputError', () => {
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['an empty ensemble', () => distill(noGpu, [], { x }), /non-empty list/],
    ['a member that is not a model', () => distill(noGpu, [teacher, null as unknown as Model], { x }), /teacher member 1 is null/],
    [
      'a beta teacher',
      () => distill(noGpu, { ...teacher, spec: { ...teacher.spec, likelihood: { kind: 'beta', minConcentration: 1e-3 } } }, { x }),
      /'beta' likelihood; only normal \(regression\), categorical and bernoulli teachers/,
    ],
    ['a two-output bernoulli teacher', () => distill(noGpu, bernoulli(2), { x }), /bernoulli model with 2 outputs; a distilled bernoulli teacher has one/],
    [
      'members of different kinds',
      () => distill(noGpu, [categorical(3), teacher], { x }),
      /member 1 is a normal model of 1 outcomes, member 0 a categorical one of 3: members must agree/,
    ],
    [
      'members of different class counts',
      () => distill(noGpu, [categorical(3), categorical(4)], { x }),
      /member 1 is a categorical model of 4 outcomes, member 0 a categorical one of 3/,
    ],
    ['a student kind for a regression teacher', () => distill(noGpu, teacher, { x }, { student: 'dirichlet' }), /student 'dirichlet' is for a classifier teacher/],
    ['an unknown student kind', () => distill(noGpu, categorical(3), { x }, { student: 'beta' as never }), /student must be one of 'dirichlet', 'categorical'/],
    ['smoothing 0', () => distill(noGpu, categorical(3), { x }, { smoothing: 0 }), /smoothing must be a number >= 0.000001/],
    ['smoothing above 1/2', () => distill(noGpu, categorical(3), { x }, { smoothing: 0.6 }), /smoothing must be a number <= 0.5/],
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

describe("compareStudent refuses a student that does not predict the teacher's outcome", () => {
  const rows = { x, y: [0, 1, 2] };
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [
      'K mismatch',
      () => compareStudent(noGpu, categorical(3), categorical(4, true), rows),
      /teacher is a categorical model of 3 outputs, the student a dirichlet model of 4: a classifier of 3 classes needs a categorical or a dirichlet student of 3/,
    ],
    ['a regression student for a classifier', () => compareStudent(noGpu, categorical(3), teacher, rows), /needs a categorical or a dirichlet student/],
    ['a Dirichlet student for a regression teacher', () => compareStudent(noGpu, teacher, categorical(3, true), rows), /a normal teacher needs a normal student/],
    [
      'a label beyond the classes',
      () => compareStudent(noGpu, categorical(3), categorical(3, true), { x, y: [0, 1, 3] }),
      /y row 2 is 3: a categorical model.s y is a class index/,
    ],
    [
      'a regression target for a classifier',
      () => compareStudent(noGpu, categorical(3), categorical(3, true), { x, y: [0.2, 1.5, 2] }),
      /y row 0 is 0.2: a categorical model.s y is a class index/,
    ],
    [
      'a bernoulli teacher and a 3-class student',
      () => compareStudent(noGpu, bernoulli(), categorical(3, true), rows),
      /a classifier of 2 classes needs a bernoulli or a dirichlet student of 2/,
    ],
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
