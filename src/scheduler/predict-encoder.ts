/**
 * Encoding of one predict call: the scratch buffers it needs, and every chunk's dispatches recorded
 * into command encoders, many chunks per submit (each chunk its own uniform slot, bound with a
 * dynamic offset). N-chunks are the outer loop (x and y uploaded once each), S-chunks the inner one
 * (the reductions merge them on the GPU). No maths here: the kernels of the program do it.
 */
import { WORKGROUP_SIZE } from '../../shaders/kernels/common.js';
import { STAT_NAMES } from '../../shaders/kernels/reduce.wgsl.js';
import { DeviceLimitError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import type { Kernel } from '../gpu/kernel.js';
import type { CompiledKernel } from '../gpu/pipelines.js';
import type { Program } from '../infer/program.js';
import type { ModelLayout } from '../kernels/model-layout.js';
import { UNIFORM_SLOT_BYTES, packChunk } from './chunk-uniforms.js';
import { flatGrid, workgroupsFor } from './grid.js';
import type { ChunkPlan } from './plan.js';
import type { ScratchBuffers } from './scratch.js';
import type { AbortSignalLike, WebGpuDevice } from '../gpu/webgpu-types.js';

/** Buffers bound by name; the kernels' binding names select from these. */
export type PredictBuffer =
  | 'chunk'
  | 'params'
  | 'x'
  | 'y'
  | 'act0'
  | 'act1'
  | 'weights'
  | 'masks'
  | 'scales'
  | 'acc'
  | 'lpd_acc'
  | 'll'
  | 'sample_ll'
  | 'stats'
  | 'f_out'
  | 'scale_out'
  | 'y_out'
  | 'y_all'
  | 'f_all'
  | 'scale_all'
  | 'levels'
  | 'quantiles';

/** One predict call, prepared: standardised inputs, the plan, the program and its pipelines. */
export interface PredictCall {
  readonly x: Float32Array;
  readonly y: Float32Array | null;
  readonly n: number;
  readonly samples: number;
  readonly key: readonly [number, number];
  readonly z: number;
  readonly level: number;
  readonly returnSamples: boolean;
  /** Quantile levels (options.quantiles); empty for none. */
  readonly quantileLevels: readonly number[];
  readonly program: Program;
  readonly compiled: Map<Kernel, CompiledKernel>;
  readonly plan: ChunkPlan;
  /** Checked after every submit; aborting rejects the call with the signal's reason. */
  readonly signal?: AbortSignalLike;
}

/** Makes sure every scratch buffer of the call exists and is big enough (reused across calls). */
export function allocatePredictBuffers(scratch: ScratchBuffers<PredictBuffer>, layout: ModelLayout, call: PredictCall, chunksPerSubmit: number): void {
  const { plan, n, samples, program } = call;
  const D = layout.outputDim;
  const sc = plan.samplesPerChunk;
  const nc = plan.inputsPerChunk;
  const slots = Math.min(chunksPerSubmit, plan.sampleChunks * plan.inputChunks);
  scratch.ensure('chunk', slots * UNIFORM_SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  scratch.ensure('x', nc * layout.inputDimPadded * 4);
  scratch.ensure('act0', sc * nc * layout.maxUnits * 4);
  scratch.ensure('act1', sc * nc * layout.maxUnits * 4);
  scratch.ensure('weights', program.usesMaterializedWeights ? sc * layout.weightsPerSample * 4 : 4);
  scratch.ensure('masks', sc * layout.masksPerSample * 4);
  scratch.ensure('scales', sc * 4);
  scratch.ensure('acc', nc * D * 3 * 4);
  scratch.ensure('stats', (STAT_NAMES.length * n * D + n) * 4);
  if (call.y) {
    scratch.ensure('y', nc * D * 4);
    scratch.ensure('lpd_acc', nc * 2 * 4);
    scratch.ensure('ll', sc * nc * 4);
    scratch.ensure('sample_ll', samples * 4);
  }
  if (program.storesSamples) {
    scratch.ensure('f_out', sc * nc * D * 4);
    scratch.ensure('scale_out', sc * nc * D * 4);
    scratch.ensure('f_all', samples * n * D * 4);
    scratch.ensure('scale_all', samples * n * D * 4);
  }
  if (call.returnSamples) {
    scratch.ensure('y_out', sc * nc * D * 4);
    scratch.ensure('y_all', samples * n * D * 4);
  }
  if (program.quantile) {
    scratch.ensure('levels', call.quantileLevels.length * 4);
    scratch.ensure('quantiles', call.quantileLevels.length * n * D * 4);
  }
}

function bindGroup(device: WebGpuDevice, scratch: ScratchBuffers<PredictBuffer>, compiled: CompiledKernel, names: Readonly<Record<string, PredictBuffer>>): GPUBindGroup {
  return device.createBindGroup({
    label: compiled.kernel.name,
    layout: compiled.layout,
    entries: compiled.kernel.bindings.map((b, binding) => {
      const buffer = scratch.get(names[b.name] ?? (b.name as PredictBuffer));
      return { binding, resource: b.kind === 'uniform' ? { buffer, offset: 0, size: UNIFORM_SLOT_BYTES } : { buffer } };
    }),
  });
}

/**
 * Records and submits every chunk of the call. With a signal, each chunk is submitted alone,
 * waited for and the signal checked before the next (rejecting with its reason): a long call stops
 * within one chunk; without one, many chunks go in a submit and submits are queued back to back.
 */
export async function encodePredict(ctx: GpuContext, scratch: ScratchBuffers<PredictBuffer>, layout: ModelLayout, call: PredictCall, chunksPerSubmit: number, signal?: AbortSignalLike): Promise<void> {
  const device = ctx.device;
  const maxPerDimension = ctx.limits.maxComputeWorkgroupsPerDimension;
  const { plan, program, compiled } = call;
  const D = layout.outputDim;
  const L = layout.layers.length;
  const actName = (l: number): PredictBuffer => (l % 2 === 0 ? 'act0' : 'act1');
  // Bind groups depend only on buffers, so one set serves every chunk of the call.
  const groups = new Map<Kernel, GPUBindGroup>();
  const group = (kernel: Kernel, names: Readonly<Record<string, PredictBuffer>> = {}): GPUBindGroup => {
    let g = groups.get(kernel);
    if (!g) {
      const c = compiled.get(kernel);
      if (!c) throw new Error(`internal: kernel ${kernel.name} not compiled`);
      g = bindGroup(device, scratch, c, names);
      groups.set(kernel, g);
    }
    return g;
  };
  const lastAct = actName(L - 1);
  // With a signal every chunk is its own submit, so an abort lands within one chunk's work (on
  // SwiftShader a submit of 64 large chunks ran for minutes).
  const slotsPerSubmit = signal ? 1 : Math.min(chunksPerSubmit, plan.sampleChunks * plan.inputChunks);
  const slotData = new ArrayBuffer(slotsPerSubmit * UNIFORM_SLOT_BYTES);
  const groupsFor = (items: number) => workgroupsFor(items, WORKGROUP_SIZE);

  for (let ni = 0; ni < plan.inputChunks; ni++) {
    const nOffset = ni * plan.inputsPerChunk;
    const nCount = Math.min(plan.inputsPerChunk, call.n - nOffset);
    const xs = call.x.subarray(nOffset * layout.inputDimPadded, (nOffset + nCount) * layout.inputDimPadded);
    device.queue.writeBuffer(scratch.get('x'), 0, xs.buffer, xs.byteOffset, xs.byteLength);
    if (call.y) {
      const ys = call.y.subarray(nOffset * D, (nOffset + nCount) * D);
      device.queue.writeBuffer(scratch.get('y'), 0, ys.buffer, ys.byteOffset, ys.byteLength);
    }
    let encoder = device.createCommandEncoder({ label: 'predict' });
    let slot = 0;
    const flush = async () => {
      device.queue.writeBuffer(scratch.get('chunk'), 0, slotData, 0, slot * UNIFORM_SLOT_BYTES);
      device.queue.submit([encoder.finish()]);
      encoder = device.createCommandEncoder({ label: 'predict' });
      slot = 0;
      if (signal) {
        await device.queue.onSubmittedWorkDone();
        signal.throwIfAborted();
      }
    };
    for (let si = 0; si < plan.sampleChunks; si++) {
      if (slot === slotsPerSubmit) await flush();
      const sampleOffset = si * plan.samplesPerChunk;
      const sampleCount = Math.min(plan.samplesPerChunk, call.samples - sampleOffset);
      packChunk(slotData, slot, {
        sampleOffset,
        sampleCount,
        nOffset,
        nCount,
        seedLo: call.key[0],
        seedHi: call.key[1],
        samplesBefore: sampleOffset,
        totalSamples: call.samples,
        totalInputs: call.n,
        intervalZ: call.z,
        quantileCount: 0,
      });
      const offset = [slot * UNIFORM_SLOT_BYTES];
      const pass = encoder.beginComputePass({ label: 'predict chunk' });
      const dispatch = (kernel: Kernel, bind: GPUBindGroup, x: number, y = 1) => {
        const c = compiled.get(kernel);
        if (!c) throw new Error(`internal: kernel ${kernel.name} not compiled`);
        if (x > maxPerDimension || y > maxPerDimension) {
          throw new DeviceLimitError(`kernel ${kernel.name} needs a ${x}x${y} grid, beyond maxComputeWorkgroupsPerDimension`);
        }
        pass.setPipeline(c.pipeline);
        pass.setBindGroup(0, bind, offset);
        pass.dispatchWorkgroups(x, y);
      };
      const dispatchFlat = (kernel: Kernel, bind: GPUBindGroup, threads: number) => dispatch(kernel, bind, ...flatGrid(threads, WORKGROUP_SIZE, maxPerDimension));
      program.layers.forEach((lk, l) => {
        const layer = layout.layers[l];
        if (layer && lk.masks) dispatchFlat(lk.masks, group(lk.masks), sampleCount * Math.ceil(layer.inputs / 4));
      });
      if (program.noise) dispatch(program.noise, group(program.noise), groupsFor(sampleCount));
      program.layers.forEach((lk, l) => {
        const layer = layout.layers[l];
        if (!layer) return;
        const io = { layer_in: l === 0 ? ('x' as const) : actName(l - 1), layer_out: actName(l) };
        if (lk.sampleWeights) dispatchFlat(lk.sampleWeights, group(lk.sampleWeights), sampleCount * Math.ceil(layer.paramCount / 4));
        const bind = group(lk.dense, io);
        if (lk.strategy === 'fused') dispatch(lk.dense, bind, Math.ceil(nCount / lk.inputsPerWorkgroup), sampleCount);
        else if (lk.strategy === 'registers' || lk.strategy === 'materialized') dispatchFlat(lk.dense, bind, sampleCount * Math.ceil(nCount / lk.inputsPerThread));
        else dispatchFlat(lk.dense, bind, sampleCount * nCount);
      });
      const outNames = { act: lastAct };
      dispatch(program.moments, group(program.moments, outNames), groupsFor(nCount * D));
      if (program.loglik && program.lpd && program.sampleLoglik) {
        dispatchFlat(program.loglik, group(program.loglik, outNames), sampleCount * nCount);
        dispatch(program.lpd, group(program.lpd), groupsFor(nCount));
        dispatch(program.sampleLoglik, group(program.sampleLoglik), groupsFor(sampleCount));
      }
      if (si === plan.sampleChunks - 1) dispatch(program.finalize, group(program.finalize), groupsFor(nCount * D));
      pass.end();
      if (program.storesSamples) copySamples(encoder, scratch, { sampleOffset, sampleCount, nOffset, nCount, n: call.n, D, observations: call.returnSamples });
      slot++;
    }
    await flush();
  }
  if (program.quantile) await encodeQuantiles(ctx, scratch, call, D, group(program.quantile), slotData);
}

/** The quantile kernel over every (n, d), once all samples are stored: one more submit. */
async function encodeQuantiles(ctx: GpuContext, scratch: ScratchBuffers<PredictBuffer>, call: PredictCall, D: number, bind: GPUBindGroup, slotData: ArrayBuffer): Promise<void> {
  const device = ctx.device;
  const kernel = call.program.quantile;
  const compiled = kernel ? call.compiled.get(kernel) : undefined;
  if (!compiled) throw new Error('internal: quantile kernel not compiled');
  const levels = Float32Array.from(call.quantileLevels);
  device.queue.writeBuffer(scratch.get('levels'), 0, levels.buffer, levels.byteOffset, levels.byteLength);
  packChunk(slotData, 0, {
    sampleOffset: 0,
    sampleCount: call.samples,
    nOffset: 0,
    nCount: call.n,
    seedLo: call.key[0],
    seedHi: call.key[1],
    samplesBefore: 0,
    totalSamples: call.samples,
    totalInputs: call.n,
    intervalZ: call.z,
    quantileCount: call.quantileLevels.length,
  });
  device.queue.writeBuffer(scratch.get('chunk'), 0, slotData, 0, UNIFORM_SLOT_BYTES);
  const encoder = device.createCommandEncoder({ label: 'quantiles' });
  const pass = encoder.beginComputePass({ label: 'quantiles' });
  pass.setPipeline(compiled.pipeline);
  pass.setBindGroup(0, bind, [0]);
  const groups = workgroupsFor(call.n * D, WORKGROUP_SIZE);
  if (groups > ctx.limits.maxComputeWorkgroupsPerDimension) {
    throw new DeviceLimitError(`quantiles for N x D = ${call.n * D} outputs need ${groups} workgroups, beyond maxComputeWorkgroupsPerDimension; split x`);
  }
  pass.dispatchWorkgroups(groups);
  pass.end();
  device.queue.submit([encoder.finish()]);
  if (call.signal) {
    await device.queue.onSubmittedWorkDone();
    call.signal.throwIfAborted();
  }
}

/** Copies a chunk's per-sample f and scale ([sampleCount, nCount, D]) into the [S, N, D] result buffers. */
function copySamples(
  encoder: GPUCommandEncoder,
  scratch: ScratchBuffers<PredictBuffer>,
  c: { sampleOffset: number; sampleCount: number; nOffset: number; nCount: number; n: number; D: number; observations: boolean },
): void {
  const row = c.nCount * c.D * 4;
  const pairs: (readonly [PredictBuffer, PredictBuffer])[] = [['f_out', 'f_all'], ['scale_out', 'scale_all'], ...(c.observations ? [['y_out', 'y_all'] as const] : [])];
  for (const [from, to] of pairs) {
    if (c.nCount === c.n) {
      encoder.copyBufferToBuffer(scratch.get(from), 0, scratch.get(to), c.sampleOffset * c.n * c.D * 4, c.sampleCount * row);
      continue;
    }
    for (let s = 0; s < c.sampleCount; s++) {
      encoder.copyBufferToBuffer(scratch.get(from), s * row, scratch.get(to), ((c.sampleOffset + s) * c.n + c.nOffset) * c.D * 4, row);
    }
  }
}
