/**
 * The Bayesian teacher (Korattikara et al. 2015, "Bayesian dark knowledge"): any posterior the
 * engine predicts (a VI model, an MC-dropout model, an ensemble) distilled into a deterministic
 * student whose one forward pass gives the predictive mean and scale.
 *
 * Regression (a Normal teacher). The student is the model train({ method: 'ensemble' }) returns
 * per member: delta weights and a heteroscedastic head (mean, softplus scale), predicted with S = 1
 * on the joint path. It is fitted to the teacher's predictive p_T(y | x) at the given inputs and at
 * jittered copies of them (augment.ts) by minimising the expected NLL of teacher draws:
 *   E_{y ~ p_T(·|x)} [-log N(y | μ(x), σ(x)²)] = KL(p_T || N(μ, σ²)) + H[p_T],
 * minimised over (μ, σ) at μ = E_T[y], σ² = Var_T[y] (the teacher's mean and total variance: moment
 * matching). The route is the simplest correct one: draw y from the teacher (Engine.predict with
 * returnSamples: ySamples, S draws per augmented input, each draw with its own weights and
 * observation noise) and train the student with the existing trainer on those (x, y) pairs; the
 * Monte-Carlo estimate of the expected NLL is unbiased, so the same optimum is reached without a new
 * objective or kernel.
 *
 * Classification (a categorical teacher of K classes). The trainer has no soft-target loss, so the
 * student (a deterministic K-logit network, train({ method: 'ensemble', likelihood: 'categorical' })
 * per member) is trained on labels drawn from the teacher's predictive: at each distillation input
 * the teacher's mean probabilities p̄(x) (teacherSamples posterior samples) and teacherSamples
 * labels drawn from Categorical(p̄(x)) on the host. The expected cross-entropy of those labels is
 * the cross-entropy to p̄(x), minimised at the student's probabilities = p̄(x): the soft targets,
 * reached through unbiased hard draws.
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { Engine } from '../infer/engine.js';
import type { PredictResult } from '../infer/types.js';
import { toMatrix, type Matrix, type MatrixInput } from '../inputs.js';
import { ACTIVATIONS, likelihoodKind, outputDim, type Activation, type Model } from '../model/spec.js';
import { categoricalDraw } from '../random/observation-draws.js';
import { seedToKey } from '../random/streams.js';
import type { ArchitectureSpec, TrainProgress } from '../objective/types.js';
import { abortSignalOption, describeValue, integerOption, numberOption, oneOfOption, optional, readOptionsObject } from '../options.js';
import type { AbortSignalLike } from '../platform-types.js';
import { train } from '../train/trainer.js';
import { jitteredInputs } from './augment.js';

export interface DistillOptions {
  /** The student's hidden layer widths (default: the teacher's, from its first member). */
  readonly hidden?: readonly number[];
  /** The student's activation (default: the teacher's first layer's). */
  readonly activation?: Activation;
  /** Jittered copies of every input added to the distillation set (default 4; 0: the inputs only). */
  readonly copies?: number;
  /** Std of the Gaussian jitter, in units of each input column's std (default 0.1). */
  readonly jitter?: number;
  /** Teacher draws of y (a classifier: posterior samples of its probabilities, and labels) per distillation input (default 16; an ensemble: rounded up to a multiple of its members). */
  readonly teacherSamples?: number;
  /** Passes of the student's training over the (x, y) pairs (default 100). */
  readonly epochs?: number;
  /** Minibatch size (default 128, at most the number of pairs). */
  readonly batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  readonly lr?: number;
  /** Seed of the jitter, the teacher's draws and the student's initialisation and shuffling (default 0). */
  readonly seed?: number;
  /** Teacher samples of the agreement check at the given inputs (report.agreement; default 1000, rounded up as teacherSamples). */
  readonly evaluationSamples?: number;
  readonly onProgress?: (p: TrainProgress) => void;
  readonly signal?: AbortSignalLike;
}

/** How the student was made and how closely it follows the teacher. */
export interface DistillReport {
  readonly teacherMembers: number;
  /** Rows given (data.x) and distillation inputs (those rows plus their jittered copies). */
  readonly inputs: number;
  readonly distillationInputs: number;
  readonly augmentation: { readonly kind: 'jitter'; readonly copies: number; readonly jitter: number };
  readonly teacherSamples: number;
  /** (x, y) pairs the student trained on: distillationInputs x teacherSamples. */
  readonly trainingPairs: number;
  readonly architecture: ArchitectureSpec;
  readonly epochs: number;
  /** The student's mean training loss per epoch (Gaussian NLL in standardised units; a classifier: cross-entropy). */
  readonly history: readonly number[];
  /**
   * At the given rows, in the target's units: root mean square over rows of the student's mean and
   * std minus the teacher's (teacher from evaluationSamples samples), and the teacher's mean std
   * for scale (a classifier: over rows and classes, of the probabilities and their std sqrt(p(1 − p))).
   */
  readonly agreement: { readonly meanRmse: number; readonly stdRmse: number; readonly teacherStd: number; readonly evaluationSamples: number };
  readonly teacherMs: number;
  readonly trainMs: number;
  readonly elapsedMs: number;
}

export interface DistillResult {
  readonly student: Model;
  readonly report: DistillReport;
}

const KNOWN = ['hidden', 'activation', 'copies', 'jitter', 'teacherSamples', 'epochs', 'batchSize', 'lr', 'seed', 'evaluationSamples', 'onProgress', 'signal'] as const;

/** Most jittered copies and teacher draws per input: the pairs are held on the host and the GPU. */
const MAX_COPIES = 1024;
const MAX_TEACHER_SAMPLES = 4096;

interface Resolved {
  readonly arch: ArchitectureSpec;
  readonly copies: number;
  readonly jitter: number;
  readonly teacherSamples: number;
  readonly evaluationSamples: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
  readonly onProgress: ((p: TrainProgress) => void) | undefined;
  readonly signal: AbortSignalLike | undefined;
}

/** The teacher's members, refused unless they are one-output Normal regression models or categorical classifiers. */
function teacherMembers(teacher: Model | readonly Model[]): readonly Model[] {
  const members = Array.isArray(teacher) ? (teacher as readonly Model[]) : [teacher as Model];
  if (members.length === 0) throw new InvalidInputError('distill needs a teacher model or a non-empty list of ensemble members, got an empty list');
  members.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || typeof (m as Partial<Model>).spec !== 'object')
      throw new InvalidInputError(`distill: teacher member ${i} is ${describeValue(m)}, not a model`);
    const kind = likelihoodKind(m.spec.likelihood);
    if (kind !== 'normal' && kind !== 'categorical') {
      throw new InvalidInputError(`distill: teacher member ${i} has a '${kind}' likelihood; only normal (regression) and categorical teachers can be distilled so far`);
    }
    if (kind === 'normal' && outputDim(m.spec) !== 1)
      throw new InvalidInputError(`distill: teacher member ${i} has ${outputDim(m.spec)} outputs; the student's heteroscedastic head takes one`);
  });
  return members;
}

function resolveOptions(first: Model, members: number, options: unknown): Resolved {
  const o = readOptionsObject(options, KNOWN, 'distill options');
  const hiddenLayers = first.spec.layers.slice(0, -1);
  const hidden = optional(
    o['hidden'],
    hiddenLayers.map((l) => l.units),
    (v) => {
      if (!Array.isArray(v)) throw new InvalidInputError(`distill options: hidden must be an array of layer widths, got ${describeValue(v)}`);
      return v.map((h: unknown, i) => integerOption(h, `distill options: hidden[${i}]`, 1, 65536));
    },
  );
  const activation = optional(o['activation'], hiddenLayers[0]?.activation ?? 'relu', (v) => oneOfOption(v, 'distill options: activation', ACTIVATIONS));
  const roundUp = (s: number) => Math.ceil(s / members) * members;
  return {
    arch: { inputDim: first.spec.inputDim, hidden, activation },
    copies: optional(o['copies'], 4, (v) => integerOption(v, 'distill options: copies', 0, MAX_COPIES)),
    jitter: optional(o['jitter'], 0.1, (v) => numberOption(v, 'distill options: jitter', { min: 0 })),
    teacherSamples: roundUp(optional(o['teacherSamples'], 16, (v) => integerOption(v, 'distill options: teacherSamples', 1, MAX_TEACHER_SAMPLES))),
    evaluationSamples: roundUp(optional(o['evaluationSamples'], 1000, (v) => integerOption(v, 'distill options: evaluationSamples', 1, 1_000_000))),
    epochs: optional(o['epochs'], 100, (v) => integerOption(v, 'distill options: epochs', 1, 1_000_000)),
    batchSize: optional(o['batchSize'], 128, (v) => integerOption(v, 'distill options: batchSize', 1, 1_000_000)),
    lr: optional(o['lr'], 1e-3, (v) => numberOption(v, 'distill options: lr', { positive: true })),
    seed: optional(o['seed'], 0, (v) => integerOption(v, 'distill options: seed', 0)),
    onProgress: optional(o['onProgress'], undefined, (v) => {
      if (typeof v !== 'function') throw new InvalidInputError(`distill options: onProgress must be a function, got ${describeValue(v)}`);
      return v as (p: TrainProgress) => void;
    }),
    signal: optional(o['signal'], undefined, (v) => abortSignalOption(v, 'distill options: signal')),
  };
}

/** Per distillation input a, `samples` labels drawn from the teacher's mean probabilities (probs [A, K]), pair s·A + a as trainingPairs. */
function drawLabels(probs: Float32Array, classes: number, samples: number, seed: number): Float32Array {
  const rows = probs.length / classes;
  const key = seedToKey(seed);
  const labels = new Float32Array(samples * rows);
  for (let a = 0; a < rows; a++) {
    const p = probs.subarray(a * classes, (a + 1) * classes);
    for (let s = 0; s < samples; s++) labels[s * rows + a] = categoricalDraw(key, s, a, p);
  }
  return labels;
}

/** The (x, y) pairs: teacher draw s at distillation input a becomes row s·A + a (ySamples' [S, A, 1] order). */
function trainingPairs(inputs: Matrix, draws: Float32Array, samples: number): { x: Float64Array; y: Float64Array } {
  const { rows, cols } = inputs;
  const x = new Float64Array(samples * rows * cols);
  for (let s = 0; s < samples; s++) x.set(inputs.data, s * rows * cols);
  const y = Float64Array.from(draws);
  for (const [i, v] of y.entries()) {
    if (!Number.isFinite(v)) throw new InvalidInputError(`distill: the teacher's draw ${i} of y is ${v}; its predictive is not finite at the distillation inputs`);
  }
  return { x, y };
}

function rmse(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2 / a.length;
  return Math.sqrt(s);
}

function meanOf(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v / a.length;
  return s;
}

/**
 * Distils `teacher` (a model, or an ensemble's members) into a deterministic student trained on the
 * teacher's predictive at `data.x` and at jittered copies of it (module comment). The student is one
 * model with a heteroscedastic head (a categorical teacher: K logits): `Engine.create(ctx, student).predict(x,
 * { samples: 1, path: 'joint' })` gives the predictive mean and std (std = the head's scale; a
 * classifier: the probabilities) in one forward pass.
 * @example const { student, report } = await distill(ctx, await loadModel('vi.safetensors'), { x }, { epochs: 200 });
 */
export async function distill(ctx: GpuContext, teacher: Model | readonly Model[], data: { readonly x: MatrixInput }, options: DistillOptions = {}): Promise<DistillResult> {
  const started = performance.now();
  const members = teacherMembers(teacher);
  const first = members[0] as Model;
  const o = resolveOptions(first, members.length, options);
  if (typeof data !== 'object' || data === null) throw new InvalidInputError(`distill: data must be { x }, got ${describeValue(data)}`);
  const x = toMatrix(data.x, first.spec.inputDim, 'distill: data.x');
  const inputs = jitteredInputs(x, o.copies, o.jitter, o.seed);
  o.signal?.throwIfAborted();

  const engine = Engine.create(ctx, members.length === 1 ? first : members);
  let teacherAtX: PredictResult;
  let draws: PredictResult;
  const teacherStarted = performance.now();
  const classifier = likelihoodKind(first.spec.likelihood) === 'categorical';
  const classes = outputDim(first.spec);
  try {
    const drawOptions = classifier ? {} : { returnSamples: true, path: 'joint' as const };
    draws = await engine.predict(inputs.data, { samples: o.teacherSamples, seed: o.seed, ...drawOptions, ...(o.signal ? { signal: o.signal } : {}) });
    teacherAtX = await engine.predict(x.data, { samples: o.evaluationSamples, seed: (o.seed + 1) % Number.MAX_SAFE_INTEGER, ...(o.signal ? { signal: o.signal } : {}) });
  } finally {
    engine.dispose();
  }
  const teacherMs = performance.now() - teacherStarted;
  const y = classifier ? draws.probs && drawLabels(draws.probs, classes, o.teacherSamples, o.seed) : draws.ySamples;
  if (!y) throw new Error(`distill: the engine returned no ${classifier ? 'probs' : 'ySamples'}`);
  const pairs = trainingPairs(inputs, y, o.teacherSamples);

  const trainStarted = performance.now();
  const trained = await train(ctx, o.arch, pairs, {
    method: 'ensemble',
    ...(classifier ? { likelihood: 'categorical' as const, classes } : {}),
    epochs: o.epochs,
    batchSize: Math.min(o.batchSize, pairs.y.length),
    lr: o.lr,
    seed: o.seed,
    models: [{}],
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const trainMs = performance.now() - trainStarted;
  const student = trained.models[0] as Model;

  const studentEngine = Engine.create(ctx, student);
  let studentAtX: PredictResult;
  try {
    studentAtX = await studentEngine.predict(x.data, { samples: 1, path: 'joint' });
  } finally {
    studentEngine.dispose();
  }
  return {
    student,
    report: {
      teacherMembers: members.length,
      inputs: x.rows,
      distillationInputs: inputs.rows,
      augmentation: { kind: 'jitter', copies: o.copies, jitter: o.jitter },
      teacherSamples: o.teacherSamples,
      trainingPairs: pairs.y.length,
      architecture: o.arch,
      epochs: o.epochs,
      history: trained.history.map((loss) => loss[0] as number),
      agreement: {
        meanRmse: rmse(studentAtX.mean, teacherAtX.mean),
        stdRmse: rmse(studentAtX.std, teacherAtX.std),
        teacherStd: meanOf(teacherAtX.std),
        evaluationSamples: o.evaluationSamples,
      },
      teacherMs,
      trainMs,
      elapsedMs: performance.now() - started,
    },
  };
}
