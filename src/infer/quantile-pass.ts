/**
 * Exact predictive quantiles from per-sample f and scale held on the host (an ensemble's members'
 * samples, concatenated): uploaded once and bisected on the GPU by the program a single model's
 * predict runs over its stored samples (src/kernels/infer/reduce.ts quantileProgram).
 */
import { DeviceLimitError } from '../errors.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import { withErrorScopes } from '../gpu/failure.js';
import { PipelineCache } from '../gpu/pipelines.js';
import type { WebGpuBuffer } from '../gpu/webgpu-types.js';
import type { AbortSignalLike } from '../platform-types.js';
import { CHUNK } from '../kernels/infer/chunk.js';
import { quantileProgram } from '../kernels/infer/reduce.js';
import { Recorder } from '../scheduler/recorder.js';

export interface QuantileRequest {
  /** [S, N, D] row-major. */
  readonly f: Float32Array;
  readonly scale: Float32Array;
  readonly samples: number;
  readonly n: number;
  readonly outputDim: number;
  readonly levels: readonly number[];
  readonly signal: AbortSignalLike | undefined;
}

/** The quantiles, [Q, N, D]. Buffers are destroyed whatever happens. */
export async function runQuantiles(ctx: GpuContext, r: QuantileRequest): Promise<Float32Array> {
  const bytes = r.samples * r.n * r.outputDim * 4;
  if (bytes > ctx.limits.maxStorageBufferBindingSize) {
    throw new DeviceLimitError(
      `quantiles for S=${r.samples}, N=${r.n} need ${bytes} bytes of samples bound at once, beyond this device's maxStorageBufferBindingSize (${ctx.limits.maxStorageBufferBindingSize}); ask for fewer samples or split x`,
    );
  }
  const program = quantileProgram(r.outputDim);
  const compiled = await PipelineCache.for(ctx).get(program);
  const buffers = new BufferSet(ctx.device);
  try {
    const quantileFloats = r.levels.length * r.n * r.outputDim;
    const named = new Map<string, WebGpuBuffer>([
      ['f_all', buffers.upload('f_all', r.f)],
      ['scale_all', buffers.upload('scale_all', r.scale)],
      ['levels', buffers.upload('levels', Float32Array.from(r.levels))],
      ['quantiles', buffers.createStorage('quantiles', quantileFloats * 4)],
    ]);
    const buffer = (name: string): WebGpuBuffer => {
      const b = named.get(name);
      if (!b) throw new Error(`internal: the quantile pass has no buffer '${name}'`);
      return b;
    };
    return await withErrorScopes(ctx, 'quantiles', r.signal, async () => {
      const recorder = new Recorder(ctx, { uniform: CHUNK, slotsPerSubmit: 1, resolve: buffer, compiled: () => compiled, signal: r.signal, label: 'quantiles' });
      try {
        await recorder.begin({ ...CHUNK.zero, sampleCount: r.samples, nCount: r.n, totalSamples: r.samples, totalInputs: r.n, quantileCount: r.levels.length });
        recorder.dispatch(program, { n: r.n });
        await recorder.flush();
      } finally {
        recorder.destroy();
      }
      return new Float32Array(await readBuffer(ctx, buffer('quantiles'), 0, quantileFloats * 4));
    });
  } finally {
    buffers.destroyAll();
  }
}
