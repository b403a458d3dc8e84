/**
 * The inference engine: the Monte-Carlo posterior predictive of one model, or of an ensemble of
 * models as their uniform mixture, with one result shape (PredictResult) for both.
 *
 * One model: its ModelEngine (src/infer/model-engine.ts) does everything on the GPU. An ensemble
 * of M members: S samples are split evenly (S/M per member, each member on its own random streams,
 * src/random/streams.ts memberKey), every member's statistics come from its own engine, and the
 * mixture's are merged here in float64 from those (exact: the mixture of equal-weight members has
 * mean = mean of means, variance = mean of (variance + (mean_m - mean)^2), density = mean of
 * densities). A member with no randomness (point weights, no dropout, no latent sigma, as a deep
 * ensemble's) is evaluated once and stands for its S/M samples. Exact quantiles of the mixture run
 * on the GPU over all members' samples (src/infer/quantile-pass.ts).
 */
import { InvalidInputError, DisposedError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { installDisposeSymbol } from '../gpu/dispose-symbol.js';
import type { WebGpuDevice } from '../gpu/webgpu-types.js';
import { logSumExp } from '../math/special.js';
import type { Model } from '../model/spec.js';
import { likelihoodKind, outputDim } from '../model/spec.js';
import { isDeterministic } from '../model/deterministic.js';
import { describeValue } from '../options.js';
import type { MatrixInput } from '../inputs.js';
import { ModelEngine, type EngineOptions, type EngineResources } from './model-engine.js';
import type { PointInput } from './point-model.js';
import { DEFAULT_SAMPLES, resolveEnsemblePath, resolvePredictOptions } from './predict-options.js';
import { scorePoint } from './score.js';
import { toMatrix } from '../inputs.js';
import { runQuantiles } from './quantile-pass.js';
import { classificationMetrics, classifierFields, mergeClassPlanes, type ClassPlanes } from './classification.js';
import type { PredictOptions, PredictResult, ScoreResult } from './types.js';

export type { EngineOptions, EngineResources } from './model-engine.js';

export class Engine {
  /** The model, or the ensemble's members (a single model is a one-member list). */
  readonly members: readonly Model[];
  private readonly runners: readonly ModelEngine[];
  private readonly ctx: GpuContext;
  private disposed = false;

  private constructor(ctx: GpuContext, members: readonly Model[], runners: readonly ModelEngine[]) {
    this.ctx = ctx;
    this.members = members;
    this.runners = runners;
  }

  /**
   * An engine for one model, or for an ensemble given as a list of models (same inputs and
   * outputs), on the context's device. Every model is validated (as loadModel does).
   * @example const engine = Engine.create(ctx, await loadModel(path)); // or Engine.create(ctx, await loadEnsemble(path))
   */
  static create(ctx: GpuContext, model: Model | readonly Model[], options: EngineOptions = {}): Engine {
    const members = Array.isArray(model) ? (model as readonly Model[]) : [model as Model];
    if (members.length === 0) throw new InvalidInputError('Engine.create needs a model or a non-empty list of ensemble members, got an empty list');
    members.forEach((m, i) => {
      if (typeof m !== 'object' || m === null) throw new InvalidInputError(`Engine.create: member ${i} is ${describeValue(m)}, not a model`);
    });
    const runners: ModelEngine[] = [];
    try {
      for (const m of members) runners.push(ModelEngine.create(ctx, m, options));
      const first = members[0] as Model;
      members.forEach((m, i) => {
        if (likelihoodKind(m.spec.likelihood) !== likelihoodKind(first.spec.likelihood)) {
          throw new InvalidInputError(
            `ensemble member ${i} has a '${likelihoodKind(m.spec.likelihood)}' likelihood, member 0 a '${likelihoodKind(first.spec.likelihood)}' one: members must agree`,
          );
        }
        if (m.spec.inputDim !== first.spec.inputDim || outputDim(m.spec) !== outputDim(first.spec)) {
          throw new InvalidInputError(
            `ensemble member ${i} maps ${m.spec.inputDim} inputs to ${outputDim(m.spec)} outputs, member 0 ${first.spec.inputDim} to ${outputDim(first.spec)}: members must agree`,
          );
        }
      });
    } catch (error) {
      for (const r of runners) r.dispose();
      throw error;
    }
    return new Engine(ctx, members, runners);
  }

  /** The model (the first member of an ensemble). */
  get model(): Model {
    return this.members[0] as Model;
  }

  get device(): WebGpuDevice {
    return this.ctx.device;
  }

  /** Live GPU buffers, their bytes and compiled pipelines over all members (for leak checks). */
  get resources(): EngineResources {
    return this.runners.reduce((a, r) => ({ buffers: a.buffers + r.resources.buffers, bytes: a.bytes + r.resources.bytes, pipelines: a.pipelines + r.resources.pipelines }), {
      buffers: 0,
      bytes: 0,
      pipelines: 0,
    });
  }

  /**
   * Posterior predictive statistics at the rows of x (N x inputDim), from S posterior samples (an
   * ensemble: S/M per member, S a multiple of M; default M when no member needs samples).
   * @example const r = await engine.predict([[0.5], [1.0]], { samples: 1000, seed: 1 }); r.mean[0]
   */
  async predict(x: MatrixInput, options: PredictOptions = {}): Promise<PredictResult> {
    if (this.disposed) throw new DisposedError('the engine');
    if (this.runners.length === 1) return (this.runners[0] as ModelEngine).predict(x, options);
    return this.predictEnsemble(x, options);
  }

  /**
   * Log-probabilities of one parameter point: per latent site (the sum of its elements' prior
   * log-densities), 'obs' (the likelihood of y, with dropout off), and their sum, the log joint —
   * what a Pyro trace's log_prob_sum gives for the same values. One model only.
   */
  async score(point: PointInput, x: MatrixInput, y: MatrixInput): Promise<ScoreResult> {
    if (this.disposed) throw new DisposedError('the engine');
    if (this.runners.length > 1) throw new InvalidInputError(`score takes one model's parameter point; this engine holds an ensemble of ${this.runners.length} members`);
    const runner = this.runners[0] as ModelEngine;
    return scorePoint(this.ctx, runner.model, runner.options, point, x, y);
  }

  /** Destroys every GPU buffer of every member (also `engine[Symbol.dispose]()`, for `using`). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const r of this.runners) r.dispose();
  }

  private async predictEnsemble(x: MatrixInput, options: PredictOptions): Promise<PredictResult> {
    const o = resolvePredictOptions(options);
    const kind = likelihoodKind(this.model.spec.likelihood);
    if (kind === 'student-t' || kind === 'beta' || kind === 'dirichlet') {
      throw new InvalidInputError(`an ensemble of '${kind}' models is not predicted yet (normal and classifier ensembles are)`);
    }
    const M = this.runners.length;
    const deterministic = this.members.map((m) => isDeterministic(m.spec));
    const samples = options.samples === undefined ? (deterministic.every(Boolean) ? M : Math.ceil(DEFAULT_SAMPLES / M) * M) : o.samples;
    if (samples % M !== 0) {
      throw new InvalidInputError(`samples must be a multiple of the ensemble's ${M} members (each member gets samples / ${M}), got ${samples}`);
    }
    const per = samples / M;
    const needSamples = o.returnSamples || o.quantiles.length > 0;
    const path = resolveEnsemblePath(toMatrix(x, this.model.spec.inputDim, 'x').rows, o);
    const results: PredictResult[] = [];
    const classPlanes: ClassPlanes[] = [];
    for (const [m, runner] of this.runners.entries()) {
      const { quantiles: _mixtureOnly, ...rest } = options;
      // A member with nothing random is evaluated once, unless y is drawn per sample (returnSamples).
      const once = deterministic[m] === true && !o.returnSamples;
      const memberOptions: PredictOptions = { ...rest, samples: once ? 1 : per, returnSamples: needSamples };
      const prediction = await runner.predictMember(x, memberOptions, m, path);
      results.push(prediction.result);
      if (prediction.classPlanes) classPlanes.push(prediction.classPlanes);
    }
    const first = results[0] as PredictResult;
    if (classPlanes.length > 0)
      return mixClassifiers(results, classPlanes, { samples, per, path, z: o.intervalZ, level: o.intervalLevel, y: options.y, returnSamples: o.returnSamples });
    const merged = mergeMembers(results, o.intervalZ);
    const counts = results.map((r) => r.samples);
    const withY = first.logPredictiveDensity ? { logPredictiveDensity: merged.lpd, sampleLogLikelihood: repeatSamples(results, counts, per, 'sampleLogLikelihood', 1) } : {};
    const fSamples = needSamples ? repeatSamples(results, counts, per, 'fSamples', first.n * first.outputDim) : null;
    const scaleSamples = needSamples ? repeatSamples(results, counts, per, 'scaleSamples', first.n * first.outputDim) : null;
    const withSamples =
      o.returnSamples && fSamples && scaleSamples ? { fSamples, scaleSamples, ySamples: repeatSamples(results, counts, per, 'ySamples', first.n * first.outputDim) } : {};
    const withQuantiles =
      o.quantiles.length > 0 && fSamples && scaleSamples
        ? {
            quantiles: await runQuantiles(this.ctx, { f: fSamples, scale: scaleSamples, samples, n: first.n, outputDim: first.outputDim, levels: o.quantiles, signal: o.signal }),
            quantileLevels: [...o.quantiles],
          }
        : {};
    return {
      n: first.n,
      outputDim: first.outputDim,
      samples,
      likelihood: first.likelihood,
      path,
      ...(first.kernels ? { kernels: first.kernels } : {}),
      mean: merged.mean,
      std: merged.std,
      epistemicStd: merged.epistemicStd,
      aleatoricStd: merged.aleatoricStd,
      lower: merged.lower,
      upper: merged.upper,
      intervalLevel: o.intervalLevel,
      ...withY,
      ...withSamples,
      ...withQuantiles,
    };
  }
}

/**
 * An ensemble of classifiers: the equal-weight mixture of the members' samples, from their planes
 * (classification.ts mergeClassPlanes), its density the mean of the members' (logsumexp − log M),
 * its metrics from the mixture's probabilities.
 */
function mixClassifiers(
  results: readonly PredictResult[],
  planes: readonly ClassPlanes[],
  c: { samples: number; per: number; path: PredictResult['path']; z: number; level: number; y: PredictOptions['y']; returnSamples: boolean },
): PredictResult {
  const first = results[0] as PredictResult;
  const merged = mergeClassPlanes(planes);
  const counts = results.map((r) => r.samples);
  const withY =
    first.logPredictiveDensity && c.y !== undefined
      ? {
          logPredictiveDensity: mixtureDensity(results),
          sampleLogLikelihood: repeatSamples(results, counts, c.per, 'sampleLogLikelihood', 1),
          metrics: classificationMetrics(merged.kind, merged.probs, first.n, first.outputDim, toMatrix(c.y, merged.kind === 'categorical' ? 1 : first.outputDim, 'y').data),
        }
      : {};
  const yWidth = first.likelihood === 'categorical' ? 1 : first.outputDim;
  const withSamples = c.returnSamples
    ? { fSamples: repeatSamples(results, counts, c.per, 'fSamples', first.n * first.outputDim), ySamples: repeatSamples(results, counts, c.per, 'ySamples', first.n * yWidth) }
    : {};
  return {
    n: first.n,
    outputDim: first.outputDim,
    samples: c.samples,
    likelihood: first.likelihood,
    path: c.path,
    ...(first.kernels ? { kernels: first.kernels } : {}),
    ...classifierFields(merged, c.z, (length) => new Float32Array(length)),
    intervalLevel: c.level,
    ...withY,
    ...withSamples,
  };
}

/** log of the mean over members of their predictive densities, per input. */
function mixtureDensity(results: readonly PredictResult[]): Float32Array {
  const first = results[0] as PredictResult;
  const out = new Float32Array(first.n);
  const terms = new Float64Array(results.length);
  for (let n = 0; n < first.n; n++) {
    results.forEach((r, m) => {
      terms[m] = r.logPredictiveDensity?.[n] ?? NaN;
    });
    out[n] = logSumExp(terms) - Math.log(results.length);
  }
  return out;
}

installDisposeSymbol(Engine.prototype, (engine: Engine) => engine.dispose());

/** The equal-weight mixture's statistics from its members', in float64. */
function mergeMembers(results: readonly PredictResult[], z: number) {
  const M = results.length;
  const first = results[0] as PredictResult;
  const ND = first.n * first.outputDim;
  const out = {
    mean: new Float32Array(ND),
    std: new Float32Array(ND),
    epistemicStd: new Float32Array(ND),
    aleatoricStd: new Float32Array(ND),
    lower: new Float32Array(ND),
    upper: new Float32Array(ND),
    lpd: new Float32Array(first.n),
  };
  for (let k = 0; k < ND; k++) {
    let mean = 0;
    for (const r of results) mean += (r.mean[k] as number) / M;
    let epistemicVar = 0;
    let aleatoricVar = 0;
    for (const r of results) {
      epistemicVar += ((r.epistemicStd[k] as number) ** 2 + ((r.mean[k] as number) - mean) ** 2) / M;
      aleatoricVar += (r.aleatoricStd[k] as number) ** 2 / M;
    }
    const std = Math.sqrt(epistemicVar + aleatoricVar);
    out.mean[k] = mean;
    out.epistemicStd[k] = Math.sqrt(epistemicVar);
    out.aleatoricStd[k] = Math.sqrt(aleatoricVar);
    out.std[k] = std;
    out.lower[k] = mean - z * std;
    out.upper[k] = mean + z * std;
  }
  if (first.logPredictiveDensity) {
    const terms = new Float64Array(M);
    for (let n = 0; n < first.n; n++) {
      results.forEach((r, m) => {
        terms[m] = r.logPredictiveDensity?.[n] ?? NaN;
      });
      out.lpd[n] = logSumExp(terms) - Math.log(M);
    }
  }
  return out;
}

/**
 * A per-sample field of every member concatenated along S, member m's block holding its `per`
 * samples (a member evaluated once repeats its single sample `per` times).
 */
function repeatSamples(
  results: readonly PredictResult[],
  counts: readonly number[],
  per: number,
  field: 'fSamples' | 'scaleSamples' | 'ySamples' | 'sampleLogLikelihood',
  size: number,
): Float32Array {
  const out = new Float32Array(results.length * per * size);
  results.forEach((r, m) => {
    const values = r[field] as Float32Array;
    for (let s = 0; s < per; s++) {
      const from = counts[m] === per ? s : 0;
      out.set(values.subarray(from * size, (from + 1) * size), (m * per + s) * size);
    }
  });
  return out;
}
