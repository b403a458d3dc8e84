/**
 * The UCI protocol for any method (bench/uci/PROTOCOL.md), on any folder in the UCI layout:
 *
 * 1. Search (when the method's grid has more than one point): for every selected split and grid
 *    point, train on the first 80% of the split's training rows; ALL (split, point, member) models
 *    train together, in as few train() calls as the device's buffer limits allow; score each
 *    candidate's log-likelihood on the last 20%; keep the best point per split.
 * 2. Final: for every split, train its chosen point on the whole training part (again all splits in
 *    as few calls as possible) and score the test part: RMSE and log-likelihood in the target's
 *    original units, with T samples (10000 by default, as the protocol says).
 *
 * train() standardises each model with the mean and std of the rows it is given (zero std -> 1) and
 * records that in the model, so predictions come back in original units.
 *
 * Random streams: a train() call's seed is the run's seed (+ 1_000_003 in the final phase), and each
 * model draws the stream of its identity (identity.ts): (split, grid point, member) in the search,
 * (split, 0, member) in the final phase, so a split's final models draw the same streams whichever
 * point it chose. Nothing depends on which models share a call: a model's θ is the same bit for
 * bit however the jobs are cut into calls (--max-models-per-call, the device's limits) and
 * whichever other splits run. A call holds models of one epochs value and one row count, so each
 * has the call's batch and steps per epoch (train()'s 'cosine' schedule follows the call's longest
 * model: src/objective/index.ts, MODELS). With a learning-rate grid the search trains each rate in
 * its own calls, and a rate other than the run's own adds a tag of its float32 bits to the key's
 * high word (searchRateSeedOffset); a point's identity is its base point's at every rate. So the
 * candidates at the run's rate are the very models of the run without the grid, and those at rate
 * r the models of a run searching r alone: searching more rates only adds candidates, and a split's
 * result changes only where an added rate wins on validation. (Before identities, a model drew the
 * stream of its slot in its call and each call after the first in its group added 7919 to the
 * seed: bench/README.md has the numbers of both.)
 */
import { InvalidInputError, ModelFormatError, NumericalError } from '../../src/errors.js';
import type { HmcOptions } from '../../src/objective/hmc.js';
import type { GpuContext } from '../../src/gpu/device.js';
import type { Model } from '../../src/model/spec.js';
import { train } from '../../src/train/trainer.js';
import { mapWarmStart } from '../../src/train/warm-start.js';
import { trainSwag } from '../../src/swag/fit.js';
import type { ArchitectureSpec, LearningRateSchedule, ModelHyper, SamplerOptions, SwagOptions, TrainData, TrainOptions } from '../../src/objective/types.js';
import { laplaceFromTheta, type LaplaceFit, type LaplaceTrainOptions } from '../../src/laplace/laplace.js';
import { linearizedPredict } from '../../src/laplace/linearized.js';
import type { LaplaceStructure } from '../../src/laplace/ggn.js';
import { average, rootMeanSquaredError } from './score.js';
import { chunkByEpochs, maxModelsPerCall } from './batching.js';
import type { UciDataset } from './dataset.js';
import { gridPointIdentities, uciStream } from './identity.js';
import { methodPlan, type HyperPoint, type MethodChoices, type UciMethod } from './methods.js';
import type { EnsembleDensity, HeldOutScore } from './score.js';
import { gatherRows, selectSplits, validationSplit, VALIDATION_FRACTION } from './splits.js';

/** The protocol's number of predictive samples. */
export const PROTOCOL_SAMPLES = 10_000;

export interface UciRunOptions extends MethodChoices {
  readonly method: UciMethod;
  /** Run the first K splits (default: all). */
  readonly splits?: number;
  /** Multiplies the method's epochs (10 x n_epochs.txt) to shorten runs; default 1. */
  readonly epochsScale?: number;
  /** Epochs, overriding 10 x n_epochs.txt x epochsScale. */
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Predictive samples T on the test part (default 10000). */
  readonly samples?: number;
  /** Predictive samples on the validation part (default: samples). */
  readonly validationSamples?: number;
  /** Base seed of training and prediction (default 0). */
  readonly seed?: number;
  /** Upper bound on models per train() call (default: as many as the device's limits allow). */
  readonly maxModelsPerCall?: number;
  readonly onProgress?: (p: UciProgress) => void;
}

export interface UciProgress {
  readonly phase: 'search' | 'final';
  readonly stage: 'train' | 'score';
  /** Epochs done in this call (train) or candidates scored (score). */
  readonly done: number;
  readonly total: number;
  /** train: the call (1-based), how many calls this phase makes, and the models in this call. */
  readonly call: number;
  readonly calls: number;
  readonly models: number;
  readonly elapsedMs: number;
}

export interface CandidateScore {
  readonly point: HyperPoint;
  readonly rmse: number;
  readonly ll: number;
}

export interface UciSplitResult {
  readonly split: number;
  readonly trainRows: number;
  readonly testRows: number;
  /** The grid point the test score comes from. */
  readonly chosen: HyperPoint;
  readonly rmse: number;
  readonly ll: number;
  /** Validation scores of every grid point (empty when there was no search). */
  readonly validation: readonly CandidateScore[];
}

export interface UciSettings {
  readonly method: UciMethod;
  readonly inputDim: number;
  readonly hidden: readonly number[];
  readonly activation: 'relu';
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** Absent in files written before the option existed: 'constant'. */
  readonly schedule?: LearningRateSchedule;
  readonly optimizer: 'adam' | 'sampler';
  readonly samples: number;
  readonly validationSamples: number;
  readonly validationFraction: number;
  readonly grid: readonly HyperPoint[];
  readonly members: number;
  /** 'ensemble': how the log-likelihood was taken (absent in files written before the option: 'mixture'). */
  readonly ensembleDensity?: EnsembleDensity;
  /** 'ensemble': adversarial training's epsilon (absent: off). */
  readonly adversarialEpsilon?: number;
  /** 'mc-dropout', 'vi', 'laplace', 'sgmcmc', 'swag': the heteroscedastic variant (TrainOptions.heteroscedastic; absent: off). */
  readonly heteroscedastic?: boolean;
  /** β-NLL's β for the heteroscedastic head (TrainOptions.betaNll; absent: 0, the plain NLL). */
  readonly betaNll?: number;
  /** 'swag': its SWA phase and posterior (TrainOptions.swag; absent for the other methods). */
  readonly swag?: SwagOptions;
  /** 'sgmcmc': the sampler of the run's epochs (TrainOptions.sampler; `optimizer` is then 'sampler'). */
  readonly sampler?: SamplerOptions;
  /** 'sgmcmc': every chain started from a 'map' fit (src/train/warm-start.ts); absent when not. */
  readonly warmStart?: true;
  /** 'laplace': the posterior's structure and draws per model (absent for the other methods). */
  readonly laplace?: { readonly structure: LaplaceStructure; readonly samples: number; readonly predictive: 'sampled' | 'linearized' };
  /** 'hmc': the sampler's settings (epochs are then its full-batch MAP pre-fit, batch unused). */
  readonly hmc?: HmcOptions;
  readonly splits: number;
  readonly seed: number;
}

export interface TrainCallRecord {
  readonly phase: 'search' | 'final';
  readonly models: number;
  readonly epochs: number;
  readonly ms: number;
}

export interface UciTiming {
  readonly wallMs: number;
  readonly trainMs: number;
  readonly scoreMs: number;
  readonly trainCalls: readonly TrainCallRecord[];
}

export interface UciRun {
  readonly dataset: string;
  readonly settings: UciSettings;
  readonly splits: readonly UciSplitResult[];
  readonly timing: UciTiming;
}

/** A job's engine models, and for 'laplace' its posterior (what the linearised predictive scores). */
interface Trained {
  readonly models: readonly Model[];
  readonly fit?: LaplaceFit;
}

interface Job {
  readonly split: number;
  readonly point: HyperPoint;
  /** The model's ModelHyper, its rows and its stream identity (identity.ts) included. */
  readonly hyper: ModelHyper;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidInputError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Runs the protocol of `options.method` on the data set; see the file comment. */
export async function runUciProtocol(ctx: GpuContext, dataset: UciDataset, options: UciRunOptions): Promise<UciRun> {
  const started = performance.now();
  const plan = methodPlan(dataset, options.method, options);
  const splitIds = selectSplits(dataset, options.splits);
  const scale = options.epochsScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new InvalidInputError(`epochs scale must be a positive number, got ${String(scale)}`);
  const epochs = positiveInteger(options.epochs, Math.max(1, Math.round(plan.baseEpochs * scale)), 'epochs');
  const samples = positiveInteger(options.samples, PROTOCOL_SAMPLES, 'samples');
  const validationSamples = positiveInteger(options.validationSamples, samples, 'validation samples');
  const batchSize = positiveInteger(options.batchSize, plan.batchSize, 'batch size');
  const seed = options.seed ?? 0;
  const arch: ArchitectureSpec = { inputDim: dataset.inputDim, hidden: [dataset.nHidden], activation: 'relu' };
  // Adversarial training doubles the rows each step's kernels hold; 'hmc' is full-batch, and each of its jobs is `chains` models.
  const chains = plan.hmc ? (plan.hmc.chains ?? 1) : 1;
  const kernelBatch = plan.hmc ? dataset.rows : plan.adversarialEpsilon === undefined ? batchSize : 2 * batchSize;
  const deviceMax = maxModelsPerCall(ctx.limits, {
    arch,
    // 'swag' trains through 'map' runs.
    method: plan.trainMethod === 'swag' ? 'map' : plan.trainMethod,
    batch: kernelBatch,
    samplesPerStep: plan.samplesPerStep,
    heteroscedastic: plan.heteroscedastic === true,
  });
  const perCall = Math.max(1, Math.floor(Math.min(deviceMax, positiveInteger(options.maxModelsPerCall, deviceMax, 'max models per call')) / chains));
  const trainCalls: TrainCallRecord[] = [];
  let trainMs = 0;
  let scoreMs = 0;

  // SWAG's SWA phase (given against plan.baseEpochs) scales like the run's epochs, at least 2 iterates.
  const swag = plan.swag && { ...plan.swag, swaEpochs: Math.max(2, Math.round(((plan.swag.swaEpochs ?? 2) * epochs) / plan.baseEpochs)) };
  // A grid point may carry its own epochs (given against plan.baseEpochs); scale them like the run's.
  const grid = plan.grid.map((p) => (p.epochs === undefined ? p : { ...p, epochs: Math.max(1, Math.round((p.epochs * epochs) / plan.baseEpochs)) }));

  /**
   * Trains the jobs, one train() call per chunk of jobs with the same epochs and row count (and,
   * searching, the same rate; see the file comment); each job's models in job order: its model, a chain's samples ('sgmcmc'), all its chains' samples ('hmc'), SWAG's draws, or for 'laplace'
   * its posterior's models (one model, or the last layer's draws, keyed by the call's seed + 7907 k
   * for the call's model k) and the posterior itself.
   */
  const trainJobs = async (phase: 'search' | 'final', jobs: readonly Job[]): Promise<(Trained | null)[]> => {
    const byRate = phase === 'search' ? groupByRate(jobs, plan.lr) : [{ seedOffset: 0, jobs: jobs.map((_, i) => i) }];
    const groups = byRate.flatMap((g) => groupByRowCount(jobs, g.jobs).map((members) => ({ seedOffset: g.seedOffset, jobs: members })));
    const calls = groups.flatMap((g) =>
      chunkByEpochs(
        g.jobs.map((i) => (jobs[i] as Job).point.epochs ?? epochs),
        perCall,
      ).map((chunk) => ({ epochs: chunk.epochs, indices: chunk.indices.map((k) => g.jobs[k] as number), seed: seed + g.seedOffset })),
    );
    // A model whose training diverged is null: its candidate scores NaN and ranks last.
    const models: (Trained | null)[] = new Array<Trained | null>(jobs.length);
    for (const [c, call] of calls.entries()) {
      const t0 = performance.now();
      // 'swag' reports its SWA epochs after the call's (trainSwag's progress counts both phases).
      const report = (done: number, total = call.epochs) =>
        options.onProgress?.({ phase, stage: 'train', done, total, call: c + 1, calls: calls.length, models: call.indices.length, elapsedMs: performance.now() - t0 });
      report(0);
      const result = await fit(
        ctx,
        arch,
        { x: dataset.x, y: dataset.y },
        {
          method: plan.trainMethod,
          ...(swag === undefined ? {} : { swag }),
          epochs: call.epochs,
          ...(plan.hmc ? { hmc: plan.hmc } : { batchSize }),
          lr: plan.lr,
          ...(plan.sampler ? {} : { schedule: plan.schedule }),
          samplesPerStep: plan.samplesPerStep,
          ...(plan.adversarialEpsilon === undefined ? {} : { adversarialEpsilon: plan.adversarialEpsilon }),
          ...(plan.heteroscedastic ? { heteroscedastic: true } : {}),
          ...(plan.betaNll === undefined ? {} : { betaNll: plan.betaNll }),
          ...(plan.sampler ? { sampler: plan.sampler(call.epochs) } : {}),
          seed: call.seed + (phase === 'search' ? 0 : 1_000_003),
          models: call.indices.map((i) => (jobs[i] as Job).hyper),
          onProgress: (p) => report(p.epoch, p.epochs),
          onNonFinite: 'keep',
        },
        plan.warmStart === true,
      );
      const laplace = plan.laplace;
      const posterior = (k: number): Trained => {
        if (!laplace) return { models: result.models[k] as readonly Model[] };
        const options: LaplaceTrainOptions = {
          method: 'laplace',
          epochs: call.epochs,
          batchSize,
          lr: plan.lr,
          schedule: plan.schedule,
          ...(plan.heteroscedastic ? { heteroscedastic: true } : {}),
          ...(plan.betaNll === undefined ? {} : { betaNll: plan.betaNll }),
          seed: call.seed + (phase === 'search' ? 0 : 1_000_003) + 7907 * k,
          models: [(jobs[call.indices[k] as number] as Job).hyper],
          laplace: { structure: laplace.structure, ...(laplace.structure === 'diagonal' ? {} : { samples: laplace.samples }) },
        };
        const post = laplaceFromTheta(arch, { x: dataset.x, y: dataset.y }, options, [result.theta[k] as Float64Array]);
        return { models: post.models[0] as Model[], fit: post.fits[0] as LaplaceFit };
      };
      const ms = performance.now() - t0;
      trainMs += ms;
      trainCalls.push({ phase, models: call.indices.length, epochs: call.epochs, ms });
      for (const [k, i] of call.indices.entries()) models[i] = result.diverged[k] ? null : posterior(k);
    }
    return models;
  };

  /** Scores every candidate (members consecutive in `models`) on its rows. */
  const scoreAll = async (
    phase: 'search' | 'final',
    candidates: readonly { split: number; point: HyperPoint; rows: readonly number[] }[],
    models: readonly (Trained | null)[],
    draws: number,
  ): Promise<CandidateScore[]> => {
    const t0 = performance.now();
    const out: CandidateScore[] = [];
    for (const [i, cand] of candidates.entries()) {
      options.onProgress?.({ phase, stage: 'score', done: i, total: candidates.length, call: 1, calls: 1, models: candidates.length, elapsedMs: performance.now() - t0 });
      const per = phase === 'search' ? plan.searchMembers : plan.members;
      const members = models.slice(i * per, (i + 1) * per);
      const trained = members.filter((m): m is Trained => m !== null);
      const rows = gatherRows(dataset, cand.rows);
      const fit = trained[0]?.fit;
      const s =
        trained.length < members.length
          ? { rmse: NaN, ll: NaN }
          : plan.laplace?.predictive === 'linearized' && fit
            ? linearizedScore(fit, rows)
            : await scoreOrNaN(() =>
                plan.score(
                  ctx,
                  trained.flatMap((t) => t.models),
                  rows,
                  draws,
                  seed + cand.split,
                ),
              );
      out.push({ point: cand.point, rmse: s.rmse, ll: s.ll });
    }
    options.onProgress?.({
      phase,
      stage: 'score',
      done: candidates.length,
      total: candidates.length,
      call: 1,
      calls: 1,
      models: candidates.length,
      elapsedMs: performance.now() - t0,
    });
    scoreMs += performance.now() - t0;
    return out;
  };

  const jobsFor = (split: number, point: HyperPoint, pointId: number, rows: readonly number[], members: number): Job[] =>
    Array.from({ length: members }, (_, member) => ({ split, point, hyper: { ...plan.hyper(point, member), rows, stream: uciStream({ split, point: pointId, member }) } }));

  // 1. Search on the validation part.
  const chosen = new Map<number, HyperPoint>();
  const validation = new Map<number, CandidateScore[]>();
  const search = grid.length > 1;
  if (search) {
    const pointIds = gridPointIdentities(grid, plan.lr);
    const candidates = splitIds.flatMap((split) => {
      const { fit, validation: held } = validationSplit(dataset.splits[split]?.train ?? []);
      return grid.map((point, g) => ({ split, point, pointId: pointIds[g] as number, fit, rows: held }));
    });
    const models = await trainJobs(
      'search',
      candidates.flatMap((c) => jobsFor(c.split, c.point, c.pointId, c.fit, plan.searchMembers)),
    );
    const scores = await scoreAll('search', candidates, models, validationSamples);
    for (const split of splitIds) {
      const mine = scores.filter((_, i) => candidates[i]?.split === split);
      validation.set(split, mine);
      let best = mine[0];
      for (const s of mine) if (best && ll(s) > ll(best)) best = s;
      chosen.set(split, best?.point ?? (grid[0] as HyperPoint));
    }
  }

  // 2. Train the chosen point on the whole training part; score the test part.
  const finals = splitIds.map((split) => ({ split, point: chosen.get(split) ?? (grid[0] as HyperPoint), rows: dataset.splits[split]?.test ?? [] }));
  const models = await trainJobs(
    'final',
    finals.flatMap((f) => jobsFor(f.split, f.point, 0, dataset.splits[f.split]?.train ?? [], plan.members)),
  );
  const tests = await scoreAll('final', finals, models, samples);
  const splits = finals.map((f, i): UciSplitResult => {
    const s = tests[i] as CandidateScore;
    const split = dataset.splits[f.split];
    return {
      split: f.split,
      trainRows: split?.train.length ?? 0,
      testRows: split?.test.length ?? 0,
      chosen: f.point,
      rmse: s.rmse,
      ll: s.ll,
      validation: validation.get(f.split) ?? [],
    };
  });
  return {
    dataset: dataset.name,
    settings: {
      method: plan.method,
      inputDim: dataset.inputDim,
      hidden: arch.hidden,
      activation: 'relu',
      epochs,
      batchSize,
      lr: plan.lr,
      schedule: plan.schedule,
      optimizer: plan.sampler ? 'sampler' : 'adam',
      ...(plan.sampler ? { sampler: plan.sampler(epochs) } : {}),
      samples,
      validationSamples,
      validationFraction: VALIDATION_FRACTION,
      grid,
      members: plan.members,
      ...(plan.ensembleDensity === undefined ? {} : { ensembleDensity: plan.ensembleDensity }),
      ...(plan.adversarialEpsilon === undefined ? {} : { adversarialEpsilon: plan.adversarialEpsilon }),
      ...(plan.heteroscedastic ? { heteroscedastic: true } : {}),
      ...(plan.betaNll === undefined ? {} : { betaNll: plan.betaNll }),
      ...(swag === undefined ? {} : { swag }),
      ...(plan.laplace ? { laplace: plan.laplace } : {}),
      ...(plan.hmc ? { hmc: plan.hmc } : {}),
      ...(plan.warmStart ? { warmStart: true } : {}),
      splits: splitIds.length,
      seed,
    },
    splits,
    timing: { wallMs: performance.now() - started, trainMs, scoreMs, trainCalls },
  };
}

/**
 * One train() call of the protocol, each job's models as a list: its one model, an 'sgmcmc' chain's
 * samples, or 'swag''s posterior draws (trainSwag, which trains the same jobs in the same slots).
 */
async function fit(
  ctx: GpuContext,
  arch: ArchitectureSpec,
  data: TrainData,
  options: TrainOptions,
  warmStart: boolean,
): Promise<{ models: (readonly Model[])[]; theta: readonly Float64Array[]; diverged: readonly boolean[] }> {
  if (options.method === 'swag') return trainSwag(ctx, arch, data, options).then((r) => ({ models: [...r.models], theta: r.swa.theta, diverged: r.diverged }));
  // --warm-start: 'sgmcmc''s chains start from a MAP fit of the run's epochs (src/train/warm-start.ts).
  const start = warmStart ? { initialTheta: await mapWarmStart(ctx, arch, data, options, { epochs: options.epochs }) } : {};
  const r = await train(ctx, arch, data, { ...options, ...start });
  if (options.method === 'hmc') {
    // Each job is `chains` consecutive slots (slot = job x chains + chain): its models are all its chains' kept samples.
    const jobs = options.models?.length ?? 1;
    const chains = r.snapshots.length / jobs;
    const slots = (k: number) => Array.from({ length: chains }, (_, c) => k * chains + c);
    return {
      models: Array.from({ length: jobs }, (_, k) => slots(k).flatMap((m) => r.snapshots[m] ?? [])),
      theta: Array.from({ length: jobs }, (_, k) => r.theta[k * chains] as Float64Array),
      diverged: Array.from({ length: jobs }, (_, k) => slots(k).some((m) => r.diverged[m] === true)),
    };
  }
  // A sampler's chain is its kept samples (TrainResult.snapshots), each a delta model.
  return { models: options.method === 'sgmcmc' ? r.snapshots.map((list) => [...list]) : r.models.map((m) => [m]), theta: r.theta, diverged: r.diverged };
}

/**
 * A candidate whose predictive leaves float32 scores NaN and ranks last, as a diverged one: a finite
 * but runaway θ, e.g. a SWAG draw's or an SG-MCMC sample's log σ, fails either in the engine
 * (NumericalError) or already in the model's checks (ModelFormatError: these models come from
 * training, not from a file, so a format error can only be such a parameter).
 */
export async function scoreOrNaN(score: () => Promise<HeldOutScore>): Promise<HeldOutScore> {
  try {
    return await score();
  } catch (error) {
    if (error instanceof NumericalError || error instanceof ModelFormatError) return { rmse: NaN, ll: NaN };
    throw error;
  }
}

/** The linearised (GLM) predictive's RMSE and mean log density on held-out rows (host float64, src/laplace/linearized.ts). */
function linearizedScore(fit: LaplaceFit, rows: { readonly x: readonly (readonly number[])[]; readonly y: readonly number[] }): { rmse: number; ll: number } {
  const p = linearizedPredict(fit, rows.x, rows.y);
  return { rmse: rootMeanSquaredError(p.mean, rows.y), ll: average(p.logPredictiveDensity ?? [NaN]) };
}

/** A candidate's validation log-likelihood, NaN ranked last. */
function ll(s: CandidateScore): number {
  return Number.isNaN(s.ll) ? -Infinity : s.ll;
}

/**
 * The search's jobs by learning rate, in order of first appearance: the run's own rate (points
 * without one included) with seed offset 0, another rate r with searchRateSeedOffset(r).
 */
function groupByRate(jobs: readonly Job[], runRate: number): { seedOffset: number; jobs: number[] }[] {
  const groups = new Map<number, { seedOffset: number; jobs: number[] }>();
  for (const [i, job] of jobs.entries()) {
    const rate = job.point.lr ?? runRate;
    const group = groups.get(rate);
    if (group) group.jobs.push(i);
    else groups.set(rate, { seedOffset: rate === runRate ? 0 : searchRateSeedOffset(rate), jobs: [i] });
  }
  return [...groups.values()];
}

/** The jobs `indices` by their row count, in order of first appearance: a call's models then share its batch and steps per epoch. */
function groupByRowCount(jobs: readonly Job[], indices: readonly number[]): number[][] {
  const groups = new Map<number, number[]>();
  for (const i of indices) {
    const rows = (jobs[i] as Job).hyper.rows?.length ?? 0;
    const group = groups.get(rows);
    if (group) group.push(i);
    else groups.set(rows, [i]);
  }
  return [...groups.values()];
}

/**
 * Seed offset of the search calls at a rate other than the run's: 1 + the top 20 bits of the rate's
 * float32 bits, in the key's high word (seedToKey), which the low word's offsets (phase, call) reach
 * only from base seeds within about 1e6 of 2^32. Rates that share those bits (within ~5e-4
 * relative) share streams, which is harmless.
 */
export function searchRateSeedOffset(rate: number): number {
  const bits = new Uint32Array(Float32Array.of(rate).buffer)[0] as number;
  return ((bits >>> 12) + 1) * 2 ** 32;
}
