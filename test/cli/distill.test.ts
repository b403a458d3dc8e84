/**
 * `webgpu-bnn distill`, in process through runCli: user mistakes (exit 2, one line, found before
 * the GPU), the seeded held-out split, and round trips on the GPU: a 1-D VI teacher file distilled
 * into a student file that `predict` runs in one sample, with the held-out report; a classifier file
 * into a Dirichlet or a categorical student, with the classifiers' held-out scores.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdoutRows } from '../../src/cli/commands/distill.js';
import { isDeterministic } from '../../src/model/deterministic.js';
import { ensembleToBytes } from '../../src/model/ensemble-file.js';
import { modelFromBytes, modelToBytes } from '../../src/model/format.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu } from '../support/gpu.js';
import { buildModel, testRng } from '../support/model-builders.js';
import { gaussian } from '../support/train-data.js';

let dir = '';
const file = (name: string) => join(dir, name);

/** 50 rows of y = sin(1.5 a) + noise, a in [-2, 2]. */
function dataCsv(): string {
  const rand = testRng(4);
  const lines = ['a,y'];
  for (let i = 0; i < 50; i++) {
    const a = 4 * rand() - 2;
    lines.push(`${a},${Math.sin(1.5 * a) + 0.2 * gaussian(rand)}`);
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-distill-'));
  await writeFile(file('data.csv'), dataCsv());
  await writeFile(file('two-inputs.csv'), 'a,b,y\n1,2,3\n4,5,6\n7,8,9\n');
  await writeFile(file('three-rows.csv'), 'a,y\n1,2\n3,4\n5,6\n');
  await writeFile(file('teacher.safetensors'), modelToBytes(buildModel({ inputDim: 1, units: [8, 1], seed: 7, scale: 0.4, noise: { kind: 'fixed', sigma: 0.2 } })));
  await writeFile(
    file('ensemble.safetensors'),
    ensembleToBytes([1, 2].map((seed) => buildModel({ inputDim: 1, units: [8, 2], seed, posterior: 'delta', noise: { kind: 'heteroscedastic', minScale: 1e-3 } }))),
  );
  await writeFile(file('two-out.safetensors'), modelToBytes(buildModel({ inputDim: 1, units: [8, 2] })));
  const c = buildModel({ inputDim: 1, units: [8, 3], seed: 5 });
  await writeFile(file('classifier.safetensors'), modelToBytes({ ...c, spec: { ...c.spec, likelihood: { kind: 'categorical', classes: 3 } } }));
  const rand = testRng(6);
  const labelRows = Array.from({ length: 30 }, (_, i) => `${4 * rand() - 2},${i % 3}`);
  await writeFile(file('labels.csv'), ['a,label', ...labelRows].join('\n') + '\n');
  await writeFile(file('bad-labels.csv'), 'a,label\n0.1,0\n0.2,3\n0.3,1\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = () => ['distill', file('teacher.safetensors'), '--data', file('data.csv'), '--target', 'y', '--out', file('s.safetensors')];

describe('distill: user mistakes exit 2 with one line, before the GPU', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no teacher', () => ['distill', '--data', file('data.csv'), '--target', 'y', '--out', file('s.safetensors')], /missing <teacher>/],
    ['missing --data', () => ['distill', file('teacher.safetensors'), '--target', 'y', '--out', file('s.safetensors')], /--data <file> is required/],
    ['missing --target', () => ['distill', file('teacher.safetensors'), '--data', file('data.csv'), '--out', file('s.safetensors')], /--target <column> is required/],
    ['missing --out', () => ['distill', file('teacher.safetensors'), '--data', file('data.csv'), '--target', 'y'], /--out <file> is required/],
    ['missing teacher file', () => ['distill', file('nope.safetensors'), ...base().slice(2)], /cannot read model file .*nope\.safetensors/],
    [
      'a two-output teacher',
      () => ['distill', file('two-out.safetensors'), ...base().slice(2)],
      /is a normal model with 2 outputs; only one-output regression \(normal\), categorical and one-output bernoulli teachers/,
    ],
    [
      "a label beyond the classifier teacher's classes",
      () => ['distill', file('classifier.safetensors'), '--data', file('bad-labels.csv'), '--target', 'label', '--out', file('s.safetensors')],
      /y row 1 is 3: a categorical model.s y is a class index, an integer in 0\.\.2/,
    ],
    [
      'a classifier teacher with a regression target',
      () => ['distill', file('classifier.safetensors'), '--data', file('data.csv'), '--target', 'y', '--out', file('s.safetensors')],
      /y row 0 is -?\d\.\d+: a categorical model.s y is a class index, an integer in 0\.\.2/,
    ],
    ['--student for a regression teacher', () => [...base(), '--student', 'dirichlet'], /--student is for a classifier teacher; .* is a regression model/],
    [
      'an unknown --student',
      () => ['distill', file('classifier.safetensors'), '--data', file('labels.csv'), '--target', 'label', '--out', file('s.safetensors'), '--student', 'beta'],
      /--student must be one of dirichlet, categorical, got 'beta'/,
    ],
    ['bad smoothing', () => [...base(), '--smoothing', '0'], /--smoothing must be a number in \[1e-6, 0\.5\], got '0'/],
    ['unknown target', () => [...base(), '--target', 'z'], /--target 'z' is not a column/],
    ['inputs the teacher does not take', () => [...base(), '--data', file('two-inputs.csv')], /without its target column has 2 columns/],
    ['holdout 1', () => [...base(), '--holdout', '1'], /--holdout must be a number in \[0, 1\)/],
    ['too few rows left', () => [...base(), '--data', file('three-rows.csv'), '--holdout', '0.6'], /only 1 remain to distil on/],
    ['bad copies', () => [...base(), '--copies=-1'], /--copies must be an integer from 0/],
    ['bad jitter', () => [...base(), '--jitter', 'x'], /--jitter must be a number >= 0, got 'x'/],
    ['bad teacher samples', () => [...base(), '--teacher-samples', '0'], /--teacher-samples must be an integer from 1/],
    ['bad activation', () => [...base(), '--activation', 'swish'], /--activation must be one of/],
    ['output folder missing', () => [...base(), '--out', file('no/such/dir/s.safetensors')], /--out .*cannot write into/],
    ['unknown flag', () => [...base(), '--bogus'], /unknown option '--bogus'/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await cli(argv());
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^webgpu-bnn: /);
    expect(lines[0]).toMatch(message);
  });

  it('is listed in the help', async () => {
    expect((await cli(['--help'])).stdout).toContain('  distill');
    expect((await cli(['distill', '--help'])).stdout).toContain('Usage: webgpu-bnn distill <teacher>');
  });
});

describe('the held-out split', () => {
  it('holds out round(f N) rows, a seeded choice, disjoint from the rest and covering all rows', () => {
    const { kept, held } = holdoutRows(50, 0.2, 3);
    expect(held).toHaveLength(10);
    expect([...kept, ...held].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(holdoutRows(50, 0.2, 3)).toEqual({ kept, held });
    expect(holdoutRows(50, 0.2, 4).held).not.toEqual(held);
    expect(holdoutRows(50, 0, 3)).toEqual({ kept: Array.from({ length: 50 }, (_, i) => i), held: [] });
  });
});

describeGpu('distill on the GPU', () => {
  it('a VI teacher file -> a deterministic student file that predict runs in one sample, with the held-out report', async () => {
    const out = file('student.safetensors');
    const r = await cli(
      ['distill', file('teacher.safetensors'), '--data', file('data.csv'), '--target', 'y', '--out', out, '--epochs', '20', '--samples', '200', '--json'],
      withGpu(),
    );
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      inputs: number;
      trainingPairs: number;
      heldOut: { rows: number; teacherLogLikelihood: number; studentLogLikelihood: number; speedup: number };
    };
    expect(report.inputs).toBe(40);
    expect(report.trainingPairs).toBe(40 * 5 * 16);
    expect(report.heldOut.rows).toBe(10);
    for (const v of [report.heldOut.teacherLogLikelihood, report.heldOut.studentLogLikelihood, report.heldOut.speedup]) expect(Number.isFinite(v)).toBe(true);
    const student = modelFromBytes(readFileSync(out));
    expect(isDeterministic(student.spec)).toBe(true);
    expect(student.spec.likelihood).toMatchObject({ noise: { kind: 'heteroscedastic' } });
    const p = await cli(['predict', out, '--x', file('data.csv'), '--target', 'y', '--samples', '1', '--json'], withGpu());
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ samples: 1 });
  }, 300_000);

  it('a categorical teacher file -> a Dirichlet student (the default), held-out scores and mutual-information agreement', async () => {
    const out = file('c.safetensors');
    const r = await cli(
      ['distill', file('classifier.safetensors'), '--data', file('labels.csv'), '--target', 'label', '--out', out, '--epochs', '5', '--samples', '100', '--json'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      student: string;
      teacherSamples: number;
      heldOut: {
        rows: number;
        teacherLogLikelihood: number;
        studentLogLikelihood: number;
        classification: {
          teacher: { accuracy: number; ece: number };
          student: { accuracy: number; nll: number };
          mutualInformation: { studentMean: number; rankCorrelation: number };
        };
      };
    };
    expect(report.student).toBe('dirichlet');
    expect(report.teacherSamples).toBe(16);
    expect(report.heldOut.rows).toBe(6);
    // log p(label) of 3 classes: negative and finite; the student's NLL is minus its mean log-likelihood.
    for (const v of [report.heldOut.teacherLogLikelihood, report.heldOut.studentLogLikelihood]) expect(v).toBeLessThan(0);
    const c = report.heldOut.classification;
    expect(c.student.nll).toBeCloseTo(-report.heldOut.studentLogLikelihood, 6);
    for (const v of [c.teacher.accuracy, c.student.accuracy, c.teacher.ece]) expect(v >= 0 && v <= 1).toBe(true);
    expect(c.mutualInformation.studentMean).toBeGreaterThan(0);
    expect(Math.abs(c.mutualInformation.rankCorrelation)).toBeLessThanOrEqual(1);
    expect(modelFromBytes(readFileSync(out)).spec.likelihood).toEqual({ kind: 'dirichlet', classes: 3, minConcentration: 1e-3 });
  }, 300_000);

  it("--student categorical: a 3-logit student, text output with both classifiers' scores", async () => {
    const out = file('c2.safetensors');
    const r = await cli(
      ['distill', file('classifier.safetensors'), '--data', file('labels.csv'), '--target', 'label', '--out', out, '--student', 'categorical', '--epochs', '5', '--samples', '100'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*c2\.safetensors: categorical student 1-8-3 tanh/);
    expect(r.stdout).toMatch(/\nteacher: accuracy \d\.\d{4}, NLL \d+\.\d{4}, Brier \d\.\d{4}, ECE \d\.\d{4}; student: accuracy /);
    expect(r.stdout).not.toMatch(/mutual information/);
    expect(modelFromBytes(readFileSync(out)).spec.likelihood).toEqual({ kind: 'categorical', classes: 3 });
  }, 300_000);

  it('an ensemble teacher file, text output', async () => {
    const r = await cli(
      ['distill', file('ensemble.safetensors'), '--data', file('data.csv'), '--target', 'y', '--out', file('s2.safetensors'), '--epochs', '5', '--samples', '100'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^distilling an ensemble of 2 from/);
    expect(r.stdout).toMatch(/^wrote .*s2\.safetensors: student 1-8-2 tanh, trained on 3200 teacher draws \(200 inputs x 16\)/);
    expect(r.stdout).toMatch(/held-out rows 10: log predictive density teacher -?\d+\.\d+ \(S=100\), student -?\d+\.\d+ \(S=1\); predict .* speed-up \d+\.\dx/);
  }, 300_000);
});
