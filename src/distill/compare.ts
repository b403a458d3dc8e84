/**
 * A student against its teacher on labelled rows (held out from the distillation): the mean log
 * predictive density of each (the teacher's from S Monte-Carlo samples, the student's from its one
 * forward pass) and the wall time of one predict call of each, so the speed-up the student buys
 * and the log-likelihood it costs are measured on the same inputs. Each engine predicts once
 * untimed first (pipeline compilation and buffer allocation are one-off costs), then `repeats`
 * timed calls whose median is reported.
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { Engine } from '../infer/engine.js';
import type { PredictOptions, PredictResult } from '../infer/types.js';
import { toMatrix, type MatrixInput } from '../inputs.js';
import type { Model } from '../model/spec.js';
import { integerOption, optional, readOptionsObject } from '../options.js';

export interface StudentComparison {
  readonly rows: number;
  readonly teacherSamples: number;
  /** Mean over rows of log p(y | x) in nats (the teacher: its S-sample mixture; the student: its Normal). */
  readonly teacherLogLikelihood: number;
  readonly studentLogLikelihood: number;
  /** Median wall time of one predict call over all rows, teacher at S samples and student at 1. */
  readonly teacherPredictMs: number;
  readonly studentPredictMs: number;
  /** teacherPredictMs / studentPredictMs. */
  readonly speedup: number;
}

export interface CompareOptions {
  /** Teacher samples S (default 1000; an ensemble: rounded up to a multiple of its members). */
  readonly samples?: number;
  /** Timed predict calls per model (default 3). */
  readonly repeats?: number;
  readonly seed?: number;
}

function meanLpd(r: PredictResult): number {
  const lpd = r.logPredictiveDensity;
  if (!lpd) throw new Error('compareStudent: the engine returned no log predictive density for y');
  let s = 0;
  for (const v of lpd) s += v / lpd.length;
  return s;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function timedPredict(
  ctx: GpuContext,
  model: Model | readonly Model[],
  x: Float64Array,
  options: PredictOptions,
  repeats: number,
): Promise<{ result: PredictResult; ms: number }> {
  const engine = Engine.create(ctx, model);
  try {
    const result = await engine.predict(x, options);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await engine.predict(x, options);
      times.push(performance.now() - start);
    }
    return { result, ms: median(times) };
  } finally {
    engine.dispose();
  }
}

/** The student's held-out log-likelihood and speed against the teacher's on (x, y) (module comment). */
export async function compareStudent(
  ctx: GpuContext,
  teacher: Model | readonly Model[],
  student: Model,
  data: { readonly x: MatrixInput; readonly y: MatrixInput },
  options: CompareOptions = {},
): Promise<StudentComparison> {
  const o = readOptionsObject(options, ['samples', 'repeats', 'seed'], 'compareStudent options');
  const members = Array.isArray(teacher) ? teacher.length : 1;
  const samples = Math.ceil(optional(o['samples'], 1000, (v) => integerOption(v, 'compareStudent options: samples', 1, 1_000_000)) / members) * members;
  const repeats = optional(o['repeats'], 3, (v) => integerOption(v, 'compareStudent options: repeats', 1, 1000));
  const seed = optional(o['seed'], 0, (v) => integerOption(v, 'compareStudent options: seed', 0));
  const x = toMatrix(data.x, student.spec.inputDim, 'compareStudent: x');
  const y = toMatrix(data.y, 1, 'compareStudent: y');
  if (y.rows !== x.rows) throw new InvalidInputError(`compareStudent: y has ${y.rows} rows, x ${x.rows}`);
  const t = await timedPredict(ctx, teacher, x.data, { samples, seed, y: y.data }, repeats);
  const s = await timedPredict(ctx, student, x.data, { samples: 1, path: 'joint', y: y.data }, repeats);
  return {
    rows: x.rows,
    teacherSamples: samples,
    teacherLogLikelihood: meanLpd(t.result),
    studentLogLikelihood: meanLpd(s.result),
    teacherPredictMs: t.ms,
    studentPredictMs: s.ms,
    speedup: t.ms / s.ms,
  };
}
