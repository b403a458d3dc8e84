/**
 * The GPU trainer: M models trained together, one set of dispatches per minibatch step for all of
 * them. Data is uploaded once; minibatches are gathered on the GPU through the keyed Feistel
 * permutation; an epoch's steps are recorded into one command encoder (one uniform slot per step);
 * only the per-model epoch loss (2M floats) is read back per epoch, and θ at the end.
 */
import {
  META_F32,
  META_U32,
  STEP_FIELDS,
  gatherKernel,
  trainAdversarialKernel,
  trainClipKernel,
  trainDhPrevKernel,
  trainDzKernel,
  trainFlipKernel,
  trainForwardKernel,
  trainInputGradKernel,
  trainLossKernel,
  trainMasksKernel,
  trainOptimizerKernel,
  trainSampleKernel,
  trainSigmaKernel,
  trainWeightGradKernel,
  trainMasksThreads,
  trainForwardTiledKernel,
  trainDhPrevTiledKernel,
  tiledDhPrevThreads,
  trainWeightGradTiledKernel,
  tiledEstimator,
  tiledForwardThreads,
  tiledWeightGradThreads,
  type TrainShape,
} from '../../shaders/kernels/train/index.js';
import { WORKGROUP_SIZE } from '../../shaders/kernels/common.js';
import { DeviceLimitError, GpuExecutionError } from '../errors.js';
import { surfaceGpuFailure } from '../gpu/failure.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import type { Kernel } from '../gpu/kernel.js';
import { PipelineCache, type CompiledProgram } from '../gpu/pipelines.js';
import type { Program } from '../kernels/program.js';
import { seedToKey } from '../random/streams.js';
import { DEFAULT_LEAKY_SLOPE } from '../model/spec.js';
import { UNIFORM_SLOT_BYTES } from '../scheduler/chunk-uniforms.js';
import { flatGrid } from '../scheduler/grid.js';
import { trainLayout, type TrainLayout } from './layout.js';
import { divergenceError, learningRate, prepareRun, type PreparedRun } from './prepare.js';
import { initialTheta } from './init.js';
import { VI_SIGMA_PRIOR, thetaToModel } from './to-model.js';
import type { ArchitectureSpec, TrainData, TrainOptions, TrainResult } from './types.js';

/** Every model's θ at initialisation (src/train/init.ts), as float32 for the GPU. */
function initialThetas(layout: TrainLayout, run: PreparedRun): Float32Array {
  const key = seedToKey(run.seed);
  const theta = new Float32Array(run.models.length * layout.size);
  run.models.forEach((p, m) => theta.set(initialTheta(layout, key, m, p.priorScale), m * layout.size));
  return theta;
}

interface Step {
  kernel: Kernel;
  threads: number;
}

/**
 * Trains M models on `data` (options.models: one entry per model) and returns engine models.
 * @example const r = await train(ctx, { inputDim: 1, hidden: [32], activation: 'tanh' }, { x, y }, { method: 'vi', epochs: 200 });
 */
export async function train(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, options: TrainOptions): Promise<TrainResult> {
  ctx.assertHealthy();
  const started = performance.now();
  const run = prepareRun(arch, data, options);
  run.signal?.throwIfAborted();
  const layout = trainLayout(arch, options.method, options.hierarchical ?? false);
  const estimator = options.method === 'vi' ? (options.viEstimator ?? 'reparameterization') : 'reparameterization';
  const M = run.models.length;
  // With adversarial training each step's rows are followed by their adversarial copies.
  const B = run.adversarial ? 2 * run.batch : run.batch;
  const K = run.samplesPerStep;
  const shape: TrainShape = {
    layout,
    models: M,
    batch: B,
    samples: K,
    dropout: options.method === 'mc-dropout',
    sigmaPrior: VI_SIGMA_PRIOR,
    optimizer: run.optimizer,
    clipNorm: run.clipNorm,
    estimator,
    hierarchical: layout.precision >= 0,
    adversarial: run.adversarial,
  };
  const device = ctx.device;
  const limits = ctx.limits;
  const actFloats = M * K * B * layout.layers.reduce((a, l) => a + l.units, 0);
  if (actFloats * 4 > limits.maxStorageBufferBindingSize || M * layout.size * 4 > limits.maxStorageBufferBindingSize) {
    throw new DeviceLimitError(`training ${M} models with batch ${B} needs buffers beyond maxStorageBufferBindingSize; train fewer models at once`);
  }
  const buffers = new BufferSet(device);
  const pipelines = PipelineCache.for(device);
  device.pushErrorScope('validation');
  let scopeOpen = true;
  const closeScope = async () => {
    scopeOpen = false;
    return device.popErrorScope();
  };
  try {
    const allRows = new Uint32Array(run.models.reduce((a, p) => a + p.rows.length, 0));
    const metaU = new Uint32Array(M * META_U32);
    const metaF = new Float32Array(M * META_F32);
    const xstats = new Float32Array(M * 2 * run.inputDim);
    let offset = 0;
    run.models.forEach((p, m) => {
      allRows.set(p.rows, offset);
      metaU.set([offset, p.rows.length, p.stepsPerEpoch, p.keepThreshold], m * META_U32);
      metaF.set([1 / (1 - p.dropout), p.sigmaStd, p.lambda, p.priorScale, p.yMean, p.yStd, p.rows.length, p.lrScale], m * META_F32);
      xstats.set(p.xMean, m * 2 * run.inputDim);
      xstats.set(p.xStd, m * 2 * run.inputDim + run.inputDim);
      offset += p.rows.length;
    });
    const maskFloats = M * B * layout.layers.reduce((a, l) => a + l.inputs, 0);
    const named: Record<string, GPUBuffer> = {
      data_x: buffers.upload('data_x', Float32Array.from(run.x)),
      data_y: buffers.upload('data_y', Float32Array.from(run.y)),
      rows: buffers.upload('rows', allRows),
      meta_u: buffers.upload('meta_u', metaU),
      meta_f: buffers.upload('meta_f', metaF),
      xstats: buffers.upload('xstats', xstats),
      xb: buffers.createStorage('xb', M * B * run.inputDim * 4),
      yb: buffers.createStorage('yb', M * B * 4),
      valid: buffers.createStorage('valid', M * B * 4),
      theta: buffers.upload('theta', initialThetas(layout, run)),
      grad: buffers.createStorage('grad', M * layout.size * 4),
      moment1: buffers.createStorage('moment1', M * layout.size * 4),
      moment2: buffers.createStorage('moment2', M * layout.size * 4),
      counts: buffers.createStorage('counts', M * 4),
      clip: buffers.createStorage('clip', M * 4),
      model_active: buffers.createStorage('model_active', M * 4),
      drawn: buffers.createStorage('drawn', M * K * Math.max(layout.drawnSize, 1) * 4),
      eps: buffers.createStorage('eps', M * K * Math.max(layout.drawnSize, 1) * 4),
      sig: buffers.createStorage('sig', M * K * 2 * 4),
      masks: buffers.createStorage('masks', maskFloats * 4),
      z: buffers.createStorage('z', actFloats * 4),
      h: buffers.createStorage('h', actFloats * 4),
      dh: buffers.createStorage('dh', actFloats * 4),
      dz: buffers.createStorage('dz', actFloats * 4),
      epoch_loss: buffers.createStorage('epoch_loss', M * 2 * 4),
      lr_eps: buffers.createStorage('lr_eps', (estimator === 'local' ? actFloats : 1) * 4),
      lr_sd: buffers.createStorage('lr_sd', (estimator === 'local' ? actFloats : 1) * 4),
      flip: buffers.createStorage('flip', (estimator === 'flipout' ? M * K * B * layout.layers.reduce((a, l) => a + l.inputs + l.units, 0) : 1) * 4),
    };
    if (run.adversarial) {
      named['dx'] = buffers.createStorage('dx', M * B * run.inputDim * 4);
      named['adv_step'] = buffers.upload('adv_step', Float32Array.from(run.models.flatMap((p) => [...(p.adversarialStep ?? [])])));
    }
    const slots = Math.min(run.maxStepsPerEpoch, 256);
    named['step'] = buffers.create('step', slots * UNIFORM_SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

    // One step: the kernels in order, each over its thread count.
    const steps: Step[] = [{ kernel: gatherKernel(shape, run.inputDim), threads: M * B }];
    if (shape.dropout) for (const l of layout.layers) steps.push({ kernel: trainMasksKernel(shape, l), threads: trainMasksThreads(shape, l) });
    if (layout.method === 'vi') {
      if (estimator !== 'local') {
        for (const l of layout.layers) steps.push({ kernel: trainSampleKernel(shape, l), threads: M * K * (l.inputs * l.units + l.units) });
      }
      if (estimator === 'flipout') {
        for (const l of layout.layers) steps.push({ kernel: trainFlipKernel(shape, l), threads: M * K * B * (l.inputs + l.units) });
      }
      steps.push({ kernel: trainSigmaKernel(shape), threads: M * K });
    }
    const tiled = run.kernelStrategy === 'tiled' && tiledEstimator(shape);
    const forwardPass = layout.layers.map((l) =>
      tiled
        ? { kernel: trainForwardTiledKernel(shape, l, DEFAULT_LEAKY_SLOPE, run.tile), threads: tiledForwardThreads(shape, l, run.tile) }
        : { kernel: trainForwardKernel(shape, l, DEFAULT_LEAKY_SLOPE), threads: M * K * B },
    );
    const dhPrev = (l: TrainLayout['layers'][number]): Step =>
      tiled ? { kernel: trainDhPrevTiledKernel(shape, l, run.tile), threads: tiledDhPrevThreads(shape, l, run.tile) } : { kernel: trainDhPrevKernel(shape, l), threads: M * K * B };
    if (run.adversarial) {
      // First pass over the data rows alone (the copies are still invalid): the data term's
      // gradient over the inputs, then the copies x + step * sign(dx).
      steps.push(...forwardPass, { kernel: trainLossKernel(shape, false), threads: M });
      for (const l of [...layout.layers].reverse()) {
        steps.push({ kernel: trainDzKernel(shape, l, DEFAULT_LEAKY_SLOPE), threads: M * K * B });
        steps.push(l.index > 0 ? dhPrev(l) : { kernel: trainInputGradKernel(shape, l), threads: M * K * B });
      }
      steps.push({ kernel: trainAdversarialKernel(shape, run.inputDim), threads: M * run.batch });
    }
    steps.push(...forwardPass, { kernel: trainLossKernel(shape), threads: M });
    for (const l of [...layout.layers].reverse()) {
      steps.push({ kernel: trainDzKernel(shape, l, DEFAULT_LEAKY_SLOPE), threads: M * K * B });
      steps.push(
        tiled
          ? { kernel: trainWeightGradTiledKernel(shape, l, run.tile), threads: tiledWeightGradThreads(shape, l, run.tile) }
          : { kernel: trainWeightGradKernel(shape, l), threads: M * (l.inputs * l.units + l.units + (l.prelu >= 0 ? l.units : 0)) },
      );
      if (l.index > 0) steps.push(dhPrev(l));
    }
    steps.push({ kernel: trainClipKernel(shape), threads: M });
    steps.push({ kernel: trainOptimizerKernel(shape), threads: M * layout.size });

    const compiled = new Map<Kernel, CompiledProgram>();
    await Promise.all(steps.map(async (s) => compiled.set(s.kernel, await pipelines.get(asProgram(s.kernel)))));
    const compileMs = performance.now() - started;
    const groups = steps.map((s) => {
      const c = compiled.get(s.kernel) as CompiledProgram;
      return device.createBindGroup({
        label: s.kernel.name,
        layout: c.layout,
        entries: s.kernel.bindings.map((b, binding) => {
          const buffer = named[b.name];
          if (!buffer) throw new Error(`internal: no training buffer '${b.name}'`);
          return { binding, resource: b.kind === 'uniform' ? { buffer, offset: 0, size: UNIFORM_SLOT_BYTES } : { buffer } };
        }),
      });
    });
    const maxGroups = limits.maxComputeWorkgroupsPerDimension;
    const key = seedToKey(run.seed);
    const history: Float64Array[] = [];
    const divergedAt: (number | null)[] = run.models.map(() => null);
    const slotData = new ArrayBuffer(slots * UNIFORM_SLOT_BYTES);
    for (let epoch = 0; epoch < run.epochs; epoch++) {
      let encoder = device.createCommandEncoder({ label: 'train epoch' });
      encoder.clearBuffer(named['epoch_loss'] as GPUBuffer);
      let slot = 0;
      const flush = () => {
        device.queue.writeBuffer(named['step'] as GPUBuffer, 0, slotData, 0, slot * UNIFORM_SLOT_BYTES);
        device.queue.submit([encoder.finish()]);
        encoder = device.createCommandEncoder({ label: 'train epoch' });
        slot = 0;
      };
      for (let s = 0; s < run.maxStepsPerEpoch; s++) {
        if (slot === slots) flush();
        const t = epoch * run.maxStepsPerEpoch + s;
        const words = new Uint32Array(slotData, slot * UNIFORM_SLOT_BYTES, STEP_FIELDS.length);
        const floats = new Float32Array(slotData, slot * UNIFORM_SLOT_BYTES, STEP_FIELDS.length);
        words.set([t, epoch, s, 0, key[0], key[1], 0, 0]);
        floats[STEP_FIELDS.indexOf('lr')] = learningRate(run, t);
        const pass = encoder.beginComputePass({ label: 'train step' });
        steps.forEach((st, i) => {
          const c = compiled.get(st.kernel) as CompiledProgram;
          pass.setPipeline(c.pipeline);
          pass.setBindGroup(0, groups[i] as GPUBindGroup, [slot * UNIFORM_SLOT_BYTES]);
          pass.dispatchWorkgroups(...flatGrid(st.threads, WORKGROUP_SIZE, maxGroups));
        });
        pass.end();
        slot++;
      }
      flush();
      const loss = new Float32Array(await readBuffer(device, named['epoch_loss'] as GPUBuffer, 0, M * 8));
      const perModel = Float64Array.from({ length: M }, (_, m) => (loss[2 * m] as number) / Math.max(loss[2 * m + 1] as number, 1));
      history.push(perModel);
      ctx.assertHealthy();
      perModel.forEach((value, m) => {
        if (Number.isFinite(value) || divergedAt[m] !== null) return;
        divergedAt[m] = epoch + 1;
        if (run.onNonFinite === 'error') throw divergenceError(run, m, epoch + 1, `its loss is ${value}`);
      });
      options.onProgress?.({ epoch: epoch + 1, epochs: run.epochs, loss: perModel, elapsedMs: performance.now() - started, compileMs });
      run.signal?.throwIfAborted();
    }
    const theta = new Float32Array(await readBuffer(device, named['theta'] as GPUBuffer, 0, M * layout.size * 4));
    const error = await closeScope();
    if (error) throw new GpuExecutionError(`WebGPU error during training: ${error.message}`);
    // The last step can overflow θ after the last loss was read.
    run.models.forEach((_, m) => {
      if (divergedAt[m] !== null || theta.subarray(m * layout.size, (m + 1) * layout.size).every(Number.isFinite)) return;
      divergedAt[m] = run.epochs;
      if (run.onNonFinite === 'error') throw divergenceError(run, m, run.epochs, 'its parameters are not finite');
    });
    const models = run.models.map((p, m) =>
      thetaToModel(layout, theta.subarray(m * layout.size, (m + 1) * layout.size), {
        standardization: { xMean: [...p.xMean], xStd: [...p.xStd], yMean: [p.yMean], yStd: [p.yStd] },
        dropout: p.dropout,
        tau: p.tau,
        priorScale: p.priorScale,
      }),
    );
    const thetas = run.models.map((_, m) => Float64Array.from(theta.subarray(m * layout.size, (m + 1) * layout.size)));
    return { models, history, theta: thetas, diverged: divergedAt.map((e) => e !== null), elapsedMs: performance.now() - started };
  } catch (error) {
    // A cancelled run rejects with the signal's reason, as fetch does.
    if (run.signal?.aborted && error === run.signal.reason) throw error;
    return await surfaceGpuFailure(ctx, error, 'training');
  } finally {
    if (scopeOpen) {
      // After a device loss the scope cannot be popped; that is already reported.
      await closeScope().catch(() => undefined);
    }
    buffers.destroyAll();
  }
}

/** Transitional: a training kernel seen through the program contract, for the pipeline cache. */
function asProgram(k: Kernel): Program<never> {
  return {
    name: k.name,
    cacheKey: k.cacheKey,
    source: k.source,
    bindings: k.bindings.map((b) => ({ name: b.name, access: b.kind, type: '' })),
    uniform: null,
    workgroups: () => [1, 1, 1],
  };
}
