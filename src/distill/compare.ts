/**
 * A student against its teacher on labelled rows (held out from the distillation): the mean log
 * predictive density of each (the teacher's from S Monte-Carlo samples, the student's from its one
 * forward pass) and the wall time of one predict call of each, so the speed-up the student buys
 * and the log-likelihood it costs are measured on the same inputs. Each engine predicts once
 * untimed first (pipeline compilation and buffer allocation are one-off costs), then `repeats`
 * timed calls whose median is reported.
 *
 * A classifier teacher (categorical, or one-output bernoulli) is scored against class labels: the
 * mean log probability of the label, and per model the accuracy, NLL, Brier score and 15-bin ECE of
 * its predictive probabilities; a Dirichlet student's probabilities are α/α0 and its one timed call
 * includes the host's closed-form uncertainty (infer/dirichlet-predict.ts), whose mutual information
 * is set against the teacher's Monte-Carlo one (mean of each, root mean square difference and
 * Spearman rank correlation over the rows: whether the student ranks inputs by epistemic
 * uncertainty as the teacher does).
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { checkLabels } from '../infer/classification.js';
import { dirichletClassifier, dirichletFromRaw, rawOutputView, type DirichletPrediction } from '../infer/dirichlet-predict.js';
import { Engine } from '../infer/engine.js';
import type { ClassificationMetrics, PredictOptions, PredictResult } from '../infer/types.js';
import { toMatrix, type MatrixInput } from '../inputs.js';
import { likelihoodKind, outputDim, type Model } from '../model/spec.js';
import { integerOption, optional, readOptionsObject } from '../options.js';

/** A classifier's scores against labels (ClassificationMetrics without the reliability bins). */
export interface ClassifierScores {
  readonly accuracy: number;
  readonly nll: number;
  readonly brier: number;
  readonly ece: number;
}

/** The student's mutual information against the teacher's over the rows (a Dirichlet student). */
export interface MutualInformationAgreement {
  readonly teacherMean: number;
  readonly studentMean: number;
  readonly rmse: number;
  /** Spearman's rank correlation of the two over the rows (NaN when either is constant). */
  readonly rankCorrelation: number;
}

export interface StudentComparison {
  readonly rows: number;
  readonly teacherSamples: number;
  /** Mean over rows of log p(y | x) in nats (the teacher: its S-sample mixture; the student: its Normal, or its class probabilities). */
  readonly teacherLogLikelihood: number;
  readonly studentLogLikelihood: number;
  /** Median wall time of one predict call over all rows, teacher at S samples and student at 1. */
  readonly teacherPredictMs: number;
  readonly studentPredictMs: number;
  /** teacherPredictMs / studentPredictMs. */
  readonly speedup: number;
  /** A classifier teacher: each model's scores against the labels, and the mutual information's agreement (null for a categorical student, which has none). */
  readonly classification?: {
    readonly teacher: ClassifierScores;
    readonly student: ClassifierScores;
    readonly mutualInformation: MutualInformationAgreement | null;
  };
}

export interface CompareOptions {
  /** Teacher samples S (default 1000; an ensemble: rounded up to a multiple of its members). */
  readonly samples?: number;
  /** Timed predict calls per model (default 3). */
  readonly repeats?: number;
  readonly seed?: number;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) / values.length;
  return s;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ranks 0..n−1 (ties share their mean rank). */
function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const out = new Float64Array(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    for (let t = i; t <= j; t++) out[order[t] as number] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation: Pearson's of the ranks. */
export function rankCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = (ra[i] as number) - ma;
    const db = (rb[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** `repeats` timed calls after an untimed one; the first call's result and the median time. */
async function timed<T>(call: () => Promise<T>, repeats: number): Promise<{ result: T; ms: number }> {
  const result = await call();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await call();
    times.push(performance.now() - start);
  }
  return { result, ms: median(times) };
}

async function timedPredict(ctx: GpuContext, model: Model | readonly Model[], x: Float64Array, options: PredictOptions, repeats: number) {
  const engine = Engine.create(ctx, model);
  try {
    return await timed(() => engine.predict(x, options), repeats);
  } finally {
    engine.dispose();
  }
}

/** A Dirichlet student's one-pass prediction (its raw outputs on the GPU, the closed forms on the host), timed as a whole. */
async function timedDirichlet(ctx: GpuContext, student: Model, x: Float64Array, labels: Float64Array, repeats: number) {
  const lik = dirichletClassifier(student, 'the student');
  const engine = Engine.create(ctx, rawOutputView(student, lik.classes));
  try {
    return await timed(async () => dirichletFromRaw((await engine.predict(x, { samples: 1, path: 'joint' })).mean, lik, labels), repeats);
  } finally {
    engine.dispose();
  }
}

function scores(m: ClassificationMetrics | undefined): ClassifierScores {
  if (!m) throw new Error('compareStudent: the engine returned no classification metrics for y');
  return { accuracy: m.accuracy, nll: m.nll, brier: m.brier, ece: m.ece };
}

function meanLpd(r: { readonly logPredictiveDensity?: ArrayLike<number> }): number {
  const lpd = r.logPredictiveDensity;
  if (!lpd) throw new Error('compareStudent: the engine returned no log predictive density for y');
  return mean(lpd);
}

/** What the teacher predicts, and a typed error unless the student predicts the same outcome. */
function checkPair(teacher: Model, student: Model): { classes: number } | null {
  const t = likelihoodKind(teacher.spec.likelihood);
  const s = likelihoodKind(student.spec.likelihood);
  const tWidth = t === 'bernoulli' ? 2 : outputDim(teacher.spec);
  const sWidth = s === 'bernoulli' ? 2 : outputDim(student.spec);
  const classifier = t === 'categorical' || t === 'bernoulli';
  const fits = classifier ? s === t || s === 'dirichlet' : s === t;
  if (!fits || tWidth !== sWidth || (t === 'bernoulli' && outputDim(teacher.spec) !== 1)) {
    throw new InvalidInputError(
      `compareStudent: the teacher is a ${t} model of ${outputDim(teacher.spec)} outputs, the student a ${s} model of ${outputDim(student.spec)}: ` +
        (classifier ? `a classifier of ${tWidth} classes needs a ${t} or a dirichlet student of ${tWidth}` : `a ${t} teacher needs a ${t} student of the same outputs`),
    );
  }
  if (teacher.spec.inputDim !== student.spec.inputDim) {
    throw new InvalidInputError(`compareStudent: the teacher takes ${teacher.spec.inputDim} inputs, the student ${student.spec.inputDim}`);
  }
  return classifier ? { classes: tWidth } : null;
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
  const members = Array.isArray(teacher) ? (teacher as readonly Model[]) : [teacher as Model];
  if (members.length === 0) throw new InvalidInputError('compareStudent needs a teacher model or a non-empty list of ensemble members, got an empty list');
  const samples = Math.ceil(optional(o['samples'], 1000, (v) => integerOption(v, 'compareStudent options: samples', 1, 1_000_000)) / members.length) * members.length;
  const repeats = optional(o['repeats'], 3, (v) => integerOption(v, 'compareStudent options: repeats', 1, 1000));
  const seed = optional(o['seed'], 0, (v) => integerOption(v, 'compareStudent options: seed', 0));
  const classifier = checkPair(members[0] as Model, student);
  const x = toMatrix(data.x, student.spec.inputDim, 'compareStudent: x');
  const y = toMatrix(data.y, 1, 'compareStudent: y');
  if (y.rows !== x.rows) throw new InvalidInputError(`compareStudent: y has ${y.rows} rows, x ${x.rows}`);
  if (classifier) checkLabels('categorical', y.data, classifier.classes);
  const t = await timedPredict(ctx, teacher, x.data, { samples, seed, y: y.data }, repeats);
  const dirichlet = likelihoodKind(student.spec.likelihood) === 'dirichlet';
  const s: { result: PredictResult | DirichletPrediction; ms: number } = dirichlet
    ? await timedDirichlet(ctx, student, x.data, y.data, repeats)
    : await timedPredict(ctx, student, x.data, { samples: 1, path: 'joint', y: y.data }, repeats);
  const base = {
    rows: x.rows,
    teacherSamples: samples,
    teacherLogLikelihood: meanLpd(t.result),
    studentLogLikelihood: meanLpd(s.result),
    teacherPredictMs: t.ms,
    studentPredictMs: s.ms,
    speedup: t.ms / s.ms,
  };
  if (!classifier) return base;
  const teacherMi = t.result.mutualInformation;
  const studentMi = dirichlet ? (s.result as DirichletPrediction).mutualInformation : null;
  return {
    ...base,
    classification: {
      teacher: scores(t.result.metrics),
      student: scores(s.result.metrics),
      mutualInformation:
        teacherMi && studentMi
          ? {
              teacherMean: mean(teacherMi),
              studentMean: mean(studentMi),
              rmse: Math.sqrt(mean(studentMi.map((v, i) => (v - (teacherMi[i] as number)) ** 2))),
              rankCorrelation: rankCorrelation(teacherMi, studentMi),
            }
          : null,
    },
  };
}
