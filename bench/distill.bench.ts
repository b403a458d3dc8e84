/**
 * Distillation benchmark (a script, not a test): `npm run bench:distill` builds and runs
 * dist/bench/distill.bench.js.
 *
 * Workload: the 1-D gap toy of the demo (y = sin(2x) + N(0, 0.1²), x uniform on [-2, -0.5] ∪
 * [0.5, 2]; --train rows to train on, --test held-out rows from the same law, and --gap rows from
 * x in (-0.5, 0.5), where the teachers disagree). The teachers are trained on the GPU (1-50-1
 * tanh: 'vi', 'mc-dropout', a 5-member 'ensemble', 'hmc''s samples, last-layer 'laplace' draws,
 * 'swag' draws; --teachers picks some), each is distilled into a student of the same
 * shape (distill() defaults: 4 jittered copies at 0.1 std, 16 teacher draws per input, 100
 * epochs), and compareStudent() scores both on the held-out rows and on the gap rows: mean log
 * predictive density (teacher at S = --samples, student at S = 1) and the median predict time of
 * --repeats calls after a warm-up, whose ratio is the student's speed-up.
 *
 * Classification (--part classification, bench/distill-classifier.ts): blobs3 teachers (Pyro VI, a
 * trained 5-member ensemble) into Dirichlet and categorical students, scored on held-out rows and
 * out-of-distribution points.
 *
 * Options: --part all|regression|classification (all), --teachers a,b,... (all), --train N (80), --test N (200), --gap N (50),
 * --samples S (1000), --repeats R (5), --epochs E of the teachers (1000), --seed K (1), --json <file>;
 * classification: --class-epochs E of the students (100), --class-copies C (4),
 * --class-teacher-samples S (16), --class-jitter s (0.1, in each column's std), --ensemble-epochs E
 * of the ensemble teacher (300).
 */
import { writeFile } from 'node:fs/promises';
import { exitWithUsageError, parseBenchArgs } from './lib/args.js';
import { classificationRows, classificationTable, type ClassificationRow } from './distill-classifier.js';
import { adapterLine } from './lib/stats.js';
import { mulberry32 } from './lib/synthetic.js';
import { compareStudent, distill, type StudentComparison } from '../src/distill/index.js';
import type { Model } from '../src/model/spec.js';
import { createNodeContext } from '../src/node/device.js';
import { train } from '../src/train/trainer.js';
import type { GpuContext } from '../src/gpu/device.js';
import { trainLaplace, type LaplaceTrainOptions } from '../src/laplace/laplace.js';
import type { TrainData, TrainMethod, TrainOptions } from '../src/objective/types.js';
import { trainSwag } from '../src/swag/fit.js';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** n rows of the gap toy; `inGap` draws x from (-0.5, 0.5) instead. */
function toy(n: number, rand: () => number, inGap = false): { x: number[]; y: number[] } {
  const x = Array.from({ length: n }, () => {
    if (inGap) return rand() - 0.5;
    const u = 1.5 * rand() + 0.5;
    return rand() < 0.5 ? -u : u;
  });
  return { x, y: x.map((v) => Math.sin(2 * v) + 0.1 * gaussian(rand)) };
}

interface Row {
  readonly teacher: TeacherName;
  readonly teacherTrainMs: number;
  readonly distillMs: number;
  readonly heldOut: StudentComparison;
  readonly gap: StudentComparison;
}

type TeacherName = TrainMethod | 'laplace';

/**
 * The teachers. 'hmc': 4 chains after the --epochs full-batch Adam steps, 100 warm-up transitions,
 * 50 samples each every 2nd transition of 20 leapfrog steps (200 point networks); 'laplace': the
 * last layer's full-covariance posterior around a 'map' fit (100 draws); 'swag': SWAG's 30 low-rank
 * draws after a 'map' fit and 100 SGD epochs. The sample-based teachers are predicted as the
 * mixture of their point networks (an ensemble of delta models).
 */
const TEACHERS: readonly { name: TeacherName; options: Partial<TrainOptions> & { laplace?: LaplaceTrainOptions['laplace'] } }[] = [
  { name: 'vi', options: { lr: 1e-2, batchSize: 80 } },
  { name: 'mc-dropout', options: { lr: 1e-3, batchSize: 32, models: [{ dropout: 0.05, tau: 100 }] } },
  { name: 'ensemble', options: { lr: 1e-3, batchSize: 32, models: Array.from({ length: 5 }, () => ({})) } },
  { name: 'hmc', options: { lr: 1e-2, hmc: { chains: 4, warmup: 100, samples: 50, thin: 2, leapfrogSteps: 20 } } },
  { name: 'laplace', options: { lr: 1e-2, batchSize: 32, schedule: 'cosine', laplace: { structure: 'last-layer', samples: 100 } } },
  { name: 'swag', options: { lr: 1e-2, batchSize: 32, swag: { swaEpochs: 100, swaLr: 3e-4, rank: 20, samples: 30 } } },
];

/** Trains one teacher: one model, or the point networks whose mixture is its predictive. */
async function trainTeacher(ctx: GpuContext, data: TrainData, t: (typeof TEACHERS)[number], epochs: number, seed: number): Promise<Model | Model[]> {
  const arch = { inputDim: 1, hidden: [50], activation: 'tanh' } as const;
  const { laplace, ...options } = t.options;
  switch (t.name) {
    case 'laplace':
      return [...((await trainLaplace(ctx, arch, data, { ...options, method: 'laplace', epochs, seed, ...(laplace ? { laplace } : {}) })).models[0] ?? [])];
    case 'swag':
      return [...((await trainSwag(ctx, arch, data, { ...options, method: 'swag', epochs, seed })).models[0] ?? [])];
    default: {
      const trained = await train(ctx, arch, data, { ...options, method: t.name, epochs, seed });
      if (t.name === 'hmc') return trained.snapshots.flat();
      return t.name === 'ensemble' ? [...trained.models] : (trained.models[0] as Model);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs('distill.bench', {
    options: {
      train: { type: 'string', default: '80' },
      test: { type: 'string', default: '200' },
      gap: { type: 'string', default: '50' },
      samples: { type: 'string', default: '1000' },
      repeats: { type: 'string', default: '5' },
      epochs: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      part: { type: 'string', default: 'all' },
      teachers: { type: 'string', default: TEACHERS.map((t) => t.name).join(',') },
      'class-epochs': { type: 'string', default: '100' },
      'class-copies': { type: 'string', default: '4' },
      'class-teacher-samples': { type: 'string', default: '16' },
      'class-jitter': { type: 'string', default: '0.1' },
      'ensemble-epochs': { type: 'string', default: '300' },
    },
  });
  const seed = Number(values.seed);
  const rand = mulberry32(seed);
  const trainSet = toy(Number(values.train), rand);
  const testSet = toy(Number(values.test), rand);
  const gapSet = toy(Number(values.gap), rand, true);
  const compare = { samples: Number(values.samples), repeats: Number(values.repeats), seed };
  const ctx = await createNodeContext();
  const rows: Row[] = [];
  let classification: ClassificationRow[] = [];
  if (!['all', 'regression', 'classification'].includes(values.part)) exitWithUsageError('distill.bench', `--part must be all, regression or classification, got '${values.part}'`);
  const teachers = values.teachers.split(',');
  const unknown = teachers.filter((name) => !TEACHERS.some((t) => t.name === name));
  if (unknown.length > 0) exitWithUsageError('distill.bench', `--teachers: unknown ${unknown.join(', ')} (known: ${TEACHERS.map((t) => t.name).join(', ')})`);
  try {
    console.log(adapterLine(ctx.adapter));
    for (const t of values.part === 'classification' ? [] : TEACHERS) {
      if (!teachers.includes(t.name)) continue;
      const started = performance.now();
      const teacher = await trainTeacher(ctx, trainSet, t, Number(values.epochs), seed);
      const teacherTrainMs = performance.now() - started;
      const { student, report } = await distill(ctx, teacher, { x: trainSet.x }, { seed });
      const heldOut = await compareStudent(ctx, teacher, student, testSet, compare);
      const gap = await compareStudent(ctx, teacher, student, gapSet, compare);
      rows.push({ teacher: t.name, teacherTrainMs, distillMs: report.elapsedMs, heldOut, gap });
      console.log(
        `${t.name}: held-out lpd teacher ${heldOut.teacherLogLikelihood.toFixed(3)} student ${heldOut.studentLogLikelihood.toFixed(3)}; ` +
          `gap lpd teacher ${gap.teacherLogLikelihood.toFixed(3)} student ${gap.studentLogLikelihood.toFixed(3)}; ` +
          `predict ${heldOut.teacherPredictMs.toFixed(2)} ms (S=${heldOut.teacherSamples}) vs ${heldOut.studentPredictMs.toFixed(2)} ms (S=1), speed-up ${heldOut.speedup.toFixed(1)}x; ` +
          `distilled in ${(report.elapsedMs / 1000).toFixed(1)} s (agreement at the training inputs: mean RMSE ${report.agreement.meanRmse.toFixed(4)}, std RMSE ${report.agreement.stdRmse.toFixed(4)})`,
      );
    }
    if (rows.length > 0) {
      console.log('\n| teacher | held-out lpd teacher | student | gap lpd teacher | student | predict ms teacher (S) | student (S=1) | speed-up |');
      console.log('|---|---|---|---|---|---|---|---|');
    }
    for (const r of rows) {
      console.log(
        `| ${r.teacher} | ${r.heldOut.teacherLogLikelihood.toFixed(3)} | ${r.heldOut.studentLogLikelihood.toFixed(3)} | ${r.gap.teacherLogLikelihood.toFixed(3)} | ${r.gap.studentLogLikelihood.toFixed(3)} | ` +
          `${r.heldOut.teacherPredictMs.toFixed(2)} (${r.heldOut.teacherSamples}) | ${r.heldOut.studentPredictMs.toFixed(2)} | ${r.heldOut.speedup.toFixed(1)}x |`,
      );
    }
    if (values.part !== 'regression') {
      classification = await classificationRows(
        ctx,
        {
          samples: Number(values.samples),
          repeats: Number(values.repeats),
          seed,
          epochs: Number(values['class-epochs']),
          copies: Number(values['class-copies']),
          teacherSamples: Number(values['class-teacher-samples']),
          jitter: Number(values['class-jitter']),
          ensembleEpochs: Number(values['ensemble-epochs']),
        },
        (line) => console.log(line),
      );
      console.log('\n' + classificationTable(classification));
    }
    if (values.json) await writeFile(values.json, JSON.stringify({ adapter: ctx.adapter, options: values, rows, classification }, null, 2));
  } finally {
    ctx.destroy();
  }
}

await main();
