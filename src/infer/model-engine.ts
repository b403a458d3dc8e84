/**
 * The engine of one model: Monte-Carlo posterior predictive of a BNN on WebGPU (src/infer/engine.ts
 * puts one or several of these behind the public Engine).
 *
 * One engine per (device, model): pipelines come from the device's cache, scratch buffers are
 * allocated on first use and reused (grown when a call needs more), and every buffer is destroyed
 * by dispose(). A call reads its options once (predict-options.ts), checks its inputs, chooses the
 * path, the kernels and the chunking in one step (kernel-choice.ts), records every chunk through
 * the recorder (predict-encoder.ts) inside error scopes, and reads back only the statistics (O(N))
 * by their named planes, unless per-sample outputs are asked for.
 */
import { DeviceLimitError, DisposedError, InvalidInputError } from '../errors.js';
import { FLOAT32_MAX } from '../float32.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import { withErrorScopes } from '../gpu/failure.js';
import { PipelineCache } from '../gpu/pipelines.js';
import type { WebGpuBuffer, WebGpuDevice } from '../gpu/webgpu-types.js';
import { buildModelLayout, type ModelLayout } from '../model/gpu-layout.js';
import type { Model } from '../model/spec.js';
import { isClassifier, likelihoodKind, outputDim, targetDim } from '../model/spec.js';
import { validateModel } from '../model/validate-model.js';
import { describeValue } from '../options.js';
import { memberKey } from '../random/streams.js';
import { ScratchBuffers } from '../scheduler/scratch.js';
import { readEngineOptions, type EngineOptions, type ResolvedEngineOptions } from './engine-options.js';
import { toMatrix, type Matrix, type MatrixInput } from '../inputs.js';
import { chooseKernels, isCpuAdapter } from './kernel-choice.js';
import { CALIBRATION_KERNELS, CALIBRATION_SAMPLES, cachedCalibration, calibrationKey, fastestKernel, storeCalibration } from './kernel-calibration.js';
import { allocatePredictBuffers, encodePredict, predictRecorder, type PredictBuffer, type PredictCall } from './predict-encoder.js';
import { resolvePath, resolvePredictOptions } from './predict-options.js';
import { programKernels } from './predict-program.js';
import { checkFiniteResult } from './result-check.js';
import { CLASS_PLANES, readClassPlanes, readPlanes, statisticsFloats, STAT_PLANES } from './statistics.js';
import { checkTargets } from './targets.js';
import { classificationMetrics, classifierFields, type ClassifierKind, type ClassPlanes } from './classification.js';
import type { PredictOptions, PredictResult, SamplingPath } from './types.js';

export type { EngineOptions } from './engine-options.js';

export interface EngineResources {
  readonly buffers: number;
  readonly bytes: number;
  /** Distinct programs this engine's calls have used (compiled once per device). */
  readonly pipelines: number;
}

export class ModelEngine {
  readonly model: Model;
  readonly layout: ModelLayout;
  /** The engine's options, every default filled in. */
  readonly options: ResolvedEngineOptions;
  private readonly ctx: GpuContext;
  private readonly buffers: BufferSet;
  private readonly pipelines: PipelineCache;
  private readonly programsUsed = new Set<string>();
  private readonly scratch: ScratchBuffers<PredictBuffer>;
  private readonly params: WebGpuBuffer;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(ctx: GpuContext, model: Model, options: ResolvedEngineOptions) {
    this.ctx = ctx;
    this.model = model;
    this.layout = buildModelLayout(model);
    this.options = options;
    this.buffers = new BufferSet(ctx.device);
    this.pipelines = PipelineCache.for(ctx);
    this.params = this.buffers.upload('params', this.layout.params);
    this.scratch = new ScratchBuffers(this.buffers);
    this.scratch.set('params', this.params);
  }

  /**
   * Creates an engine for `model` on the context's device. The model is validated (as loadModel
   * does), so a model built in code with a missing tensor or a bad value is a ModelFormatError
   * here rather than garbage later.
   */
  static create(ctx: GpuContext, model: Model, options: EngineOptions = {}): ModelEngine {
    if (typeof ctx !== 'object' || ctx === null || typeof (ctx as Partial<GpuContext>).assertHealthy !== 'function') {
      throw new InvalidInputError(`Engine.create needs a GpuContext (from createNodeContext or createBrowserContext), got ${describeValue(ctx)}`);
    }
    ctx.assertHealthy();
    if (typeof model !== 'object' || model === null) throw new InvalidInputError(`Engine.create needs a model (from loadModel or train), got ${describeValue(model)}`);
    validateModel(model);
    return new ModelEngine(ctx, model, readEngineOptions(options));
  }

  /** An engine for a model the library built itself from a validated one (score's point model). */
  static forDerivedModel(ctx: GpuContext, model: Model, options: ResolvedEngineOptions): ModelEngine {
    return new ModelEngine(ctx, model, options);
  }

  /** SwiftShader and other CPU implementations (their trade-offs invert a GPU's). */
  get cpuAdapter(): boolean {
    return isCpuAdapter(this.ctx);
  }

  get device(): WebGpuDevice {
    return this.ctx.device;
  }

  /** The packed parameters on the GPU (ModelLayout.params), for programs that read them besides predict. */
  get paramsBuffer(): WebGpuBuffer {
    this.assertUsable();
    return this.params;
  }

  /** Live GPU buffers, their bytes and the programs used (for leak checks). */
  get resources(): EngineResources {
    return { buffers: this.buffers.count, bytes: this.buffers.bytes, pipelines: this.programsUsed.size };
  }

  /**
   * Posterior predictive statistics at the rows of x (N x inputDim), from S posterior samples;
   * `member` selects the ensemble member's random streams (src/random/streams.ts memberKey);
   * `path`, when given, overrides options.path (an ensemble resolves 'auto' once for all members).
   */
  predict(x: MatrixInput, options: PredictOptions = {}, member = 0, path?: SamplingPath): Promise<PredictResult> {
    return this.predictMember(x, options, member, path).then((m) => m.result);
  }

  /** predict, plus a classifier's planes (null for other likelihoods), which an ensemble mixes before its statistics. */
  predictMember(x: MatrixInput, options: PredictOptions = {}, member = 0, path?: SamplingPath): Promise<MemberPrediction> {
    return this.exclusive(() => this.predictNow(x, options, member, path));
  }

  /** Destroys every GPU buffer the engine made (also `engine[Symbol.dispose]()`, for `using`). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.buffers.destroyAll();
    this.scratch.clear();
  }

  /** Runs calls one at a time: they share the scratch buffers. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertUsable(): void {
    if (this.disposed) throw new DisposedError('the engine');
    this.ctx.assertHealthy();
  }

  private async predictNow(xInput: MatrixInput, options: PredictOptions, member: number, path: SamplingPath | undefined): Promise<MemberPrediction> {
    this.assertUsable();
    const kernelOptions = await this.calibrated(xInput, options, member, path);
    return this.run(xInput, kernelOptions, member, path);
  }

  /**
   * The options with kernel 'calibrate' replaced by the kernel the device's calibration of this
   * shape class chose, calibrating first when there is none (kernel-calibration.ts); other options
   * unchanged.
   */
  private async calibrated(xInput: MatrixInput, options: PredictOptions, member: number, pathOverride: SamplingPath | undefined): Promise<PredictOptions> {
    const o = resolvePredictOptions(options);
    if (o.kernel !== 'calibrate') return options;
    const n = toMatrix(xInput, this.layout.inputDim, 'x').rows;
    // The marginal path (asked for by name) has no kernel to choose.
    if ((pathOverride ?? resolvePath(n, o)) === 'marginal') return { ...options, kernel: 'auto' };
    const key = calibrationKey(this.layout, { n, withY: o.y !== undefined, returnSamples: o.returnSamples, withQuantiles: o.quantiles.length > 0 });
    const device = this.ctx.device;
    let calibration = cachedCalibration(device, key);
    if (!calibration) {
      const samples = Math.min(o.samples, CALIBRATION_SAMPLES);
      const timingsMs: Partial<Record<(typeof CALIBRATION_KERNELS)[number], number>> = {};
      const refusals: string[] = [];
      for (const kernel of CALIBRATION_KERNELS) {
        const probe: PredictOptions = { ...options, samples, kernel };
        try {
          // The first run compiles the kernel's pipelines and grows the scratch buffers; the second is timed.
          await this.run(xInput, probe, member, pathOverride);
          const start = performance.now();
          await this.run(xInput, probe, member, pathOverride);
          timingsMs[kernel] = performance.now() - start;
        } catch (error) {
          if (!(error instanceof DeviceLimitError)) throw error;
          refusals.push(`${kernel}: ${error.message}`);
        }
      }
      const kernel = fastestKernel(timingsMs);
      if (kernel === null) throw new DeviceLimitError(`no kernel fits this model on this device: ${refusals.join('; ')}`);
      calibration = { kernel, timingsMs, samples };
      storeCalibration(device, key, calibration);
    }
    return { ...options, kernel: calibration.kernel };
  }

  /** One call with a named kernel (or 'auto'): plan, record, submit, read back. */
  private async run(xInput: MatrixInput, options: PredictOptions, member: number, path: SamplingPath | undefined): Promise<MemberPrediction> {
    const call = await this.prepare(xInput, options, member, path);
    const prediction = await withErrorScopes(this.ctx, 'predict', call.signal, async () => {
      const recorder = predictRecorder(this.ctx, this.scratch, call, this.options.chunksPerSubmit);
      try {
        await encodePredict(this.ctx, this.scratch, this.layout, call, recorder);
      } finally {
        recorder.destroy();
      }
      return this.readResults(call);
    });
    checkFiniteResult(prediction.result);
    return prediction;
  }

  private async prepare(xInput: MatrixInput, options: PredictOptions, member: number, pathOverride: SamplingPath | undefined): Promise<PredictCall> {
    const layout = this.layout;
    const o = resolvePredictOptions(options);
    o.signal?.throwIfAborted();
    const spec = this.model.spec;
    const kind = likelihoodKind(spec.likelihood);
    if (kind !== 'normal' && o.quantiles.length > 0) {
      throw new InvalidInputError(`quantiles are computed for normal models only; a '${kind}' model reports its predictive mean, variance split and moment-matched interval`);
    }
    const xm = toMatrix(xInput, layout.inputDim, 'x');
    const D = outputDim(spec);
    let y: Float32Array | null = null;
    if (o.y !== undefined) {
      const ym = toMatrix(o.y, targetDim(spec), 'y');
      if (ym.rows !== xm.rows) throw new InvalidInputError(`y has ${ym.rows} rows but x has ${xm.rows}`);
      checkTargets(kind, ym.data, D);
      y = Float32Array.from(ym.data);
    }
    const n = xm.rows;
    const path = pathOverride ?? resolvePath(n, o);
    if (path === 'marginal' && n * layout.maxUnits >= 2 ** 32) {
      throw new DeviceLimitError(`the marginal path indexes draws by input*units, which must stay below 2^32 (N=${n}); split x`);
    }
    this.checkCallLimits(n, D, o.samples, y !== null, o.returnSamples, o.quantiles.length > 0, isClassifier(spec.likelihood));
    if (o.kernel === 'calibrate') throw new RangeError("internal: kernel 'calibrate' reached a call's plan unresolved");
    const { plan, program } = chooseKernels(this.ctx, layout, this.options, {
      samples: o.samples,
      n,
      path,
      kernel: o.kernel,
      withY: y !== null,
      returnSamples: o.returnSamples,
      withQuantiles: o.quantiles.length > 0,
    });
    const programs = programKernels(program);
    const compiled = await this.pipelines.getAll(programs);
    for (const p of programs) this.programsUsed.add(p.cacheKey);
    const call: PredictCall = {
      x: this.standardizeX(xm),
      y,
      n,
      samples: o.samples,
      path,
      key: memberKey(o.seed, member),
      z: o.intervalZ,
      level: o.intervalLevel,
      returnSamples: o.returnSamples,
      quantileLevels: o.quantiles,
      program,
      compiled,
      plan,
      ...(o.signal ? { signal: o.signal } : {}),
    };
    allocatePredictBuffers(this.scratch, layout, call);
    return call;
  }

  /** The buffers a call needs whole (not chunked) must fit the device's binding and buffer limits. */
  private checkCallLimits(n: number, D: number, samples: number, withY: boolean, returnSamples: boolean, withQuantiles: boolean, classifier: boolean): void {
    const limits = this.ctx.limits;
    const statsBytes = statisticsFloats(n, D, classifier) * 4;
    if (statsBytes > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(
        `N=${n} inputs need ${statsBytes} bytes of statistics, beyond this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize}); split x`,
      );
    }
    const sampleBytes = samples * n * D * 4;
    if (returnSamples && sampleBytes > limits.maxBufferSize) {
      throw new DeviceLimitError(
        `returnSamples for S=${samples}, N=${n} needs ${sampleBytes} bytes, beyond this device's maxBufferSize (${limits.maxBufferSize}); ask for fewer samples`,
      );
    }
    // The quantile program binds every sample's f and scale at once.
    if (withQuantiles && sampleBytes > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(
        `quantiles for S=${samples}, N=${n} need ${sampleBytes} bytes of samples bound at once, beyond this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize}); ask for fewer samples or split x`,
      );
    }
    if (withY && samples * 4 > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(`per-sample log-likelihoods for S=${samples} exceed this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize})`);
    }
  }

  /** Standardised x as float32 rows padded with zeros to a multiple of 4 (the kernels load vec4s). */
  private standardizeX(x: Matrix): Float32Array {
    const std = this.model.spec.standardization;
    const stride = this.layout.inputDimPadded;
    const out = new Float32Array(x.rows * stride);
    for (let r = 0; r < x.rows; r++) {
      for (let c = 0; c < x.cols; c++) {
        const v = x.data[r * x.cols + c] as number;
        const scaled = std ? (v - (std.xMean[c] as number)) / (std.xStd[c] as number) : v;
        if (!(Math.abs(scaled) <= FLOAT32_MAX)) {
          throw new InvalidInputError(`x row ${r} column ${c} is ${v}, which the model's input standardisation takes to ${scaled}, beyond float32's range`);
        }
        out[r * stride + c] = scaled;
      }
    }
    return out;
  }

  private async readResults(call: PredictCall): Promise<MemberPrediction> {
    if (call.program.classifier) return this.readClassifierResults(call);
    const D = this.layout.outputDim;
    const n = call.n;
    const plane = n * D;
    const statsFloats = STAT_PLANES.length * plane + (call.y ? n : 0);
    const stats = new Float32Array(await readBuffer(this.ctx, this.scratch.get('stats'), 0, statsFloats * 4));
    const { logPredictiveDensity, ...planes } = readPlanes(stats, n, D);
    const read = async (name: PredictBuffer, floats: number) => new Float32Array(await readBuffer(this.ctx, this.scratch.get(name), 0, floats * 4));
    const withY = call.y ? { logPredictiveDensity, sampleLogLikelihood: await read('sample_ll', call.samples) } : {};
    const f = async () => ({ fSamples: await read('f_all', call.samples * plane), ySamples: await read('y_all', call.samples * plane) });
    const withSamples = !call.returnSamples ? {} : call.program.observationScale ? { ...(await f()), scaleSamples: await read('scale_all', call.samples * plane) } : await f();
    const Q = call.quantileLevels.length;
    const withQuantiles = Q > 0 ? { quantiles: await read('quantiles', Q * plane), quantileLevels: [...call.quantileLevels] } : {};
    const result: PredictResult = {
      n,
      outputDim: D,
      samples: call.samples,
      likelihood: likelihoodKind(this.model.spec.likelihood),
      path: call.path,
      kernels: call.program.layers.map((l) => l.strategy),
      ...planes,
      intervalLevel: call.level,
      ...withY,
      ...withSamples,
      ...withQuantiles,
    };
    return { result, classPlanes: null };
  }

  /** A classifier's planes read back (O(N·K)), turned into its statistics on the host (classification.ts). */
  private async readClassifierResults(call: PredictCall): Promise<MemberPrediction> {
    const D = this.layout.outputDim;
    const n = call.n;
    const plane = n * D;
    const kind = this.layout.likelihood as ClassifierKind;
    const statsFloats = CLASS_PLANES.length * plane + (call.y ? n : 0);
    const stats = new Float32Array(await readBuffer(this.ctx, this.scratch.get('stats'), 0, statsFloats * 4));
    const { logPredictiveDensity, ...planes } = readClassPlanes(stats, n, D);
    const classPlanes: ClassPlanes = { kind, n, D, ...planes };
    const read = async (name: PredictBuffer, floats: number) => new Float32Array(await readBuffer(this.ctx, this.scratch.get(name), 0, floats * 4));
    const withY = call.y
      ? { logPredictiveDensity, sampleLogLikelihood: await read('sample_ll', call.samples), metrics: classificationMetrics(kind, planes.probs, n, D, call.y) }
      : {};
    const withSamples = call.returnSamples ? { fSamples: await read('f_all', call.samples * plane), ySamples: await read('y_all', call.samples * n * this.layout.targetDim) } : {};
    const result: PredictResult = {
      n,
      outputDim: D,
      samples: call.samples,
      likelihood: kind,
      path: call.path,
      kernels: call.program.layers.map((l) => l.strategy),
      ...classifierFields(classPlanes, call.z, (length) => new Float32Array(length)),
      intervalLevel: call.level,
      ...withY,
      ...withSamples,
    };
    return { result, classPlanes };
  }
}

/** One member's prediction and, for a classifier, the planes its statistics came from. */
export interface MemberPrediction {
  readonly result: PredictResult;
  readonly classPlanes: ClassPlanes | null;
}
