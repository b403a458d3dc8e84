/**
 * Runs the WGSL random library on explicit counters, so tests can compare GPU draws bit for bit
 * (words) and within float tolerance (normals, Gamma, lgamma) with the TypeScript twin.
 */
import { rngProbeKernel } from '../../shaders/kernels/rng-probe.wgsl.js';
import { BufferSet, readBuffer } from './buffers.js';
import type { GpuContext } from './device.js';
import { PipelineCache } from './pipelines.js';

export interface ProbeResult {
  readonly words: Uint32Array;
  readonly normals: Float32Array;
  readonly gamma: Float32Array;
  readonly lgamma: Float32Array;
}

/** counters: 4 words per entry; the 4th word also carries an lgamma argument as f32 bits. */
export async function probeRandom(ctx: GpuContext, counters: Uint32Array, key: readonly [number, number], concentration: number): Promise<ProbeResult> {
  const device = ctx.device;
  const count = counters.length / 4;
  const buffers = new BufferSet(device);
  try {
    const compiled = await PipelineCache.for(device).get(rngProbeKernel());
    const input = new Uint32Array(4 + counters.length);
    input[0] = count;
    input[1] = key[0];
    input[2] = key[1];
    new Float32Array(input.buffer, 12, 1)[0] = concentration;
    input.set(counters, 4);
    const inBuf = buffers.upload('probe_in', input);
    const outs = [count * 16, count * 16, count * 4, count * 4].map((bytes, i) => buffers.createStorage(`probe_out${i}`, bytes));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: compiled.layout, entries: [inBuf, ...outs].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
    pass.dispatchWorkgroups(Math.ceil(count / 64));
    pass.end();
    device.queue.submit([encoder.finish()]);
    const [w, n, g, l] = await Promise.all(outs.map((b) => readBuffer(device, b, 0, b.size)));
    return {
      words: new Uint32Array(w as ArrayBuffer, 0, count * 4),
      normals: new Float32Array(n as ArrayBuffer, 0, count * 4),
      gamma: new Float32Array(g as ArrayBuffer, 0, count),
      lgamma: new Float32Array(l as ArrayBuffer, 0, count),
    };
  } finally {
    buffers.destroyAll();
  }
}
