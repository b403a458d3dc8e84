/**
 * Recording one predict call: the scratch buffers it needs, then every chunk's programs through
 * the recorder (src/scheduler/recorder.ts), one uniform slot per chunk. N-chunks are the outer
 * loop (x and y uploaded once each, after the previous chunk's work is submitted), S-chunks the
 * inner one (the reductions merge them on the GPU). No maths here: the programs do it.
 */
import { CHUNK, type ChunkField } from '../kernels/infer/chunk.js';
import type { CompiledProgram } from '../gpu/pipelines.js';
import type { GpuContext } from '../gpu/device.js';
import type { AbortSignalLike } from '../platform-types.js';
import type { Program } from '../kernels/program.js';
import type { ModelLayout } from '../model/gpu-layout.js';
import { Recorder } from '../scheduler/recorder.js';
import type { ChunkPlan } from '../scheduler/plan.js';
import type { ScratchBuffers } from '../scheduler/scratch.js';
import type { PredictProgram } from './predict-program.js';
import { statisticsFloats } from './statistics.js';
import type { SamplingPath } from './types.js';

/** Buffers bound by name; the programs' binding names select from these. */
export type PredictBuffer =
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
  | 'f_all'
  | 'scale_all'
  | 'y_all'
  | 'levels'
  | 'quantiles';

/** One predict call, prepared: standardised inputs, the plan, the programs and their pipelines. */
export interface PredictCall {
  readonly x: Float32Array;
  readonly y: Float32Array | null;
  readonly n: number;
  readonly samples: number;
  readonly path: SamplingPath;
  readonly key: readonly [number, number];
  readonly z: number;
  readonly level: number;
  readonly returnSamples: boolean;
  /** Quantile levels (options.quantiles); empty for none. */
  readonly quantileLevels: readonly number[];
  readonly program: PredictProgram;
  readonly compiled: ReadonlyMap<Program<never>, CompiledProgram>;
  readonly plan: ChunkPlan;
  /** Checked after every submit; aborting rejects the call with the signal's reason. */
  readonly signal?: AbortSignalLike;
}

/** Makes sure every scratch buffer of the call exists and is big enough (reused across calls). */
export function allocatePredictBuffers(scratch: ScratchBuffers<PredictBuffer>, layout: ModelLayout, call: PredictCall): void {
  const { plan, n, samples, program } = call;
  const D = layout.outputDim;
  const sc = plan.samplesPerChunk;
  const nc = plan.inputsPerChunk;
  scratch.ensure('x', nc * layout.inputDimPadded * 4);
  scratch.ensure('act0', sc * nc * layout.maxUnits * 4);
  scratch.ensure('act1', sc * nc * layout.maxUnits * 4);
  scratch.ensure('weights', program.usesMaterializedWeights ? sc * layout.weightsPerSample * 4 : 4);
  scratch.ensure('masks', sc * layout.masksPerSample * 4);
  scratch.ensure('scales', sc * 4);
  // Accumulators per (n, d): 3 floats for a noise model's moments, 4 for a classifier's (class-moments.wgsl).
  scratch.ensure('acc', nc * D * (program.classifier ? 4 : 3) * 4);
  scratch.ensure('stats', statisticsFloats(n, D, program.classifier) * 4);
  if (call.y) {
    scratch.ensure('y', nc * layout.targetDim * 4);
    scratch.ensure('lpd_acc', nc * 2 * 4);
    scratch.ensure('ll', sc * nc * 4);
    scratch.ensure('sample_ll', samples * 4);
  }
  if (program.storesSamples) {
    scratch.ensure('f_out', sc * nc * D * 4);
    scratch.ensure('f_all', samples * n * D * 4);
  }
  if (program.storesSamples && program.observationScale) {
    scratch.ensure('scale_out', sc * nc * D * 4);
    scratch.ensure('scale_all', samples * n * D * 4);
  }
  if (call.returnSamples) {
    // A categorical model draws one class per input (targetDim 1), the others one y per output.
    scratch.ensure('y_out', sc * nc * layout.targetDim * 4);
    scratch.ensure('y_all', samples * n * layout.targetDim * 4);
  }
  if (program.quantile) {
    scratch.ensure('levels', call.quantileLevels.length * 4);
    scratch.ensure('quantiles', call.quantileLevels.length * n * D * 4);
  }
}

/**
 * A recorder for the call: one slot per chunk, many chunks per submit, or one with a signal so an
 * abort lands within one chunk (on SwiftShader a submit of 64 large chunks ran for minutes).
 */
export function predictRecorder(ctx: GpuContext, scratch: ScratchBuffers<PredictBuffer>, call: PredictCall, chunksPerSubmit: number): Recorder<ChunkField> {
  const chunks = call.plan.sampleChunks * call.plan.inputChunks;
  return new Recorder(ctx, {
    uniform: CHUNK,
    slotsPerSubmit: call.signal ? 1 : Math.max(1, Math.min(chunksPerSubmit, chunks)),
    resolve: (name) => scratch.get(name as PredictBuffer),
    compiled: call.compiled,
    signal: call.signal,
    label: 'predict',
  });
}

/** Records and submits every chunk of the call, then the quantile pass. */
export async function encodePredict(
  ctx: GpuContext,
  scratch: ScratchBuffers<PredictBuffer>,
  layout: ModelLayout,
  call: PredictCall,
  recorder: Recorder<ChunkField>,
): Promise<void> {
  const device = ctx.device;
  const { plan, program } = call;
  const D = layout.outputDim;
  const L = layout.layers.length;
  const actName = (l: number): PredictBuffer => (l % 2 === 0 ? 'act0' : 'act1');
  const lastAct = actName(L - 1);

  for (let ni = 0; ni < plan.inputChunks; ni++) {
    const nOffset = ni * plan.inputsPerChunk;
    const nCount = Math.min(plan.inputsPerChunk, call.n - nOffset);
    const xs = call.x.subarray(nOffset * layout.inputDimPadded, (nOffset + nCount) * layout.inputDimPadded);
    device.queue.writeBuffer(scratch.get('x'), 0, xs.buffer, xs.byteOffset, xs.byteLength);
    if (call.y) {
      const ys = call.y.subarray(nOffset * layout.targetDim, (nOffset + nCount) * layout.targetDim);
      device.queue.writeBuffer(scratch.get('y'), 0, ys.buffer, ys.byteOffset, ys.byteLength);
    }
    for (let si = 0; si < plan.sampleChunks; si++) {
      const sampleOffset = si * plan.samplesPerChunk;
      const sampleCount = Math.min(plan.samplesPerChunk, call.samples - sampleOffset);
      await recorder.begin({
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
      const run = { sampleCount, nCount };
      for (const lk of program.layers) if (lk.masks) recorder.dispatch(lk.masks, run);
      if (program.noise) recorder.dispatch(program.noise, run);
      program.layers.forEach((lk, l) => {
        if (lk.sampleWeights) recorder.dispatch(lk.sampleWeights, run);
        if (lk.dense) recorder.dispatch(lk.dense, run, { layer_in: l === 0 ? 'x' : actName(l - 1), layer_out: actName(l) });
      });
      if (program.network) recorder.dispatch(program.network, run, { layer_in: 'x', layer_out: lastAct });
      recorder.dispatch(program.moments, run, { act: lastAct });
      if (program.loglik && program.lpd && program.sampleLoglik) {
        recorder.dispatch(program.loglik, run, { act: lastAct });
        recorder.dispatch(program.lpd, run);
        recorder.dispatch(program.sampleLoglik, run);
      }
      if (si === plan.sampleChunks - 1) recorder.dispatch(program.finalize, run);
      if (program.storesSamples)
        copySamples(recorder, scratch, {
          sampleOffset,
          sampleCount,
          nOffset,
          nCount,
          n: call.n,
          D,
          scales: program.observationScale,
          observations: call.returnSamples,
          yWidth: layout.targetDim,
        });
    }
    // x and y of the next input chunk overwrite this one's: its work must be submitted first.
    await recorder.flush();
  }
  if (program.quantile) {
    const levels = Float32Array.from(call.quantileLevels);
    device.queue.writeBuffer(scratch.get('levels'), 0, levels.buffer, levels.byteOffset, levels.byteLength);
    await recorder.begin({
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
    recorder.dispatch(program.quantile, { n: call.n });
    await recorder.flush();
  }
}

/** Copies a chunk's per-sample f, scale (not a classifier's) and y draws (returnSamples) ([sampleCount, nCount, D]) into the [S, N, D] result buffers. */
function copySamples(
  recorder: Recorder<ChunkField>,
  scratch: ScratchBuffers<PredictBuffer>,
  c: { sampleOffset: number; sampleCount: number; nOffset: number; nCount: number; n: number; D: number; scales: boolean; observations: boolean; yWidth: number },
): void {
  const pairs: (readonly [PredictBuffer, PredictBuffer, number])[] = [
    ['f_out', 'f_all', c.D],
    ...(c.scales ? [['scale_out', 'scale_all', c.D] as const] : []),
    ...(c.observations ? [['y_out', 'y_all', c.yWidth] as const] : []),
  ];
  for (const [from, to, width] of pairs) {
    const row = c.nCount * width * 4;
    if (c.nCount === c.n) {
      recorder.copy(scratch.get(from), 0, scratch.get(to), c.sampleOffset * c.n * width * 4, c.sampleCount * row);
      continue;
    }
    for (let s = 0; s < c.sampleCount; s++) {
      recorder.copy(scratch.get(from), s * row, scratch.get(to), ((c.sampleOffset + s) * c.n + c.nOffset) * width * 4, row);
    }
  }
}
