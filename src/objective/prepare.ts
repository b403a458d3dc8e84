/**
 * Host-side preparation of a training run: validated data, each model's rows, standardisation
 * statistics and hyper-parameters, with the defaults of types.ts. Shared by the GPU trainer and
 * the float64 training oracle so both see identical inputs.
 */
import { InvalidInputError, NumericalError } from '../errors.js';
import { toMatrix } from '../inputs.js';
import { abortSignalOption, describeValue, integerOption, isFiniteFloat32, numberOption, oneOfOption, optional, readOptionsObject, scaleOption } from '../options.js';
import type { AbortSignalLike } from '../platform-types.js';
import { MAX_MODEL_STREAM, trainKeepThreshold } from '../random/train-streams.js';
import { checkArchitecture, type ArchitectureSpec } from './architecture.js';
import { prepareHmc, type PreparedHmc } from './hmc.js';
import { INIT_CONCRETE_DROPOUT } from './concrete.js';
import { resolveLikelihood, type TrainLikelihoodInfo } from './likelihood.js';
import { trainLayout } from './layout.js';
import { VI_ESTIMATORS, objectiveMethod, type LearningRateSchedule, type OptimizerKind } from './methods.js';
import { scheduledLearningRate } from './optimizer.js';
import { prepareSampler, samplerStepSize, type PreparedSampler } from './sampler.js';
import type { KernelStrategy, ModelHyper, TrainData, TrainOptions } from './types.js';

export interface PreparedModel {
  readonly rows: Uint32Array;
  readonly xMean: Float64Array;
  readonly xStd: Float64Array;
  readonly yMean: number;
  readonly yStd: number;
  /** 'mc-dropout''s rate; 'concrete-dropout''s initial rate; 0 otherwise. */
  readonly dropout: number;
  /** trainKeepThreshold(dropout) (src/random/train-streams.ts): keep ⇔ the mask's 16-bit half is below it. */
  readonly keepThreshold: number;
  readonly tau: number;
  /** The fixed noise in standardised units of 'mc-dropout' (and 'sgmcmc' given tau): 1 / (sqrt(tau) yStd). */
  readonly sigmaStd: number;
  /** mc-dropout's weight decay p l^2 / (2 N tau); concrete-dropout's weight regulariser l^2 / (2 N) (divided by 1 - p per layer). */
  readonly lambda: number;
  readonly priorScale: number;
  /** This model's learning rate over the run's (ModelHyper.lr / TrainOptions.lr). */
  readonly lrScale: number;
  /** The model's stream identity (ModelHyper.stream; default its index): its draws' 4th Philox counter word is stream + 1. */
  readonly stream: number;
  readonly stepsPerEpoch: number;
  /**
   * Adversarial training's step per input in standardised units (adversarialEpsilon x the input's
   * range over the model's rows / xStd); null when adversarial training is off.
   */
  readonly adversarialStep: Float64Array | null;
}

export interface PreparedRun {
  readonly x: Float64Array;
  /** Shape [rows, likelihood.targetWidth], as given (class indices, labels, proportions), standardised per model only for normal. */
  readonly y: Float64Array;
  readonly likelihood: TrainLikelihoodInfo;
  readonly rows: number;
  readonly inputDim: number;
  readonly models: readonly PreparedModel[];
  /** Data rows per step (the kernels see twice as many with adversarial training). */
  readonly batch: number;
  /** Adversarial training on (options.adversarialEpsilon). */
  readonly adversarial: boolean;
  readonly maxStepsPerEpoch: number;
  readonly epochs: number;
  readonly lr: number;
  /** The optimiser ('sgmcmc': unread, the sampler updates θ). */
  readonly optimizer: OptimizerKind;
  readonly schedule: LearningRateSchedule;
  readonly clipNorm: number;
  readonly samplesPerStep: number;
  readonly seed: number;
  readonly kernelStrategy: KernelStrategy;
  /** What a non-finite loss or θ does: 'error' (NumericalError) or 'keep' (flag it in the result). */
  readonly onNonFinite: 'error' | 'keep';
  /** Checked after every epoch (TrainOptions.signal). */
  readonly signal: AbortSignalLike | undefined;
  readonly tile: { readonly rows: number; readonly units: number; readonly inputs: number };
  /** TrainOptions.snapshotEpochs: 1-based, strictly ascending, each <= epochs ('sgmcmc': the sampler's sample epochs unless given). */
  readonly snapshotEpochs: readonly number[];
  /** TrainOptions.initialTheta checked (one θ per model, the layout's size, finite in float32); null: the initialisation. */
  readonly initialTheta: readonly Float64Array[] | null;
  /** 'sgmcmc': the sampler (TrainOptions.sampler with its defaults); null for the other methods. */
  readonly sampler: PreparedSampler | null;
  /** 'hmc' or 'sgmcmc' with every model's tau: σ fixed at sigmaStd per model, no log_sigma (layout.ts fixedNoise). */
  readonly fixedNoise: boolean;
  /**
   * 'hmc': the sampler's settings (hmc.ts); null for the other methods. Its run is full-batch (batch =
   * the most rows of any model), `epochs` full-batch steps of the MAP pre-fit (0 allowed), and
   * `models` holds hmc.chains consecutive slots per entry of options.models (slot = entry × chains + chain).
   */
  readonly hmc: PreparedHmc | null;
}

function positiveInteger(value: unknown, name: string): number {
  return integerOption(value, name, 1);
}

/** A positive number whose float32 rounding is a positive normal float32 (the GPU's type). */
function positive(value: unknown, name: string): number {
  return scaleOption(value, name);
}

/** Every key of TrainOptions (types.ts): anything else is a misspelling, refused rather than ignored. */
const TRAIN_OPTION_KEYS = [
  'method',
  'likelihood',
  'classes',
  'degreesOfFreedom',
  'epochs',
  'batchSize',
  'lr',
  'optimizer',
  'schedule',
  'clipNorm',
  'samplesPerStep',
  'seed',
  'models',
  'lengthScale',
  'viEstimator',
  'hierarchical',
  'heteroscedastic',
  'betaNll',
  'adversarialEpsilon',
  'kernelStrategy',
  'tile',
  'snapshotEpochs',
  'initialTheta',
  'swag',
  'sampler',
  'hmc',
  'onProgress',
  'onNonFinite',
  'signal',
] as const;
const MODEL_HYPER_KEYS = ['rows', 'dropout', 'tau', 'priorScale', 'lr', 'stream'] as const;

/** The option objects' shapes (plain objects, known keys, functions and arrays where declared). */
function checkShapes(arch: unknown, data: unknown, options: unknown): void {
  readOptionsObject(arch, ['inputDim', 'hidden', 'activation', 'dropout'], 'the architecture');
  if (arch === undefined) throw new InvalidInputError('train needs an architecture: { inputDim, hidden, activation }');
  readOptionsObject(data, ['x', 'y'], 'the training data');
  if (data === undefined) throw new InvalidInputError('train needs data: { x, y }');
  const o = readOptionsObject(options, TRAIN_OPTION_KEYS, 'train options');
  if (options === undefined) throw new InvalidInputError('train needs options with at least { method, epochs }');
  if (o['onProgress'] !== undefined && typeof o['onProgress'] !== 'function') throw new InvalidInputError(`onProgress must be a function, got ${describeValue(o['onProgress'])}`);
  optional(o['onNonFinite'], 'error', (v) => oneOfOption(v, 'onNonFinite', ['error', 'keep']));
  optional(o['seed'], 0, (v) => integerOption(v, 'seed', 0));
  if (o['models'] !== undefined) {
    if (!Array.isArray(o['models'])) throw new InvalidInputError(`models must be an array of per-model settings, got ${describeValue(o['models'])}`);
    (o['models'] as unknown[]).forEach((hyper, m) => {
      readOptionsObject(hyper, MODEL_HYPER_KEYS, `models[${m}]`);
      const rows = (hyper as Record<string, unknown> | undefined)?.['rows'];
      if (rows !== undefined && !Array.isArray(rows) && !ArrayBuffer.isView(rows))
        throw new InvalidInputError(`models[${m}].rows must be an array of row indices, got ${describeValue(rows)}`);
    });
  }
}

const KERNEL_STRATEGIES: readonly KernelStrategy[] = ['tiled', 'simple', 'fused', 'lanes'];

/** Largest side of a kernel tile: the tile is unrolled into tile.rows x tile.units registers. */
export const MAX_TILE_SIDE = 8;
export const DEFAULT_TILE = { rows: 4, units: 4, inputs: 4 } as const;
/**
 * The default tile of a big step on a CPU adapter (SwiftShader, llvmpipe): 8 x 8 x 8, 10-15%
 * faster than 4 x 4 x 4 on the UCI grid shape there (bench/README.md, "Training kernels"), where
 * every storage load is a per-lane gather and bigger tiles reuse each load more. Its unrolled
 * kernels take about twice as long to compile (four small runs: 4.1 s against 7.5-8.6 s), which a
 * step pays back only when it is big, so it applies from CPU_TILE_MIN_ROWS (models x batch rows)
 * up. GPUs keep DEFAULT_TILE, where 64 accumulators per thread cost occupancy, until one has been
 * measured. The tile never changes the results: every tile sums in the same order.
 */
export const CPU_TILE = { rows: 8, units: 8, inputs: 8 } as const;
/** Rows of a step (models x batch) from which a CPU adapter takes CPU_TILE: 32 models of batch 128; the UCI grid has 240. */
export const CPU_TILE_MIN_ROWS = 4096;

function kernelChoices(options: TrainOptions): Pick<PreparedRun, 'kernelStrategy' | 'tile'> {
  const kernelStrategy = options.kernelStrategy ?? 'tiled';
  if (!KERNEL_STRATEGIES.includes(kernelStrategy)) {
    throw new InvalidInputError(`kernelStrategy must be one of ${KERNEL_STRATEGIES.map((k) => `'${k}'`).join(', ')}, got ${describeValue(kernelStrategy)}`);
  }
  const tile = readOptionsObject(options.tile ?? DEFAULT_TILE, ['rows', 'units', 'inputs'], 'tile');
  const side = (name: string) => integerOption(tile[name], `tile.${name}`, 1, MAX_TILE_SIDE);
  return { kernelStrategy, tile: { rows: side('rows'), units: side('units'), inputs: side('inputs') } };
}

/**
 * viEstimator and hierarchical (types.ts): known values, and 'vi' options only. On another method an
 * explicit default ('reparameterization', false) is accepted, anything else is an error.
 */
function checkViOptions(options: TrainOptions): void {
  const { viEstimator, hierarchical } = options;
  if (viEstimator !== undefined && !VI_ESTIMATORS.includes(viEstimator)) {
    throw new InvalidInputError(`viEstimator must be one of ${VI_ESTIMATORS.join(', ')}, got '${String(viEstimator)}'`);
  }
  if (hierarchical !== undefined && typeof hierarchical !== 'boolean') {
    throw new InvalidInputError(`hierarchical must be true or false, got ${String(hierarchical)}`);
  }
  if (options.method === 'vi') return;
  if (viEstimator !== undefined && viEstimator !== 'reparameterization') {
    throw new InvalidInputError(`viEstimator '${viEstimator}' is a 'vi' option, not '${String(options.method)}'`);
  }
  if (hierarchical === true) throw new InvalidInputError(`the hierarchical prior is a 'vi' option, not '${String(options.method)}'`);
}

/**
 * 'sgmcmc''s own options: the sampler updates θ, so an optimiser or a schedule is an error (the
 * cyclical step size is sampler.cycles); sampler is an 'sgmcmc' option only.
 */
function checkSamplerOptions(options: TrainOptions): void {
  if (options.method !== 'sgmcmc') {
    if (options.sampler !== undefined) throw new InvalidInputError(`sampler is an 'sgmcmc' option, not '${String(options.method)}'`);
    return;
  }
  if (options.optimizer !== undefined) throw new InvalidInputError("optimizer is not an 'sgmcmc' option: the sampler (sampler.kind 'sgld' or 'sghmc') updates θ");
  if (options.schedule !== undefined && options.schedule !== 'constant') {
    throw new InvalidInputError("schedule is not an 'sgmcmc' option: the sampler's step size is constant or cyclical (sampler.cycles)");
  }
}

/**
 * Whether an 'sgmcmc' run's noise is fixed: every model gives tau (layout.ts fixedNoise), or none does
 * (log_sigma learnt as 'map' learns it); a mix is an error, the θ layout being shared.
 */
function fixedNoiseOption(options: TrainOptions, hypers: readonly ModelHyper[]): boolean {
  if (options.method !== 'sgmcmc' && options.method !== 'hmc') return false;
  const given = hypers.filter((h) => h.tau !== undefined).length;
  if (given > 0 && given < hypers.length) {
    throw new InvalidInputError(
      options.method === 'hmc'
        ? `'hmc' needs tau on every model (a known noise) or on none (the noise learnt); ${given} of ${hypers.length} give it`
        : `'sgmcmc' fixes the noise at tau for every model or for none (it is learnt then): ${given} of ${hypers.length} models give tau`,
    );
  }
  return given > 0;
}

/** adversarialEpsilon (types.ts): a positive number, for 'ensemble' and 'map' only; undefined when off. */
function adversarialEpsilon(options: TrainOptions): number | undefined {
  const e = options.adversarialEpsilon;
  if (e === undefined) return undefined;
  if (typeof e !== 'number' || !(e > 0) || !Number.isFinite(e)) throw new InvalidInputError(`adversarialEpsilon must be a positive number, got ${String(e)}`);
  if (options.method !== 'ensemble' && options.method !== 'map') {
    throw new InvalidInputError(`adversarial training is an 'ensemble' and 'map' option, not '${String(options.method)}'`);
  }
  return e;
}

/** Each input's range over `rows` (max - min) divided by its std, times e. */
function adversarialStep(x: Float64Array, d: number, rows: Uint32Array, xStd: Float64Array, e: number): Float64Array {
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (const r of rows) {
    for (let c = 0; c < d; c++) {
      const v = x[r * d + c] as number;
      if (v < (lo[c] as number)) lo[c] = v;
      if (v > (hi[c] as number)) hi[c] = v;
    }
  }
  return Float64Array.from({ length: d }, (_, c) => (e * ((hi[c] as number) - (lo[c] as number))) / (xStd[c] as number));
}

/**
 * A model's dropout rate: 'mc-dropout''s fixed rate in [0, 1) (default 0.05), 'concrete-dropout''s
 * initial rate in (0, 1) (default 0.1: its logit must be finite), 0 for the other methods.
 */
function modelDropout(options: TrainOptions, arch: ArchitectureSpec, hyper: ModelHyper, m: number): number {
  if (options.method === 'concrete-dropout') {
    const p = numberOption(hyper.dropout ?? arch.dropout ?? INIT_CONCRETE_DROPOUT, `model ${m}: dropout`, { min: 0, max: 1 });
    if (!(p > 0 && p < 1)) throw new InvalidInputError(`model ${m}: concrete dropout's initial rate must be in (0, 1) (its logit is learnt), got ${String(p)}`);
    return p;
  }
  if (options.method !== 'mc-dropout') return 0;
  const dropout = numberOption(hyper.dropout ?? arch.dropout ?? 0.05, `model ${m}: dropout`, { min: 0, max: 1 });
  if (!(dropout < 1)) throw new InvalidInputError(`model ${m}: dropout must be in [0, 1), got ${String(dropout)}`);
  return dropout;
}

export function prepareRun(arch: ArchitectureSpec, data: TrainData, options: TrainOptions): PreparedRun {
  checkShapes(arch, data, options);
  checkArchitecture(arch, options.method);
  objectiveMethod(options.method);
  if (options.swag !== undefined) throw new InvalidInputError(`swag options are for method 'swag' (trainSwag), not '${String(options.method)}'`);
  const xm = toMatrix(data.x, arch.inputDim, 'x');
  const ym = resolveLikelihood(data, options);
  const { likelihood } = ym;
  if (ym.rows !== xm.rows) throw new InvalidInputError(`y has ${ym.rows} values but x has ${xm.rows} rows`);
  const hmc = prepareHmc(options.method, options.hmc);
  // 'hmc''s epochs are its MAP pre-fit's full-batch steps, none allowed.
  const epochs = integerOption(options.epochs, 'epochs', hmc ? 0 : 1);
  if (hmc && options.batchSize !== undefined) throw new InvalidInputError("'hmc' is full-batch: leave batchSize out");
  if (hmc && options.snapshotEpochs !== undefined) throw new InvalidInputError("'hmc' keeps its samples (hmc.samples), not snapshotEpochs");
  const batchSize = positiveInteger(options.batchSize ?? 128, 'batchSize');
  const samplesPerStep = positiveInteger(options.samplesPerStep ?? 1, 'samplesPerStep');
  const lr = positive(options.lr ?? 1e-3, 'lr');
  const clipNorm = options.clipNorm === undefined ? 0 : positive(options.clipNorm, 'clipNorm');
  const optimizer = options.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new InvalidInputError(`optimizer must be 'adam' or 'sgd', got '${String(optimizer)}'`);
  const schedule = options.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'cosine') throw new InvalidInputError(`schedule must be 'constant' or 'cosine', got '${String(schedule)}'`);
  const lengthScale = positive(options.lengthScale ?? 0.01, 'lengthScale');
  checkViOptions(options);
  checkSamplerOptions(options);
  const epsilon = adversarialEpsilon(options);
  const kernels = kernelChoices(options);
  const entries = options.models ?? [{}];
  if (entries.length === 0) throw new InvalidInputError('models must list at least one model');
  // 'hmc': every entry's chains are slots of their own (slot = entry × chains + chain).
  const hypers = hmc ? entries.flatMap((hyper) => Array.from({ length: hmc.chains }, () => hyper)) : entries;
  const d = arch.inputDim;
  const concrete = options.method === 'concrete-dropout';
  const prepared = hypers.map((hyper, m): PreparedModel => {
    const rowList = hyper.rows ?? Array.from({ length: xm.rows }, (_, i) => i);
    if (rowList.length === 0) throw new InvalidInputError(`model ${m} has no rows`);
    const rows = Uint32Array.from(rowList, (r) => {
      if (!Number.isInteger(r) || r < 0 || r >= xm.rows) throw new InvalidInputError(`model ${m} names row ${String(r)}, outside 0..${xm.rows - 1}`);
      return r;
    });
    const xMean = new Float64Array(d);
    const xStd = new Float64Array(d);
    let yMean = 0;
    for (const r of rows) {
      for (let c = 0; c < d; c++) xMean[c] = (xMean[c] as number) + (xm.data[r * d + c] as number) / rows.length;
      if (likelihood.scale) yMean += (ym.y[r] as number) / rows.length;
    }
    let yVar = 0;
    for (const r of rows) {
      for (let c = 0; c < d; c++) xStd[c] = (xStd[c] as number) + ((xm.data[r * d + c] as number) - (xMean[c] as number)) ** 2 / rows.length;
      if (likelihood.scale) yVar += ((ym.y[r] as number) - yMean) ** 2 / rows.length;
    }
    // A constant column keeps std 1 (bench/uci/PROTOCOL.md), so standardisation never divides by zero. The
    // test is relative: rounding in the mean leaves a constant column a std of ~1e-15 |mean|.
    const constant = (std: number, mean: number) => std <= 1e-12 * Math.max(1, Math.abs(mean));
    for (let c = 0; c < d; c++) {
      const std = Math.sqrt(xStd[c] as number);
      xStd[c] = constant(std, xMean[c] as number) ? 1 : std;
    }
    const yStd = constant(Math.sqrt(yVar), yMean) ? 1 : Math.sqrt(yVar);
    const dropout = modelDropout(options, arch, hyper, m);
    // τ is the precision of a noise scale: the likelihoods without one have none (index.ts, OBJECTIVES).
    if (!likelihood.scale && hyper.tau !== undefined) throw new InvalidInputError(`model ${m}: tau is a noise precision; a '${likelihood.kind}' likelihood has no noise scale`);
    if (likelihood.heteroscedastic && hyper.tau !== undefined) throw new InvalidInputError(`model ${m}: tau is a fixed noise precision; a heteroscedastic head learns the noise`);
    if (concrete && hyper.tau !== undefined)
      throw new InvalidInputError(`model ${m}: tau is a fixed noise precision; 'concrete-dropout' learns the noise (log sigma, or a heteroscedastic head)`);
    const tau = positive(hyper.tau ?? 1, `model ${m}: tau`);
    const priorScale = positive(hyper.priorScale ?? 1, `model ${m}: priorScale`);
    const lrScale = positive(hyper.lr ?? lr, `model ${m}: lr`) / lr;
    // 'hmc': an entry's chains are slots of their own; an entry's explicit stream s gives chain c the
    // identity s × chains + c, so its chains never share draws.
    const given =
      hmc && hyper.stream !== undefined
        ? integerOption(hyper.stream, `model ${Math.floor(m / hmc.chains)}: stream`, 0, MAX_MODEL_STREAM) * hmc.chains + (m % hmc.chains)
        : hyper.stream;
    const stream = integerOption(given ?? m, `model ${m}: stream`, 0, MAX_MODEL_STREAM);
    const n = rows.length;
    return {
      rows,
      xMean,
      xStd,
      yMean,
      yStd,
      dropout,
      keepThreshold: trainKeepThreshold(dropout),
      tau,
      sigmaStd: 1 / (Math.sqrt(tau) * yStd),
      // Concrete dropout's weight regulariser l^2 / (2N) is divided by its learnt 1 - p on the GPU (index.ts, CONCRETE DROPOUT).
      lambda: concrete ? lengthScale ** 2 / (2 * n) : (dropout * lengthScale ** 2) / (2 * n * tau),
      priorScale,
      lrScale,
      stream,
      stepsPerEpoch: 0,
      adversarialStep: epsilon === undefined ? null : adversarialStep(xm.data, d, rows, xStd, epsilon),
    };
  });
  const mostRows = Math.max(...prepared.map((p) => p.rows.length));
  const batch = hmc ? mostRows : Math.min(batchSize, mostRows);
  const models = prepared.map((p) => ({ ...p, stepsPerEpoch: Math.ceil(p.rows.length / batch) }));
  const maxStepsPerEpoch = Math.max(...models.map((p) => p.stepsPerEpoch));
  const sampler = options.method === 'sgmcmc' ? prepareSampler(options.sampler, epochs, maxStepsPerEpoch) : null;
  const fixedNoise = fixedNoiseOption(options, entries);
  return {
    x: xm.data,
    y: ym.y,
    likelihood,
    rows: xm.rows,
    inputDim: d,
    models,
    batch,
    adversarial: epsilon !== undefined,
    maxStepsPerEpoch,
    epochs,
    lr,
    optimizer,
    schedule,
    clipNorm,
    samplesPerStep: options.method === 'vi' ? samplesPerStep : 1,
    seed: options.seed ?? 0,
    onNonFinite: options.onNonFinite ?? 'error',
    snapshotEpochs: options.snapshotEpochs === undefined && sampler ? sampler.sampleEpochs : snapshotEpochs(options.snapshotEpochs, epochs),
    initialTheta: startingTheta(options.initialTheta, models.length, trainLayout(arch, options.method, options.hierarchical ?? false, likelihood, fixedNoise).size),
    sampler,
    fixedNoise,
    signal: optional(options.signal, undefined, (v) => abortSignalOption(v, 'signal')),
    hmc,
    ...kernels,
  };
}

/**
 * 'hmc' with a known noise (index.ts, HMC): every entry gives tau (the noise precision in the
 * target's units), or none does and the noise is learnt as 'map''s log_sigma under a flat prior.
 */
/** TrainOptions.snapshotEpochs checked: integers in [1, epochs], strictly ascending. */
function snapshotEpochs(value: unknown, epochs: number): readonly number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidInputError(`snapshotEpochs must be an array of epoch numbers, got ${describeValue(value)}`);
  return (value as unknown[]).map((e, k, all) => {
    const epoch = integerOption(e, `snapshotEpochs[${k}]`, 1);
    if (epoch > epochs) throw new InvalidInputError(`snapshotEpochs[${k}] is ${epoch}, after the last epoch (${epochs})`);
    if (k > 0 && !(epoch > (all[k - 1] as number)))
      throw new InvalidInputError(`snapshotEpochs must be strictly ascending: snapshotEpochs[${k}] is ${epoch} after ${String(all[k - 1])}`);
    return epoch;
  });
}

/** TrainOptions.initialTheta checked: M arrays of `size` numbers, each finite in float32 (the GPU's θ). */
function startingTheta(value: unknown, models: number, size: number): readonly Float64Array[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw new InvalidInputError(`initialTheta must be an array of one θ per model, got ${describeValue(value)}`);
  if (value.length !== models) throw new InvalidInputError(`initialTheta has ${value.length} entries for ${models} model${models === 1 ? '' : 's'}`);
  return (value as unknown[]).map((theta, m) => {
    if (!Array.isArray(theta) && !ArrayBuffer.isView(theta)) throw new InvalidInputError(`initialTheta[${m}] must be an array of numbers, got ${describeValue(theta)}`);
    const values = theta as ArrayLike<unknown>;
    if (values.length !== size) throw new InvalidInputError(`initialTheta[${m}] has ${values.length} values; this architecture and method's θ has ${size}`);
    return Float64Array.from({ length: size }, (_, e) => {
      const v = values[e];
      if (!isFiniteFloat32(v)) throw new InvalidInputError(`initialTheta[${m}][${e}] must be a number finite in float32, got ${describeValue(v)}`);
      return v;
    });
  });
}

/** Learning rate at global step t of the run (optimizer.ts; 'sgmcmc': the sampler's step size, sampler.ts). */
export function learningRate(run: PreparedRun, t: number): number {
  if (run.sampler) return samplerStepSize(run.sampler, run.lr, t);
  return scheduledLearningRate(run.schedule, run.lr, t, run.epochs * run.maxStepsPerEpoch);
}

/** The typed error of a model whose loss or θ left float32's range (TrainOptions.onNonFinite 'error'). */
export function divergenceError(run: PreparedRun, m: number, epoch: number, what: string): NumericalError {
  const model = run.models.length > 1 ? `model ${m} ` : '';
  return new NumericalError(
    `training diverged: ${model}after epoch ${epoch} of ${run.epochs} ${what}. Lower the learning rate ` +
      `(lr ${run.lr * (run.models[m]?.lrScale ?? 1)}), clip gradients (clipNorm) or check the data's scale; ` +
      `onNonFinite: 'keep' returns such models flagged in 'diverged' instead`,
  );
}
