/**
 * The likelihood a training run fits (index.ts, LIKELIHOODS): its kind and widths, resolved from the
 * options and the targets, and the checks of the targets against it. Shared by the GPU trainer and
 * the float64 oracle through prepare.ts.
 */
import { InvalidInputError } from '../errors.js';
import { toMatrix } from '../inputs.js';
import { DEFAULT_MIN_CONCENTRATION } from '../model/spec-json.js';
import { describeValue, integerOption, scaleOption } from '../options.js';
import type { ObjectiveMethod } from './methods.js';
import type { TrainData, TrainLikelihood, TrainOptions } from './types.js';

export const TRAIN_LIKELIHOODS: readonly TrainLikelihood[] = ['normal', 'student-t', 'categorical', 'bernoulli', 'beta', 'dirichlet'];

/** Floor on the Beta's and the Dirichlet's concentrations (softplus(f) + this), the model files' default. */
export const TRAIN_MIN_CONCENTRATION = DEFAULT_MIN_CONCENTRATION;

/** Most classes a categorical or Dirichlet run takes: each is an output unit, held in a private array of the loss thread (lib/likelihood-classes). */
export const MAX_TRAIN_CLASSES = 1024;

/**
 * Tolerance on a Dirichlet target's sum: |Σ_k y_k − 1| <= 1e-4 (targets written with four or more
 * decimals pass; the density is evaluated at the row as given, not renormalised).
 */
export const DIRICHLET_SUM_TOLERANCE = 1e-4;

export interface TrainLikelihoodInfo {
  readonly kind: TrainLikelihood;
  /** K for 'categorical' and 'dirichlet'; 0 otherwise. */
  readonly classes: number;
  /** Floats per row of y: K for 'dirichlet', 1 otherwise (one target column). */
  readonly targetWidth: number;
  /** Whether the targets are real numbers with a noise scale (normal, student-t): standardised y, a sigma site. */
  readonly scale: boolean;
  /** 'student-t': its fixed degrees of freedom, or null when they are learnt (θ holds log df); null otherwise. */
  readonly degreesOfFreedom: number | null;
  /** TrainOptions.heteroscedastic: the noise scale comes from a second output unit for every method (only with `scale`). */
  readonly heteroscedastic: boolean;
  /** TrainOptions.betaNll: each head row's NLL weighted by σ^(2β) (0: the plain NLL; only with `scale`). */
  readonly betaNll: number;
}

export const NORMAL_TRAINING: TrainLikelihoodInfo = { kind: 'normal', classes: 0, targetWidth: 1, scale: true, degreesOfFreedom: null, heteroscedastic: false, betaNll: 0 };

/** Learnt Student-t degrees of freedom start at 10 (log df = log 10 in θ): tails heavier than the Normal's, variance finite. */
export const INIT_DEGREES_OF_FREEDOM = 10;

/**
 * Whether the last layer is a heteroscedastic head (mean, raw scale; index.ts, HETEROSCEDASTIC HEAD):
 * always for 'ensemble' with a scale likelihood, for the other methods with TrainOptions.heteroscedastic.
 */
export function heteroscedasticHead(likelihood: TrainLikelihoodInfo, method: ObjectiveMethod): boolean {
  return likelihood.scale && (method === 'ensemble' || likelihood.heteroscedastic);
}

/**
 * The last layer's units (index.ts, LIKELIHOODS): normal and student-t 1 (2 with a heteroscedastic
 * head), categorical K logits, bernoulli 1 logit, beta 2 (α then β through softplus), dirichlet K.
 */
export function likelihoodUnits(likelihood: TrainLikelihoodInfo, method: ObjectiveMethod): number {
  switch (likelihood.kind) {
    case 'normal':
    case 'student-t':
      return heteroscedasticHead(likelihood, method) ? 2 : 1;
    case 'categorical':
    case 'dirichlet':
      return likelihood.classes;
    case 'bernoulli':
      return 1;
    case 'beta':
      return 2;
  }
}

/** Width of a prediction's arrays for the trained model (spec.ts outputDim): K for categorical and Dirichlet, else 1. */
export function likelihoodOutputDim(likelihood: TrainLikelihoodInfo): number {
  return likelihood.classes > 0 ? likelihood.classes : 1;
}

function kindOption(options: TrainOptions): TrainLikelihood {
  const kind = options.likelihood ?? 'normal';
  if (!TRAIN_LIKELIHOODS.includes(kind)) throw new InvalidInputError(`unknown likelihood ${describeValue(kind)}; use one of ${TRAIN_LIKELIHOODS.join(', ')}`);
  return kind;
}

/** The largest label + 1 (at least 2) of a column of labels already checked to be non-negative integers. */
function labelCount(y: Float64Array): number {
  let max = 0;
  for (const v of y) max = Math.max(max, v);
  return Math.max(2, max + 1);
}

/** Class indices 0..K-1 (a float64 integer, exact in float32 below 2^24). */
function checkLabels(y: Float64Array, classes: number | null, what: string): void {
  y.forEach((v, r) => {
    if (!Number.isInteger(v) || v < 0) throw new InvalidInputError(`y row ${r} is ${v}: ${what} labels must be integers 0..K-1`);
    if (classes !== null && v >= classes) throw new InvalidInputError(`y row ${r} is ${v}: ${what} labels must be in 0..${classes - 1} (classes ${classes})`);
  });
}

/** TrainOptions.heteroscedastic: a boolean, and only for a likelihood with a noise scale. */
function heteroscedasticOption(options: TrainOptions, kind: TrainLikelihood): boolean {
  const value = options.heteroscedastic ?? false;
  if (typeof value !== 'boolean') throw new InvalidInputError(`heteroscedastic must be true or false, got ${describeValue(value)}`);
  if (value && kind !== 'normal' && kind !== 'student-t') {
    throw new InvalidInputError(`heteroscedastic noise needs a likelihood with a noise scale ('normal' or 'student-t'); a '${kind}' likelihood has none`);
  }
  return value;
}

/** TrainOptions.betaNll: a number in [0, 1] (default 0), and only for a likelihood with a noise scale. */
function betaNllOption(options: TrainOptions, kind: TrainLikelihood): number {
  const value = options.betaNll ?? 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidInputError(`betaNll must be a number in [0, 1], got ${describeValue(value)}`);
  if (value > 0 && kind !== 'normal' && kind !== 'student-t') {
    throw new InvalidInputError(`betaNll weights a heteroscedastic head's NLL: it needs a likelihood with a noise scale ('normal' or 'student-t'), not '${kind}'`);
  }
  return value;
}

/** The resolved likelihood and the targets as [rows, targetWidth], checked (InvalidInputError naming the row). */
export function resolveLikelihood(data: TrainData, options: TrainOptions): { likelihood: TrainLikelihoodInfo; y: Float64Array; rows: number } {
  const kind = kindOption(options);
  if (options.classes !== undefined && kind !== 'categorical' && kind !== 'dirichlet') {
    throw new InvalidInputError(`classes is a 'categorical' and 'dirichlet' option, not '${kind}'`);
  }
  if (options.degreesOfFreedom !== undefined && kind !== 'student-t') throw new InvalidInputError(`degreesOfFreedom is a 'student-t' option, not '${kind}'`);
  const heteroscedastic = heteroscedasticOption(options, kind);
  const betaNll = betaNllOption(options, kind);
  if (kind === 'normal') {
    const ym = toMatrix(data.y, 1, 'y');
    return { likelihood: { ...NORMAL_TRAINING, heteroscedastic, betaNll }, y: ym.data, rows: ym.rows };
  }
  if (kind === 'student-t') {
    const ym = toMatrix(data.y, 1, 'y');
    const df = options.degreesOfFreedom ?? 'learn';
    const degreesOfFreedom = df === 'learn' ? null : scaleOption(df, 'degreesOfFreedom');
    return { likelihood: { kind, classes: 0, targetWidth: 1, scale: true, degreesOfFreedom, heteroscedastic, betaNll }, y: ym.data, rows: ym.rows };
  }
  if (kind === 'dirichlet') {
    const first = Array.isArray(data.y) ? (data.y[0] as unknown) : undefined;
    if (options.classes === undefined && !Array.isArray(first)) {
      throw new InvalidInputError("a 'dirichlet' likelihood needs y as rows of K proportions (or a flat array with classes: K)");
    }
    const classes = integerOption(options.classes ?? (first as unknown[]).length, 'classes', 2, MAX_TRAIN_CLASSES);
    const ym = toMatrix(data.y, classes, 'y');
    for (let r = 0; r < ym.rows; r++) {
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        const v = ym.data[r * classes + k] as number;
        // The GPU reads float32: a value that rounds to 0 or 1 would put log 0 in the density.
        const f = Math.fround(v);
        if (!(f > 0 && f < 1)) throw new InvalidInputError(`y row ${r} column ${k} is ${v}: dirichlet targets must lie strictly between 0 and 1 (each row a probability vector)`);
        sum += v;
      }
      if (Math.abs(sum - 1) > DIRICHLET_SUM_TOLERANCE) {
        throw new InvalidInputError(`y row ${r} sums to ${Number(sum.toPrecision(6))}: dirichlet targets must sum to 1 (within ${DIRICHLET_SUM_TOLERANCE})`);
      }
    }
    return { likelihood: { kind, classes, targetWidth: classes, scale: false, degreesOfFreedom: null, heteroscedastic: false, betaNll: 0 }, y: ym.data, rows: ym.rows };
  }
  const ym = toMatrix(data.y, 1, 'y');
  if (kind === 'categorical') {
    const given = options.classes === undefined ? null : integerOption(options.classes, 'classes', 2, MAX_TRAIN_CLASSES);
    checkLabels(ym.data, given, 'categorical');
    const classes = given ?? labelCount(ym.data);
    if (classes > MAX_TRAIN_CLASSES) throw new InvalidInputError(`the labels name ${classes} classes; at most ${MAX_TRAIN_CLASSES} are supported`);
    return { likelihood: { kind, classes, targetWidth: 1, scale: false, degreesOfFreedom: null, heteroscedastic: false, betaNll: 0 }, y: ym.data, rows: ym.rows };
  }
  if (kind === 'bernoulli') {
    ym.data.forEach((v, r) => {
      if (v !== 0 && v !== 1) throw new InvalidInputError(`y row ${r} is ${v}: bernoulli labels must be 0 or 1`);
    });
  } else {
    ym.data.forEach((v, r) => {
      // Strictly inside (0, 1) after float32 rounding, where the GPU evaluates log y and log(1 - y).
      const f = Math.fround(v);
      if (!(f > 0 && f < 1)) throw new InvalidInputError(`y row ${r} is ${v}: beta targets must lie strictly between 0 and 1 (in float32)`);
    });
  }
  return { likelihood: { kind, classes: 0, targetWidth: 1, scale: false, degreesOfFreedom: null, heteroscedastic: false, betaNll: 0 }, y: ym.data, rows: ym.rows };
}
