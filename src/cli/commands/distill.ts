/**
 * `webgpu-bnn distill <teacher> --data <csv> --target <column> --out <student> [...]`: distils a
 * regression or classifier model or ensemble file into a deterministic student (src/distill/distill.ts)
 * and writes it. A seeded fraction of the rows (--holdout) is kept out of the distillation; on those rows the
 * target column scores the student's and the teacher's log predictive density and times one predict
 * of each (src/distill/compare.ts). Every file and option is checked before the GPU is touched.
 */
import { writeFile } from 'node:fs/promises';
import { InvalidInputError } from '../../errors.js';
import { describeAdapter } from '../../gpu/adapter-line.js';
import { CLASSIFIER_STUDENTS, distill, type ClassifierStudent, type DistillOptions } from '../../distill/distill.js';
import { compareStudent, type StudentComparison } from '../../distill/compare.js';
import { modelToBytes } from '../../model/format.js';
import { likelihoodKind, outputDim, type Model } from '../../model/spec.js';
import { permute, shuffleKeys } from '../../random/shuffle.js';
import { seedToKey } from '../../random/streams.js';
import { UsageError, flag, parseCommand, parseIntegerOption, requiredOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { resolveTarget, splitColumns } from '../columns.js';
import { withContext } from '../gpu.js';
import { readModelMembers } from '../inputs.js';
import type { CliIo } from '../io.js';
import { expectColumns, readTableFile } from '../matrix-file.js';
import { checkLabels } from '../../infer/classification.js';
import { checkOutputDir, formatSeconds, parseActivation, parseHidden, parseNumber, progressReporter } from './train.js';

const HELP = `Usage: webgpu-bnn distill <teacher> --data <csv> --target <column> --out <student> [options]

Distils a model (vi, mc-dropout, map, a Pyro export) or an ensemble file (a deep ensemble, a
set of posterior samples saved as point models) into a deterministic student.
Regression (one-output normal teacher): a network with a mean and a softplus-scale output that
gives the teacher's predictive mean and std in one forward pass (Bayesian dark knowledge). The
student is trained with the ensemble trainer on y drawn from the teacher's predictive at the
data's inputs and at jittered copies of them, which fits its Normal to the teacher's mean and
total variance.
Classification (categorical, or one-output bernoulli teacher; --target is the column of class
indices): by default (--student dirichlet) a network whose K outputs are Dirichlet
concentrations, fitted to the teacher's per-sample class probabilities (ensemble distribution
distillation): its one pass gives the probabilities and the split of their uncertainty into
expected entropy and mutual information. --student categorical gives a K-logit network trained
on labels drawn from the teacher's mean probabilities (probabilities only).
The student file is a normal model file: 'webgpu-bnn predict' runs it with one sample (a
Dirichlet student's mean is its class probabilities).

The target column is never shown to the student: the inputs are the other columns. A fraction
of the rows (--holdout) is left out of the distillation and scores both models there: mean log
predictive density (teacher with --samples samples, student with 1) and predict time.

Options:
  --data <csv>            CSV with a header row; every column except the target is an input
  --target <column>       the target column (name or 0-based index), for the held-out report
  --out <file>            student model file to write (.safetensors)
  --holdout <f>           fraction of rows held out for the report, in [0, 1) (default 0.2;
                          0: no report)
  --student <kind>        a classifier's student: dirichlet (default) or categorical
  --smoothing <e>         a Dirichlet student's target smoothing, (1 - e) p + e/K (default 1e-4)
  --hidden <w,...>        the student's hidden widths (default: the teacher's)
  --activation <a>        the student's activation (default: the teacher's)
  --copies <K>            jittered copies of each input (default 4)
  --jitter <s>            jitter std in units of each input column's std (default 0.1)
  --teacher-samples <S>   teacher draws of y per distillation input (default 16)
  --epochs <N>            student training passes over the draws (default 100)
  --batch-size <B>        minibatch size (default 128)
  --lr <x>                Adam learning rate (default 1e-3)
  --samples <S>           teacher samples of the held-out report (default 1000)
  --seed <K>              seed of the split, the jitter, the draws and the training (default 0)
  --json                  print a JSON summary on standard output
  -h, --help              show this help
`;

const GRAMMAR = {
  command: 'distill',
  positionals: ['teacher'],
  options: {
    data: { type: 'string' },
    target: { type: 'string' },
    out: { type: 'string' },
    holdout: { type: 'string' },
    student: { type: 'string' },
    smoothing: { type: 'string' },
    hidden: { type: 'string' },
    activation: { type: 'string' },
    copies: { type: 'string' },
    jitter: { type: 'string' },
    'teacher-samples': { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

const MAX_COUNT = 1_000_000;

/** Row indices of the held-out part (a seeded permutation's first round(f·N) rows) and of the rest, each ascending. */
export function holdoutRows(rows: number, fraction: number, seed: number): { kept: number[]; held: number[] } {
  const count = Math.round(fraction * rows);
  const keys = shuffleKeys(seedToKey(seed), 0, 0);
  const held = new Set(Array.from({ length: count }, (_, p) => permute(p, rows, keys)));
  const kept: number[] = [];
  for (let r = 0; r < rows; r++) if (!held.has(r)) kept.push(r);
  return { kept, held: [...held].sort((a, b) => a - b) };
}

function pick(data: Float64Array, cols: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => out.set(data.subarray(r * cols, (r + 1) * cols), i * cols));
  return out;
}

export const distillCommand: Command = {
  name: 'distill',
  summary: 'distil a regression or classifier model or ensemble into a one-pass deterministic student',
  help: HELP,
  async run(args, io: CliIo) {
    const line = parseCommand(args, GRAMMAR);
    const teacherPath = line.positionals[0] ?? '';
    const dataPath = requiredOption(line, 'data', 'distill');
    const targetText = stringOption(line, 'target');
    if (targetText === undefined) throw new UsageError(`distill: --target <column> is required (see 'webgpu-bnn distill --help')`);
    const out = requiredOption(line, 'out', 'distill');
    const opt = (name: string) => stringOption(line, name);
    const holdoutText = opt('holdout');
    const holdout = holdoutText === undefined ? 0.2 : parseNumber(holdoutText, 'holdout', (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    const seedText = opt('seed');
    const seed = seedText === undefined ? 0 : parseIntegerOption(seedText, 'seed', 0, Number.MAX_SAFE_INTEGER);
    const samplesText = opt('samples');
    const samples = samplesText === undefined ? 1000 : parseIntegerOption(samplesText, 'samples', 1, MAX_COUNT);
    const hiddenText = opt('hidden');
    const activationText = opt('activation');
    const int = (name: string) => {
      const text = opt(name);
      return text === undefined ? undefined : parseIntegerOption(text, name, name === 'copies' ? 0 : 1, MAX_COUNT);
    };
    const jitterText = opt('jitter');
    const lrText = opt('lr');
    const copies = int('copies');
    const teacherSamples = int('teacher-samples');
    const epochs = int('epochs');
    const batchSize = int('batch-size');
    const studentText = opt('student');
    if (studentText !== undefined && !(CLASSIFIER_STUDENTS as readonly string[]).includes(studentText)) {
      throw new UsageError(`distill: --student must be one of ${CLASSIFIER_STUDENTS.join(', ')}, got '${studentText}'`);
    }
    const smoothingText = opt('smoothing');
    const progress = progressReporter(io, 1);
    const options: DistillOptions = {
      ...(studentText === undefined ? {} : { student: studentText as ClassifierStudent }),
      ...(smoothingText === undefined ? {} : { smoothing: parseNumber(smoothingText, 'smoothing', (v) => v >= 1e-6 && v <= 0.5, 'a number in [1e-6, 0.5]') }),
      ...(hiddenText === undefined ? {} : { hidden: parseHidden(hiddenText) }),
      ...(activationText === undefined ? {} : { activation: parseActivation(activationText) }),
      ...(copies === undefined ? {} : { copies }),
      ...(jitterText === undefined ? {} : { jitter: parseNumber(jitterText, 'jitter', (v) => v >= 0, 'a number >= 0') }),
      ...(teacherSamples === undefined ? {} : { teacherSamples }),
      ...(epochs === undefined ? {} : { epochs }),
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(lrText === undefined ? {} : { lr: parseNumber(lrText, 'lr', (v) => v > 0, 'a positive number') }),
      seed,
      onProgress: progress.onProgress,
    };

    // The teacher, the data and the output folder are checked before the GPU is touched.
    const members = await readModelMembers(teacherPath);
    const teacher = members[0] as Model;
    const kind = likelihoodKind(teacher.spec.likelihood);
    if (!(((kind === 'normal' || kind === 'bernoulli') && outputDim(teacher.spec) === 1) || kind === 'categorical')) {
      throw new UsageError(
        `distill: '${teacherPath}' is a ${kind} model with ${outputDim(teacher.spec)} outputs; only one-output regression (normal), categorical and one-output bernoulli teachers can be distilled`,
      );
    }
    if (kind === 'normal' && studentText !== undefined) throw new UsageError(`distill: --student is for a classifier teacher; '${teacherPath}' is a regression model`);
    const table = await readTableFile(dataPath, 'data');
    const source = `data file '${dataPath}'`;
    const target = resolveTarget(table, targetText, source);
    const { x, y, inputs } = splitColumns(table, target);
    if (kind === 'categorical' || kind === 'bernoulli') checkLabels(kind, y, outputDim(teacher.spec));
    expectColumns(
      { rows: table.rows, cols: inputs, data: x, header: null },
      teacher.spec.inputDim,
      `${source} without its target column`,
      teacher.spec.inputDim === 1 ? 'input' : 'inputs',
    );
    const { kept, held } = holdoutRows(table.rows, holdout, seed);
    if (kept.length < 2) throw new InvalidInputError(`${source} has ${table.rows} rows; with --holdout ${holdout} only ${kept.length} remain to distil on (at least 2)`);
    await checkOutputDir(out);

    await withContext(io, async (ctx) => {
      io.stderr(
        `distilling ${members.length > 1 ? `an ensemble of ${members.length}` : 'a model'} from ${teacherPath} on ${kept.length} rows of ${dataPath}` +
          `${held.length > 0 ? ` (${held.length} held out)` : ''}; adapter ${describeAdapter(ctx)}\n`,
      );
      progress.start();
      const teacherModel = members.length === 1 ? teacher : members;
      const { student, report } = await distill(ctx, teacherModel, { x: pick(x, inputs, kept) }, options);
      await writeFile(out, modelToBytes(student));
      const comparison = held.length > 0 ? await compareStudent(ctx, teacherModel, student, { x: pick(x, inputs, held), y: pick(y, 1, held) }, { samples, seed }) : null;
      if (flag(line, 'json')) {
        io.stdout(JSON.stringify({ out, teacher: teacherPath, adapter: ctx.adapter, ...report, heldOut: comparison }) + '\n');
        return;
      }
      const a = report.agreement;
      const classes = report.student === 'normal' ? '' : report.student === 'dirichlet' ? 'Dirichlet ' : `${report.student} `;
      io.stdout(
        `wrote ${out}: ${classes}student ${inputs}-${report.architecture.hidden.join('-')}-${student.spec.layers.at(-1)?.units ?? '?'} ${report.architecture.activation}, trained on ${report.trainingPairs} teacher draws ` +
          `(${report.distillationInputs} inputs x ${report.teacherSamples}) in ${formatSeconds(report.trainMs)}\n` +
          `agreement at the distillation rows: mean RMSE ${a.meanRmse.toPrecision(3)}, std RMSE ${a.stdRmse.toPrecision(3)} (teacher's mean std ${a.teacherStd.toPrecision(3)})` +
          (a.mutualInformationRmse === undefined
            ? ''
            : `, mutual information RMSE ${a.mutualInformationRmse.toPrecision(3)} (teacher's mean ${a.teacherMutualInformation?.toPrecision(3) ?? '?'})`) +
          '\n',
      );
      if (comparison) io.stdout(heldOutLines(comparison));
    });
    return 0;
  },
};

/** The held-out report's text: log-likelihoods and speed; a classifier's scores and mutual-information agreement. */
function heldOutLines(c: StudentComparison): string {
  const lines = [
    `held-out rows ${c.rows}: log predictive density teacher ${c.teacherLogLikelihood.toFixed(4)} (S=${c.teacherSamples}), student ${c.studentLogLikelihood.toFixed(4)} (S=1); ` +
      `predict ${c.teacherPredictMs.toFixed(2)} ms vs ${c.studentPredictMs.toFixed(2)} ms, speed-up ${c.speedup.toFixed(1)}x`,
  ];
  const k = c.classification;
  if (k) {
    const row = (name: string, s: typeof k.teacher) => `${name}: accuracy ${s.accuracy.toFixed(4)}, NLL ${s.nll.toFixed(4)}, Brier ${s.brier.toFixed(4)}, ECE ${s.ece.toFixed(4)}`;
    lines.push(`${row('teacher', k.teacher)}; ${row('student', k.student)}`);
    const mi = k.mutualInformation;
    if (mi) {
      lines.push(
        `mutual information: teacher mean ${mi.teacherMean.toPrecision(3)}, student mean ${mi.studentMean.toPrecision(3)}, RMSE ${mi.rmse.toPrecision(3)}, rank correlation ${mi.rankCorrelation.toFixed(3)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
