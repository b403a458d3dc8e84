/**
 * The classification part of the distillation benchmark (bench/distill.bench.ts --part
 * classification): teachers on the blobs3 data of test/fixtures/pyro (300 2-D points, 3 classes),
 * each distilled into a Dirichlet student (ensemble distribution distillation) and a categorical
 * student (labels drawn from the teacher's mean probabilities), scored by compareStudent on
 * held-out rows and, for epistemic uncertainty, on out-of-distribution points.
 *
 * - Teachers: `pyro-vi`, the Pyro export blobs3.safetensors (a 2-32-32-3 tanh mean-field VI network
 *   trained by Pyro on all 300 points: its held-out rows are held out from the distillation only);
 *   `ensemble`, a 5-member deep ensemble of 2-32-32-3 tanh categorical networks trained here on the
 *   240 distillation rows (its held-out rows are unseen).
 * - Split: a seeded permutation, 240 rows to distil on, 60 held out.
 * - Out-of-distribution points: 60 points on the circle of radius 8 around the data's mean (the data
 *   spread over about ±4 in x1 and −2..4.6 in x2).
 * - Scores: held-out accuracy, NLL and ECE of teacher and student, the mean mutual information of
 *   each on the held-out rows and the out-of-distribution points, and AUROC of separating the two
 *   sets by each model's mutual information; predict time (median of --repeats calls, teacher at
 *   S = --samples, student one pass) and its ratio.
 */
import { readFile } from 'node:fs/promises';
import { compareStudent, distill, type ClassifierStudent, type StudentComparison } from '../src/distill/index.js';
import type { GpuContext } from '../src/gpu/device.js';
import { predictDirichlet } from '../src/infer/dirichlet-predict.js';
import { Engine } from '../src/infer/engine.js';
import { modelFromBytes } from '../src/model/format.js';
import type { Model } from '../src/model/spec.js';
import { train } from '../src/train/trainer.js';
import { mulberry32 } from './lib/synthetic.js';

export interface ClassificationRow {
  readonly teacher: string;
  readonly student: ClassifierStudent;
  readonly distillMs: number;
  readonly heldOut: StudentComparison;
  /** Mean mutual information at the out-of-distribution points (the categorical student has none: null). */
  readonly oodMutualInformation: { readonly teacher: number; readonly student: number | null };
  /** AUROC of held-out (negative) against out-of-distribution (positive) points by mutual information. */
  readonly auroc: { readonly teacher: number; readonly student: number | null };
}

export interface ClassificationOptions {
  readonly samples: number;
  readonly repeats: number;
  readonly seed: number;
  readonly epochs: number;
  readonly copies: number;
  readonly teacherSamples: number;
  readonly jitter: number;
  readonly ensembleEpochs: number;
}

function auroc(negative: ArrayLike<number>, positive: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < positive.length; i++)
    for (let j = 0; j < negative.length; j++) s += (positive[i] as number) > (negative[j] as number) ? 1 : positive[i] === negative[j] ? 0.5 : 0;
  return s / (positive.length * negative.length);
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) / values.length;
  return s;
}

function rows(x: readonly (readonly number[])[], idx: readonly number[]): number[][] {
  return idx.map((i) => [...(x[i] as readonly number[])]);
}

/** Mutual information of a teacher (Monte Carlo, S samples) and a student (closed form; null for a categorical one) at x. */
async function mutualInformation(ctx: GpuContext, teacher: Model | Model[], student: Model, x: number[][], o: ClassificationOptions) {
  const engine = Engine.create(ctx, teacher);
  let t: Float32Array;
  try {
    const members = Array.isArray(teacher) ? teacher.length : 1;
    t = (await engine.predict(x, { samples: Math.ceil(o.samples / members) * members, seed: o.seed })).mutualInformation as Float32Array;
  } finally {
    engine.dispose();
  }
  const s = student.spec.likelihood.kind === 'dirichlet' ? (await predictDirichlet(ctx, student, x)).mutualInformation : null;
  return { teacher: t, student: s };
}

export async function classificationRows(ctx: GpuContext, o: ClassificationOptions, log: (line: string) => void): Promise<ClassificationRow[]> {
  const dir = new URL('../../test/fixtures/pyro/', import.meta.url);
  const fixture = JSON.parse(await readFile(new URL('blobs3.json', dir), 'utf8')) as { train_x: number[][]; train_y: number[] };
  const pyro = modelFromBytes(new Uint8Array(await readFile(new URL('blobs3.safetensors', dir))));
  const rand = mulberry32(o.seed);
  const order = fixture.train_x.map((_, i) => ({ i, k: rand() }));
  order.sort((a, b) => a.k - b.k);
  const kept = order.slice(0, 240).map((e) => e.i);
  const held = order.slice(240).map((e) => e.i);
  const x = rows(fixture.train_x, kept);
  const heldOut = { x: rows(fixture.train_x, held), y: held.map((i) => fixture.train_y[i] as number) };
  const centre = [0, 1].map((c) => mean(fixture.train_x.map((r) => r[c] as number)));
  const ood = Array.from({ length: 60 }, (_, i) => [(centre[0] as number) + 8 * Math.cos((2 * Math.PI * i) / 60), (centre[1] as number) + 8 * Math.sin((2 * Math.PI * i) / 60)]);

  const trained = await train(
    ctx,
    { inputDim: 2, hidden: [32, 32], activation: 'tanh' },
    { x, y: kept.map((i) => fixture.train_y[i] as number) },
    { method: 'ensemble', likelihood: 'categorical', classes: 3, epochs: o.ensembleEpochs, batchSize: 32, lr: 1e-3, seed: o.seed, models: Array.from({ length: 5 }, () => ({})) },
  );
  const teachers: [string, Model | Model[]][] = [
    ['pyro-vi', pyro],
    ['ensemble', trained.models],
  ];
  const out: ClassificationRow[] = [];
  for (const [name, teacher] of teachers) {
    for (const student of ['dirichlet', 'categorical'] as const) {
      const started = performance.now();
      const d = await distill(ctx, teacher, { x }, { student, epochs: o.epochs, copies: o.copies, jitter: o.jitter, teacherSamples: o.teacherSamples, seed: o.seed });
      const distillMs = performance.now() - started;
      const c = await compareStudent(ctx, teacher, d.student, heldOut, { samples: o.samples, repeats: o.repeats, seed: o.seed });
      const inMi = await mutualInformation(ctx, teacher, d.student, heldOut.x, o);
      const oodMi = await mutualInformation(ctx, teacher, d.student, ood, o);
      const row: ClassificationRow = {
        teacher: name,
        student,
        distillMs,
        heldOut: c,
        oodMutualInformation: { teacher: mean(oodMi.teacher), student: oodMi.student ? mean(oodMi.student) : null },
        auroc: { teacher: auroc(inMi.teacher, oodMi.teacher), student: inMi.student && oodMi.student ? auroc(inMi.student, oodMi.student) : null },
      };
      out.push(row);
      log(`${name} -> ${student}: ${JSON.stringify({ ...row, heldOut: { ...c.classification, speedup: c.speedup } })}`);
    }
  }
  return out;
}

export function classificationTable(rows: readonly ClassificationRow[]): string {
  const f = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '—' : v.toFixed(digits));
  const lines = [
    '| teacher | student | held-out acc teacher / student | NLL teacher / student | ECE teacher / student | MI held-out teacher / student | MI OOD teacher / student | MI rank corr. | OOD AUROC teacher / student | predict ms teacher (S) / student | speed-up |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const k = r.heldOut.classification;
    const mi = k?.mutualInformation;
    lines.push(
      `| ${r.teacher} | ${r.student} | ${f(k?.teacher.accuracy)} / ${f(k?.student.accuracy)} | ${f(k?.teacher.nll)} / ${f(k?.student.nll)} | ${f(k?.teacher.ece)} / ${f(k?.student.ece)} | ` +
        `${f(mi?.teacherMean)} / ${f(mi?.studentMean)} | ${f(r.oodMutualInformation.teacher)} / ${f(r.oodMutualInformation.student)} | ${f(mi?.rankCorrelation, 2)} | ` +
        `${f(r.auroc.teacher, 2)} / ${f(r.auroc.student, 2)} | ${r.heldOut.teacherPredictMs.toFixed(2)} (${r.heldOut.teacherSamples}) / ${r.heldOut.studentPredictMs.toFixed(2)} | ${r.heldOut.speedup.toFixed(1)}x |`,
    );
  }
  return lines.join('\n');
}
