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
 * Classification (a categorical teacher of K classes, or a one-output bernoulli teacher: K = 2).
 * Two students, `student`:
 * - 'dirichlet' (the default): ensemble distribution distillation (Malinin, Mlodozeniec & Gales
 *   2019). The student outputs Dirichlet concentrations α(x) (a delta network with the trainer's
 *   'dirichlet' likelihood, α_k = softplus(f_k) + 1e-3), fitted by maximum likelihood to the
 *   teacher's per-posterior-sample probability vectors π_s(x) (Engine.predict with returnSamples:
 *   fSamples, the samples' logits; dirichlet-targets.ts) at the inputs and their jittered copies:
 *   each (x, π_s) pair is one training row of Σ −log Dir(π_s | α(x)). Its one forward pass keeps
 *   the teacher's split of uncertainty: probabilities α/α0, total entropy, expected data entropy and
 *   mutual information in closed form (infer/dirichlet-predict.ts predictDirichlet). A teacher whose
 *   members are all point models (a deep ensemble, a set of posterior samples) gives each member's
 *   probabilities once: its teacherSamples is the number of members.
 * - 'categorical': Bayesian dark knowledge (Korattikara et al. 2015), a deterministic K-logit
 *   network (bernoulli: one logit) fitted to the teacher's mean probabilities p̄(x). The trainer's
 *   categorical loss takes a class index per row, not a probability vector (soft targets would need
 *   K floats per row through the gather, loss and oracle), so the soft targets are reached through
 *   hard draws: at each input teacherSamples labels from Categorical(p̄(x)) (on the host), whose
 *   expected cross-entropy is the cross-entropy to p̄(x), minimised at the student's probabilities
 *   = p̄(x). It matches the predictive probabilities only: its mutual information is 0.
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import type { ClassifierKind } from '../infer/classification.js';
import { predictDirichlet } from '../infer/dirichlet-predict.js';
import { Engine } from '../infer/engine.js';
import type { PredictResult } from '../infer/types.js';
import { toMatrix, type Matrix, type MatrixInput } from '../inputs.js';
import { isDeterministic } from '../model/deterministic.js';
import { ACTIVATIONS, likelihoodKind, outputDim, type Activation, type Model } from '../model/spec.js';
import { categoricalDraw } from '../random/observation-draws.js';
import { seedToKey } from '../random/streams.js';
import type { ArchitectureSpec, TrainProgress } from '../objective/types.js';
import { abortSignalOption, describeValue, integerOption, numberOption, oneOfOption, optional, readOptionsObject } from '../options.js';
import type { AbortSignalLike } from '../platform-types.js';
import { train } from '../train/trainer.js';
import { jitteredInputs } from './augment.js';
import { DEFAULT_TARGET_SMOOTHING, probabilityTargets } from './dirichlet-targets.js';

/** The student a classifier teacher is distilled into (module comment); a regression teacher's is always 'normal'. */
export type ClassifierStudent = 'dirichlet' | 'categorical';
export const CLASSIFIER_STUDENTS: readonly ClassifierStudent[] = ['dirichlet', 'categorical'];

export interface DistillOptions {
  /** A classifier teacher's student: 'dirichlet' (default; keeps the uncertainty split) or 'categorical' (probabilities only). */
  readonly student?: ClassifierStudent;
  /** Central smoothing ε of a Dirichlet student's targets, π' = (1 − ε)π + ε/K (default 1e-4; in [1e-6, 0.5]). */
  readonly smoothing?: number;
  /** The student's hidden layer widths (default: the teacher's, from its first member). */
  readonly hidden?: readonly number[];
  /** The student's activation (default: the teacher's first layer's). */
  readonly activation?: Activation;
  /** Jittered copies of every input added to the distillation set (default 4; 0: the inputs only). */
  readonly copies?: number;
  /** Std of the Gaussian jitter, in units of each input column's std (default 0.1). */
  readonly jitter?: number;
  /**
   * Teacher draws per distillation input (default 16; an ensemble: rounded up to a multiple of its
   * members): regression, draws of y; a Dirichlet student, posterior samples of the probabilities
   * (a teacher of point-model members: one per member); a categorical student, labels.
   */
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
  /** The student's likelihood: 'normal' (a regression teacher), 'dirichlet' or 'categorical' / 'bernoulli' (a classifier teacher). */
  readonly student: 'normal' | 'dirichlet' | ClassifierKind;
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
  /** The student's mean training loss per epoch (Gaussian NLL in standardised units; a classifier: cross-entropy; a Dirichlet student: −log Dir). */
  readonly history: readonly number[];
  /**
   * At the given rows, in the target's units: root mean square over rows of the student's mean and
   * std minus the teacher's (teacher from evaluationSamples samples), and the teacher's mean std
   * for scale. A classifier: over rows and classes, of the probabilities and their std (a
   * categorical student: the outcome's sqrt(p(1 − p)); a Dirichlet student: the probabilities'
   * epistemic std, the teacher's probsStd against the Dirichlet's), and for a Dirichlet student the
   * mutual information's root mean square difference and the teacher's mean mutual information.
   */
  readonly agreement: {
    readonly meanRmse: number;
    readonly stdRmse: number;
    readonly teacherStd: number;
    readonly evaluationSamples: number;
    readonly mutualInformationRmse?: number;
    readonly teacherMutualInformation?: number;
  };
  readonly teacherMs: number;
  readonly trainMs: number;
  readonly elapsedMs: number;
}

export interface DistillResult {
  readonly student: Model;
  readonly report: DistillReport;
}

const KNOWN = [
  'student',
  'smoothing',
  'hidden',
  'activation',
  'copies',
  'jitter',
  'teacherSamples',
  'epochs',
  'batchSize',
  'lr',
  'seed',
  'evaluationSamples',
  'onProgress',
  'signal',
] as const;

/** Most jittered copies and teacher draws per input: the pairs are held on the host and the GPU. */
const MAX_COPIES = 1024;
const MAX_TEACHER_SAMPLES = 4096;
/** Least target smoothing: ε/K must stay a positive float32 and 1 − ε(K − 1)/K below 1 for any K. */
const MIN_SMOOTHING = 1e-6;

interface Resolved {
  readonly student: ClassifierStudent;
  readonly smoothing: number;
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

/** What the teacher predicts: one-output regression, or a classifier over `classes` outcomes (bernoulli: 2). */
type TeacherKind = { readonly kind: 'normal' } | { readonly kind: ClassifierKind; readonly classes: number };

/**
 * The teacher's members and kind, refused unless they are one-output Normal regression models,
 * categorical classifiers or one-output bernoulli classifiers, all of one kind and width.
 */
function teacherMembers(teacher: Model | readonly Model[]): { members: readonly Model[]; teacherKind: TeacherKind } {
  const members = Array.isArray(teacher) ? (teacher as readonly Model[]) : [teacher as Model];
  if (members.length === 0) throw new InvalidInputError('distill needs a teacher model or a non-empty list of ensemble members, got an empty list');
  const kinds = members.map((m, i): TeacherKind => {
    if (typeof m !== 'object' || m === null || typeof (m as Partial<Model>).spec !== 'object')
      throw new InvalidInputError(`distill: teacher member ${i} is ${describeValue(m)}, not a model`);
    const kind = likelihoodKind(m.spec.likelihood);
    const D = outputDim(m.spec);
    if (kind !== 'normal' && kind !== 'categorical' && kind !== 'bernoulli') {
      throw new InvalidInputError(`distill: teacher member ${i} has a '${kind}' likelihood; only normal (regression), categorical and bernoulli teachers can be distilled so far`);
    }
    if (kind === 'normal' && D !== 1) throw new InvalidInputError(`distill: teacher member ${i} has ${D} outputs; the student's heteroscedastic head takes one`);
    if (kind === 'bernoulli' && D !== 1) throw new InvalidInputError(`distill: teacher member ${i} is a bernoulli model with ${D} outputs; a distilled bernoulli teacher has one`);
    return kind === 'normal' ? { kind } : { kind, classes: kind === 'bernoulli' ? 2 : D };
  });
  const first = kinds[0] as TeacherKind;
  kinds.forEach((k, i) => {
    const width = (t: TeacherKind) => (t.kind === 'normal' ? 1 : t.classes);
    if (k.kind !== first.kind || width(k) !== width(first)) {
      throw new InvalidInputError(`distill: teacher member ${i} is a ${k.kind} model of ${width(k)} outcomes, member 0 a ${first.kind} one of ${width(first)}: members must agree`);
    }
  });
  return { members, teacherKind: first };
}

function resolveOptions(first: Model, members: number, teacherKind: TeacherKind, options: unknown): Resolved {
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
  const student = optional(o['student'], 'dirichlet', (v) => oneOfOption(v, 'distill options: student', CLASSIFIER_STUDENTS));
  if (teacherKind.kind === 'normal' && o['student'] !== undefined) {
    throw new InvalidInputError(`distill options: student '${student}' is for a classifier teacher; a regression teacher's student is always a heteroscedastic Normal network`);
  }
  const smoothing = optional(o['smoothing'], DEFAULT_TARGET_SMOOTHING, (v) => numberOption(v, 'distill options: smoothing', { min: MIN_SMOOTHING, max: 0.5 }));
  const roundUp = (s: number) => Math.ceil(s / members) * members;
  return {
    student,
    smoothing,
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

/**
 * Per distillation input a, `samples` labels drawn from the teacher's mean probabilities (probs
 * [A, D]: categorical D = K; bernoulli D = 1, P(y = 1)), pair s·A + a as trainingPairs.
 */
function drawLabels(probs: Float32Array, kind: ClassifierKind, width: number, samples: number, seed: number): Float32Array {
  const rows = probs.length / width;
  const key = seedToKey(seed);
  const labels = new Float32Array(samples * rows);
  for (let a = 0; a < rows; a++) {
    const p = kind === 'categorical' ? probs.subarray(a * width, (a + 1) * width) : [1 - (probs[a] as number), probs[a] as number];
    for (let s = 0; s < samples; s++) labels[s * rows + a] = categoricalDraw(key, s, a, p);
  }
  return labels;
}

/** The (x, y) pairs: teacher draw s at distillation input a becomes row s·A + a (ySamples' [S, A, ·] order); y has `width` values per row. */
function trainingPairs(inputs: Matrix, draws: ArrayLike<number>, samples: number): { x: Float64Array; y: Float64Array } {
  const { rows, cols } = inputs;
  const x = new Float64Array(samples * rows * cols);
  for (let s = 0; s < samples; s++) x.set(inputs.data, s * rows * cols);
  const y = Float64Array.from(draws);
  for (const [i, v] of y.entries()) {
    if (!Number.isFinite(v)) throw new InvalidInputError(`distill: the teacher's draw ${i} of y is ${v}; its predictive is not finite at the distillation inputs`);
  }
  return { x, y };
}

function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2 / a.length;
  return Math.sqrt(s);
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) / a.length;
  return s;
}

/** A bernoulli model's P(y = 1) [N] as the two-class probabilities [N, 2] a Dirichlet student predicts. */
function twoClass(p: Float32Array): Float64Array {
  const out = new Float64Array(2 * p.length);
  p.forEach((v, n) => {
    out[2 * n] = 1 - v;
    out[2 * n + 1] = v;
  });
  return out;
}

/**
 * Distils `teacher` (a model, or an ensemble's members: a deep ensemble, a set of posterior
 * samples saved as point models) into a deterministic student trained on the teacher's predictive
 * at `data.x` and at jittered copies of it (module comment). Regression: one model with a
 * heteroscedastic head; `Engine.create(ctx, student).predict(x, { samples: 1, path: 'joint' })` gives
 * the predictive mean and std (std = the head's scale) in one forward pass. A classifier: by default a
 * Dirichlet student, predicted with `predictDirichlet(ctx, student, x)` (probabilities, entropy,
 * expected entropy, mutual information); with `student: 'categorical'`, a logit network the engine
 * predicts at S = 1.
 * @example const { student, report } = await distill(ctx, await loadModel('vi.safetensors'), { x }, { epochs: 200 });
 */
export async function distill(ctx: GpuContext, teacher: Model | readonly Model[], data: { readonly x: MatrixInput }, options: DistillOptions = {}): Promise<DistillResult> {
  const started = performance.now();
  const { members, teacherKind } = teacherMembers(teacher);
  const first = members[0] as Model;
  const o = resolveOptions(first, members.length, teacherKind, options);
  if (typeof data !== 'object' || data === null) throw new InvalidInputError(`distill: data must be { x }, got ${describeValue(data)}`);
  const x = toMatrix(data.x, first.spec.inputDim, 'distill: data.x');
  const inputs = jitteredInputs(x, o.copies, o.jitter, o.seed);
  o.signal?.throwIfAborted();

  const classifier = teacherKind.kind === 'normal' ? null : teacherKind;
  const dirichlet = classifier !== null && o.student === 'dirichlet';
  // A point-model member's probabilities are the same in every sample: each member once.
  const teacherSamples = dirichlet && members.every((m) => isDeterministic(m.spec)) ? members.length : o.teacherSamples;
  const engine = Engine.create(ctx, members.length === 1 ? first : members);
  let teacherAtX: PredictResult;
  let draws: PredictResult;
  const teacherStarted = performance.now();
  const abort = o.signal ? { signal: o.signal } : {};
  try {
    const drawOptions = classifier && !dirichlet ? {} : { returnSamples: true, path: 'joint' as const };
    draws = await engine.predict(inputs.data, { samples: teacherSamples, seed: o.seed, ...drawOptions, ...abort });
    teacherAtX = await engine.predict(x.data, { samples: o.evaluationSamples, seed: (o.seed + 1) % Number.MAX_SAFE_INTEGER, ...abort });
  } finally {
    engine.dispose();
  }
  const teacherMs = performance.now() - teacherStarted;
  const y = !classifier
    ? draws.ySamples
    : dirichlet
      ? draws.fSamples && probabilityTargets(draws.fSamples, classifier.kind, classifier.classes, o.smoothing)
      : draws.probs && drawLabels(draws.probs, classifier.kind, classifier.kind === 'categorical' ? classifier.classes : 1, teacherSamples, o.seed);
  if (!y) throw new Error('distill: the engine returned no teacher samples');
  const pairs = trainingPairs(inputs, y, teacherSamples);
  const pairCount = teacherSamples * inputs.rows;

  const trainStarted = performance.now();
  const likelihood = !classifier
    ? {}
    : dirichlet
      ? { likelihood: 'dirichlet' as const, classes: classifier.classes }
      : classifier.kind === 'categorical'
        ? { likelihood: 'categorical' as const, classes: classifier.classes }
        : { likelihood: 'bernoulli' as const };
  const trained = await train(ctx, o.arch, pairs, {
    method: 'ensemble',
    ...likelihood,
    epochs: o.epochs,
    batchSize: Math.min(o.batchSize, pairCount),
    lr: o.lr,
    seed: o.seed,
    models: [{}],
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...abort,
  });
  const trainMs = performance.now() - trainStarted;
  const student = trained.models[0] as Model;
  const agreement = dirichlet ? await dirichletAgreement(ctx, student, x, teacherAtX, abort) : await plainAgreement(ctx, student, x, teacherAtX);
  return {
    student,
    report: {
      student: !classifier ? 'normal' : dirichlet ? 'dirichlet' : classifier.kind,
      teacherMembers: members.length,
      inputs: x.rows,
      distillationInputs: inputs.rows,
      augmentation: { kind: 'jitter', copies: o.copies, jitter: o.jitter },
      teacherSamples,
      trainingPairs: pairCount,
      architecture: o.arch,
      epochs: o.epochs,
      history: trained.history.map((loss) => loss[0] as number),
      agreement: { ...agreement, evaluationSamples: o.evaluationSamples },
      teacherMs,
      trainMs,
      elapsedMs: performance.now() - started,
    },
  };
}

/** A Normal or categorical student's mean and std at x against the teacher's. */
async function plainAgreement(ctx: GpuContext, student: Model, x: Matrix, teacherAtX: PredictResult) {
  const studentEngine = Engine.create(ctx, student);
  let studentAtX: PredictResult;
  try {
    studentAtX = await studentEngine.predict(x.data, { samples: 1, path: 'joint' });
  } finally {
    studentEngine.dispose();
  }
  return { meanRmse: rmse(studentAtX.mean, teacherAtX.mean), stdRmse: rmse(studentAtX.std, teacherAtX.std), teacherStd: meanOf(teacherAtX.std) };
}

/** A Dirichlet student's probabilities, their epistemic std and its mutual information at x against the teacher's. */
async function dirichletAgreement(ctx: GpuContext, student: Model, x: Matrix, teacherAtX: PredictResult, abort: { signal?: AbortSignalLike }) {
  const s = await predictDirichlet(ctx, student, x.data, abort);
  const bernoulli = teacherAtX.likelihood === 'bernoulli';
  const probs = teacherAtX.probs as Float32Array;
  const probsStd = teacherAtX.probsStd as Float32Array;
  const teacherProbs = bernoulli ? twoClass(probs) : probs;
  // A bernoulli teacher's one std is both classes' std.
  const teacherStd = bernoulli ? Float64Array.from({ length: 2 * probsStd.length }, (_, i) => probsStd[Math.floor(i / 2)] as number) : probsStd;
  const mi = teacherAtX.mutualInformation as Float32Array;
  return {
    meanRmse: rmse(s.probs, teacherProbs),
    stdRmse: rmse(s.probsStd, teacherStd),
    teacherStd: meanOf(teacherStd),
    mutualInformationRmse: rmse(s.mutualInformation, mi),
    teacherMutualInformation: meanOf(mi),
  };
}
