/**
 * The engine of one model: Monte-Carlo posterior predictive of a BNN on WebGPU (src/infer/engine.ts
 * puts one or several of these behind the public Engine).
 *
 * One engine per (device, model): pipelines are compiled once and cached, scratch buffers are
 * allocated on first use and reused (grown when a call needs more), and every buffer is destroyed
 * by dispose(). A call checks its inputs, splits S samples x N inputs into chunks
 * (src/scheduler/plan.ts), builds the kernel program (program.ts), and hands the recording to
 * src/scheduler/predict-encoder.ts: all layers of many chunks in one command encoder, each chunk
 * folded into running statistics on the GPU. Only the statistics (O(N)) are read back, unless
 * per-sample outputs are asked for.
 */
import { SITE_WORDS, siteLogProbKernel } from '../../shaders/kernels/site-logprob.wgsl.js';
import { WORKGROUP_SIZE } from '../../shaders/kernels/common.js';
import { STAT_NAMES } from '../../shaders/kernels/reduce.wgsl.js';
import { DEFAULT_MATMUL_BLOCKING, type MatmulBlocking } from '../../shaders/kernels/dense.wgsl.js';
import { DeviceLimitError, DisposedError, GpuExecutionError, InvalidInputError, NumericalError } from '../errors.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import type { Kernel } from '../gpu/kernel.js';
import { PipelineCache, type CompiledKernel } from '../gpu/pipelines.js';
import { buildModelLayout, type ModelLayout } from '../kernels/model-layout.js';
import type { Model } from '../model/spec.js';
import { outputDim } from '../model/spec.js';
import { validateModel } from '../model/validate.js';
import { describeValue, integerOption, readOptionsObject } from '../options.js';
import { FLOAT32_MAX } from '../float32.js';
import { memberKey } from '../random/streams.js';
import { planChunks, type ChunkPlan } from '../scheduler/plan.js';
import { allocatePredictBuffers, encodePredict, type PredictBuffer, type PredictCall } from '../scheduler/predict-encoder.js';
import { ScratchBuffers } from '../scheduler/scratch.js';
import { toMatrix, type Matrix, type MatrixInput } from './inputs.js';
import { pointModel, readPoint, scoreSites, type PointInput } from './point-model.js';
import { resolvePredictOptions } from './predict-options.js';
import { surfaceGpuFailure } from '../gpu/failure.js';
import { buildProgram, programKernels, type Program } from './program.js';
import type { KernelStrategy, PredictOptions, PredictResult, ScoreResult } from './types.js';
import type { AbortSignalLike, WebGpuBuffer, WebGpuDevice } from '../gpu/webgpu-types.js';

export interface EngineOptions {
  /** Largest chunk buffer in bytes (default 64 MiB, capped by the device's binding limit). */
  readonly maxChunkBytes?: number;
  /** Upper bound on samples per chunk (default 4096). */
  readonly maxSamplesPerChunk?: number;
  /** Upper bound on inputs per chunk (default 65536). */
  readonly maxInputsPerChunk?: number;
  /** Inputs handled by one workgroup of the fused kernel (default 256). */
  readonly fusedInputsPerWorkgroup?: number;
  /** Inputs handled by one thread of the registers kernel (default 64 on CPU adapters, 8 on GPUs). */
  readonly registersInputsPerThread?: number;
  /** Register blocking of the materialised matmul (inputs x 4*unitQuads outputs per thread; default 8 x 1: 30% faster than 4 x 1 on SwiftShader). */
  readonly matmulBlocking?: MatmulBlocking;
  /** Chunks recorded per submit (default 64). */
  readonly chunksPerSubmit?: number;
}

export interface EngineResources {
  readonly buffers: number;
  readonly bytes: number;
  readonly pipelines: number;
}

const DEFAULTS = {
  maxChunkBytes: 64 * 1024 * 1024,
  maxSamplesPerChunk: 4096,
  maxInputsPerChunk: 65536,
  fusedInputsPerWorkgroup: 256,
  registersInputsPerThread: 0,
  matmulBlocking: DEFAULT_MATMUL_BLOCKING as MatmulBlocking,
  chunksPerSubmit: 64,
};

export class ModelEngine {
  readonly model: Model;
  readonly layout: ModelLayout;
  private readonly ctx: GpuContext;
  private readonly options: typeof DEFAULTS;
  private readonly buffers: BufferSet;
  private readonly pipelines: PipelineCache;
  private readonly scratch: ScratchBuffers<PredictBuffer>;
  private params: WebGpuBuffer;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private pointEngine: ModelEngine | null = null;

  private constructor(ctx: GpuContext, model: Model, options: EngineOptions) {
    this.ctx = ctx;
    this.model = model;
    this.layout = buildModelLayout(model);
    this.options = { ...DEFAULTS, ...options };
    this.buffers = new BufferSet(ctx.device);
    this.pipelines = new PipelineCache(ctx.device);
    this.params = this.buffers.upload('params', this.layout.params);
    this.scratch = new ScratchBuffers(this.buffers);
    this.scratch.set('params', this.params);
  }

  /** Creates an engine for `model` on the context's device. The model should already be validated (loadModel does). */
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

  /** SwiftShader and other CPU implementations (their trade-offs invert a GPU's). */
  get cpuAdapter(): boolean {
    const a = this.ctx.adapter;
    return /swiftshader|llvmpipe|lavapipe|cpu/i.test(`${a.architecture} ${a.description} ${a.vendor}`);
  }

  get device(): WebGpuDevice {
    return this.ctx.device;
  }

  /** Live GPU buffers, their bytes and compiled pipelines (for leak checks). */
  get resources(): EngineResources {
    const point = this.pointEngine?.resources;
    return {
      buffers: this.buffers.count + (point?.buffers ?? 0),
      bytes: this.buffers.bytes + (point?.bytes ?? 0),
      pipelines: this.pipelines.size + (point?.pipelines ?? 0),
    };
  }

  /**
   * Posterior predictive statistics at the rows of x (N x inputDim), from S posterior samples;
   * `member` selects the ensemble member's random streams (src/random/streams.ts memberKey).
   */
  predict(x: MatrixInput, options: PredictOptions = {}, member = 0): Promise<PredictResult> {
    return this.exclusive(() => this.predictNow(x, options, member));
  }

  /**
   * Log-probabilities of one parameter point: per latent site (the sum of its elements' prior
   * log-densities), 'obs' (the likelihood of y, with dropout off), and their sum, the log joint —
   * what a Pyro trace's log_prob_sum gives for the same values.
   */
  score(point: PointInput, x: MatrixInput, y: MatrixInput): Promise<ScoreResult> {
    return this.exclusive(() => this.scoreNow(point, x, y));
  }

  /** Destroys every GPU buffer the engine made (also `engine[Symbol.dispose]()`, for `using`). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pointEngine?.dispose();
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

  private async predictNow(xInput: MatrixInput, options: PredictOptions, member = 0): Promise<PredictResult> {
    this.assertUsable();
    const call = await this.prepare(xInput, options, member);
    const outcome = await this.inErrorScopes('predict', call.signal, async () => {
      await encodePredict(this.ctx, this.scratch, this.layout, call, this.options.chunksPerSubmit, call.signal);
      return this.readResults(call);
    });
    checkFiniteResult(outcome);
    return outcome;
  }

  /**
   * Runs GPU work inside validation and out-of-memory error scopes: a scope error becomes a
   * GpuExecutionError, a rejection after device loss a DeviceLostError (src/gpu/failure.ts).
   */
  private async inErrorScopes<T>(during: string, signal: AbortSignalLike | undefined, work: () => Promise<T>): Promise<T> {
    const device = this.ctx.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let outcome: { value: T } | null = null;
    let failure: unknown = null;
    try {
      outcome = { value: await work() };
    } catch (error) {
      failure = error;
    }
    let scopeError: GPUError | null = null;
    try {
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      scopeError = validation ?? oom;
    } catch (error) {
      failure ??= error;
    }
    this.ctx.assertHealthy();
    // A cancelled call rejects with the signal's reason, as fetch does.
    if (failure !== null && signal?.aborted && failure === signal.reason) throw failure;
    if (failure !== null) return surfaceGpuFailure(this.ctx, failure, during);
    if (scopeError) throw new GpuExecutionError(`WebGPU error during ${during}: ${scopeError.message}`);
    if (!outcome) throw new GpuExecutionError(`${during} produced no result`);
    return outcome.value;
  }

  private async prepare(xInput: MatrixInput, options: PredictOptions, member: number): Promise<PredictCall> {
    const layout = this.layout;
    const o = resolvePredictOptions(options);
    o.signal?.throwIfAborted();
    const xm = toMatrix(xInput, layout.inputDim, 'x');
    const D = outputDim(this.model.spec);
    let y: Float32Array | null = null;
    if (o.y !== undefined) {
      const ym = toMatrix(o.y, D, 'y');
      if (ym.rows !== xm.rows) throw new InvalidInputError(`y has ${ym.rows} rows but x has ${xm.rows}`);
      y = Float32Array.from(ym.data);
    }
    const n = xm.rows;
    if (o.path === 'marginal' && n * layout.maxUnits >= 2 ** 32) {
      throw new DeviceLimitError(`the marginal path indexes draws by input*units, which must stay below 2^32 (N=${n}); split x`);
    }
    const limits = this.ctx.limits;
    const statsBytes = (STAT_NAMES.length * n * D + n) * 4;
    if (statsBytes > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(`N=${n} inputs need ${statsBytes} bytes of statistics, beyond this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize}); split x`);
    }
    if (o.returnSamples && o.samples * n * D * 4 > limits.maxBufferSize) {
      throw new DeviceLimitError(`returnSamples for S=${o.samples}, N=${n} needs ${o.samples * n * D * 4} bytes, beyond this device's maxBufferSize (${limits.maxBufferSize}); ask for fewer samples`);
    }
    // The quantile kernel binds every sample's f and scale at once.
    if (o.quantiles.length > 0 && o.samples * n * D * 4 > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(`quantiles for S=${o.samples}, N=${n} need ${o.samples * n * D * 4} bytes of samples bound at once, beyond this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize}); ask for fewer samples or split x`);
    }
    if (y && o.samples * 4 > limits.maxStorageBufferBindingSize) {
      throw new DeviceLimitError(`per-sample log-likelihoods for S=${o.samples} exceed this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize})`);
    }
    const { plan, program } = this.chooseKernels(o.kernel, o.path, o.samples, n, y !== null, o.returnSamples, o.quantiles.length > 0);
    const compiled = new Map<Kernel, CompiledKernel>();
    await Promise.all(
      programKernels(program).map(async (k) => {
        compiled.set(k, await this.pipelines.get(k));
      }),
    );
    const call: PredictCall = {
      x: this.standardizeX(xm),
      y,
      n,
      samples: o.samples,
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
    allocatePredictBuffers(this.scratch, layout, call, this.options.chunksPerSubmit);
    return call;
  }

  /**
   * The chunk plan and the kernels of a call. 'auto' tries its first choice and falls back to the
   * workgroup-fused, then the registers kernel when a limit stops it (the materialised weights of
   * one sample can exceed the chunk budget where a fused kernel needs only one weight row); an
   * explicit kernel is planned as asked. When nothing fits, the error lists why each failed.
   */
  private chooseKernels(kernel: KernelStrategy, path: 'joint' | 'marginal', samples: number, n: number, withY: boolean, returnSamples: boolean, withQuantiles: boolean): { plan: ChunkPlan; program: Program } {
    const candidates: KernelStrategy[] = path === 'joint' && kernel === 'auto' ? ['auto', 'fused', 'registers'] : [kernel];
    const refusals: string[] = [];
    for (const candidate of candidates) {
      try {
        return this.planFor(candidate, path, samples, n, withY, returnSamples, withQuantiles);
      } catch (error) {
        if (!(error instanceof DeviceLimitError) || candidates.length === 1) throw error;
        refusals.push(`${candidate === 'auto' ? (this.cpuAdapter ? 'materialized' : 'auto') : candidate}: ${error.message}`);
      }
    }
    throw new DeviceLimitError(`no kernel fits this model on this device: ${refusals.join('; ')}`);
  }

  private planFor(kernel: KernelStrategy, path: 'joint' | 'marginal', samples: number, n: number, withY: boolean, returnSamples: boolean, withQuantiles: boolean): { plan: ChunkPlan; program: Program } {
    const layout = this.layout;
    const limits = this.ctx.limits;
    const request = (weightsPerSample: number) => ({
      samples,
      inputs: n,
      maxUnits: layout.maxUnits,
      weightsPerSample,
      masksPerSample: layout.masksPerSample,
      workgroupSize: WORKGROUP_SIZE,
      maxChunkBytes: this.options.maxChunkBytes,
      maxSamplesPerChunk: this.options.maxSamplesPerChunk,
      maxInputsPerChunk: this.options.maxInputsPerChunk,
    });
    const options = (inputsPerChunk: number) => ({
      path,
      kernel,
      withY,
      returnSamples,
      withQuantiles,
      workgroupFloats: Math.floor(Math.min(limits.maxComputeWorkgroupStorageSize, 32768) / 4),
      fusedInputsPerWorkgroup: this.options.fusedInputsPerWorkgroup,
      registersInputsPerThread: this.options.registersInputsPerThread || (this.cpuAdapter ? 64 : 8),
      matmulBlocking: this.options.matmulBlocking,
      inputsPerChunk,
      cpuAdapter: this.cpuAdapter,
    });
    // Plan without materialised weights first: the program says whether it needs them, and then
    // the plan is redone with their size (a chunk holds every sample's weights).
    let plan = planChunks(request(0), limits);
    let program = buildProgram(layout, options(plan.inputsPerChunk));
    if (program.usesMaterializedWeights) {
      plan = planChunks(request(layout.weightsPerSample), limits);
      program = buildProgram(layout, options(plan.inputsPerChunk));
    }
    return { plan, program };
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

  private async readResults(call: PredictCall): Promise<PredictResult> {
    const device = this.ctx.device;
    const D = this.layout.outputDim;
    const n = call.n;
    const plane = n * D;
    const statsBytes = (STAT_NAMES.length * plane + (call.y ? n : 0)) * 4;
    const stats = new Float32Array(await readBuffer(device, this.scratch.get('stats'), 0, statsBytes));
    const at = (k: number) => stats.slice(k * plane, (k + 1) * plane);
    const base = {
      n,
      outputDim: D,
      samples: call.samples,
      mean: at(0),
      std: at(1),
      epistemicStd: at(2),
      aleatoricStd: at(3),
      lower: at(4),
      upper: at(5),
      intervalLevel: call.level,
    };
    const withY = call.y
      ? {
          logPredictiveDensity: stats.slice(6 * plane, 6 * plane + n),
          sampleLogLikelihood: new Float32Array(await readBuffer(device, this.scratch.get('sample_ll'), 0, call.samples * 4)),
        }
      : {};
    const withSamples = call.returnSamples
      ? {
          fSamples: new Float32Array(await readBuffer(device, this.scratch.get('f_all'), 0, call.samples * plane * 4)),
          scaleSamples: new Float32Array(await readBuffer(device, this.scratch.get('scale_all'), 0, call.samples * plane * 4)),
          ySamples: new Float32Array(await readBuffer(device, this.scratch.get('y_all'), 0, call.samples * plane * 4)),
        }
      : {};
    const Q = call.quantileLevels.length;
    const withQuantiles =
      Q > 0 ? { quantiles: new Float32Array(await readBuffer(device, this.scratch.get('quantiles'), 0, Q * plane * 4)), quantileLevels: [...call.quantileLevels] } : {};
    return { ...base, ...withY, ...withSamples, ...withQuantiles };
  }

  private async scoreNow(point: PointInput, xInput: MatrixInput, yInput: MatrixInput): Promise<ScoreResult> {
    this.assertUsable();
    if ((yInput as unknown) === undefined || (yInput as unknown) === null) {
      throw new InvalidInputError('score needs y: the targets whose likelihood is the obs term of the log joint');
    }
    const pm = pointModel(this.model, readPoint(point));
    if (!this.pointEngine) this.pointEngine = new ModelEngine(this.ctx, pm, this.options);
    else this.pointEngine.replaceParams(pm);
    const engine = this.pointEngine;
    const predicted = await engine.predictNow(xInput, { samples: 1, y: yInput });
    const obs = predicted.sampleLogLikelihood?.[0];
    if (obs === undefined) throw new GpuExecutionError('score produced no likelihood');
    const sites = scoreSites(this.model.spec, engine.layout);
    const lp = await this.inErrorScopes('score', undefined, () => engine.siteLogProbs(sites.map((s) => s.words)));
    const out: Record<string, number> = {};
    sites.forEach((s, i) => {
      out[s.site] = lp[i] as number;
    });
    out['obs'] = obs;
    const logJoint = Object.values(out).reduce((a, b) => a + b, 0);
    return { sites: out, logJoint };
  }

  /** Swaps in new parameter values for the same architecture (the point engine of score()). */
  private replaceParams(model: Model): void {
    const layout = buildModelLayout(model);
    if (layout.params.length !== this.layout.params.length) throw new Error('internal: point model layout changed');
    this.ctx.device.queue.writeBuffer(this.params, 0, layout.params.buffer, layout.params.byteOffset, layout.params.byteLength);
  }

  private async siteLogProbs(siteWords: readonly Uint32Array[]): Promise<Float32Array> {
    const device = this.ctx.device;
    const compiled = await this.pipelines.get(siteLogProbKernel());
    const words = new Uint32Array(siteWords.length * SITE_WORDS);
    siteWords.forEach((w, i) => words.set(w, i * SITE_WORDS));
    const sites = this.buffers.upload('sites', words);
    const out = this.buffers.createStorage('site_lp', siteWords.length * 4);
    try {
      const encoder = device.createCommandEncoder({ label: 'site_logprob' });
      const pass = encoder.beginComputePass();
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: compiled.layout,
          entries: [
            { binding: 0, resource: { buffer: this.params } },
            { binding: 1, resource: { buffer: sites } },
            { binding: 2, resource: { buffer: out } },
          ],
        }),
      );
      pass.dispatchWorkgroups(siteWords.length);
      pass.end();
      device.queue.submit([encoder.finish()]);
      return new Float32Array(await readBuffer(device, out, 0, siteWords.length * 4));
    } finally {
      this.buffers.destroy(sites);
      this.buffers.destroy(out);
    }
  }
}

/** Every option checked: a positive integer each, within what the kernels can be built for. */
function readEngineOptions(options: unknown): typeof DEFAULTS {
  const o = readOptionsObject(options, Object.keys(DEFAULTS), 'engine options');
  const int = (name: keyof typeof DEFAULTS, min: number, max: number): number => (o[name] === undefined ? (DEFAULTS[name] as number) : integerOption(o[name], name, min, max));
  let matmulBlocking = DEFAULTS.matmulBlocking;
  if (o['matmulBlocking'] !== undefined) {
    const b = readOptionsObject(o['matmulBlocking'], ['inputs', 'unitQuads'], 'matmulBlocking');
    matmulBlocking = { inputs: integerOption(b['inputs'], 'matmulBlocking.inputs', 1, 16), unitQuads: integerOption(b['unitQuads'], 'matmulBlocking.unitQuads', 1, 8) };
  }
  return {
    maxChunkBytes: int('maxChunkBytes', 16, Number.MAX_SAFE_INTEGER),
    maxSamplesPerChunk: int('maxSamplesPerChunk', 1, 2 ** 31),
    maxInputsPerChunk: int('maxInputsPerChunk', 1, 2 ** 31),
    fusedInputsPerWorkgroup: int('fusedInputsPerWorkgroup', 1, 4096),
    registersInputsPerThread: o['registersInputsPerThread'] === undefined ? 0 : integerOption(o['registersInputsPerThread'], 'registersInputsPerThread', 1, 4096),
    matmulBlocking,
    chunksPerSubmit: int('chunksPerSubmit', 1, 4096),
  };
}

const STATISTIC_LABELS: Readonly<Record<string, string>> = {
  quantiles: 'predictive quantile',
  mean: 'predictive mean',
  std: 'predictive std',
  epistemicStd: 'epistemic std',
  aleatoricStd: 'aleatoric std',
  lower: 'interval lower bound',
  upper: 'interval upper bound',
  logPredictiveDensity: 'log predictive density',
  sampleLogLikelihood: 'per-sample log-likelihood',
  fSamples: 'network output sample',
  scaleSamples: 'noise scale sample',
  ySamples: 'observation sample',
};

/**
 * A result is returned only if every number in it is finite in float32: a statistic that
 * overflowed (outputs near 1e38, variances past it, a log density below -3.4e38) would otherwise
 * come back as Infinity, NaN or float32's largest value, looking like an answer.
 */
function checkFiniteResult(r: PredictResult): void {
  const D = r.outputDim;
  for (const [name, label] of Object.entries(STATISTIC_LABELS)) {
    const values = (r as unknown as Record<string, Float32Array | undefined>)[name];
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (Math.abs(v) < FLOAT32_MAX) continue;
      const where = name === 'sampleLogLikelihood' ? `sample ${i}` : name === 'logPredictiveDensity' ? `input ${i}` : name.endsWith('Samples') ? `element ${i} of [S, N, D]` : name === 'quantiles' ? `element ${i} of [Q, N, D]` : `input ${Math.floor(i / D)}, output ${i % D}`;
      throw new NumericalError(
        `predict: the ${label} at ${where} is ${v}: the computation left float32's range (the model's outputs, their spread or the targets are too large for float32; rescale x or y, or standardise them in the model)`,
      );
    }
  }
}


