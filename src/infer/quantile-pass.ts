/**
 * Exact predictive quantiles from per-sample f and scale held on the host (an ensemble's members'
 * samples, concatenated): uploaded once and bisected on the GPU by the same kernel a single
 * model's engine runs over its stored samples (shaders/kernels/quantile.wgsl.ts).
 */
import { WORKGROUP_SIZE } from '../../shaders/kernels/common.js';
import { quantileKernel } from '../../shaders/kernels/quantile.wgsl.js';
import { DeviceLimitError } from '../errors.js';
import { BufferSet, readBuffer } from '../gpu/buffers.js';
import type { GpuContext } from '../gpu/device.js';
import { PipelineCache } from '../gpu/pipelines.js';
import type { AbortSignalLike } from '../gpu/webgpu-types.js';
import { UNIFORM_SLOT_BYTES, packChunk } from '../scheduler/chunk-uniforms.js';
import { workgroupsFor } from '../scheduler/grid.js';

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
  const device = ctx.device;
  const bytes = r.samples * r.n * r.outputDim * 4;
  if (bytes > ctx.limits.maxStorageBufferBindingSize) {
    throw new DeviceLimitError(`quantiles for S=${r.samples}, N=${r.n} need ${bytes} bytes of samples bound at once, beyond this device's maxStorageBufferBindingSize (${ctx.limits.maxStorageBufferBindingSize}); ask for fewer samples or split x`);
  }
  const groups = workgroupsFor(r.n * r.outputDim, WORKGROUP_SIZE);
  if (groups > ctx.limits.maxComputeWorkgroupsPerDimension) {
    throw new DeviceLimitError(`quantiles for N x D = ${r.n * r.outputDim} outputs need ${groups} workgroups, beyond maxComputeWorkgroupsPerDimension; split x`);
  }
  const compiled = await PipelineCache.for(device).get(quantileKernel(r.outputDim));
  const buffers = new BufferSet(device);
  try {
    const slot = new ArrayBuffer(UNIFORM_SLOT_BYTES);
    packChunk(slot, 0, { sampleOffset: 0, sampleCount: r.samples, nOffset: 0, nCount: r.n, seedLo: 0, seedHi: 0, samplesBefore: 0, totalSamples: r.samples, totalInputs: r.n, intervalZ: 0, quantileCount: r.levels.length });
    const chunk = buffers.create('quantile chunk', UNIFORM_SLOT_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(chunk, 0, slot);
    const named: Record<string, GPUBuffer> = {
      f_all: buffers.upload('f_all', r.f),
      scale_all: buffers.upload('scale_all', r.scale),
      levels: buffers.upload('levels', Float32Array.from(r.levels)),
      quantiles: buffers.createStorage('quantiles', r.levels.length * r.n * r.outputDim * 4),
    };
    const bind = device.createBindGroup({
      label: 'quantile',
      layout: compiled.layout,
      entries: compiled.kernel.bindings.map((b, binding) =>
        b.kind === 'uniform' ? { binding, resource: { buffer: chunk, offset: 0, size: UNIFORM_SLOT_BYTES } } : { binding, resource: { buffer: named[b.name] as GPUBuffer } },
      ),
    });
    const encoder = device.createCommandEncoder({ label: 'quantiles' });
    const pass = encoder.beginComputePass({ label: 'quantiles' });
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bind, [0]);
    pass.dispatchWorkgroups(groups);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const out = new Float32Array(await readBuffer(device, named['quantiles'] as GPUBuffer, 0, r.levels.length * r.n * r.outputDim * 4));
    r.signal?.throwIfAborted();
    return out;
  } finally {
    buffers.destroyAll();
  }
}
