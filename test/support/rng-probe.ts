/**
 * Runs the WGSL random library on explicit counters (shaders/probe/rng-probe.wgsl), so tests can
 * compare GPU draws bit for bit (words) and within float tolerance (normals, Gamma, lgamma) with the
 * TypeScript twin. A test-only program, declared through the same contract as the library's.
 */
import { BufferSet, readBuffer } from '../../src/gpu/buffers.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { PipelineCache } from '../../src/gpu/pipelines.js';
import { MATH, RANDOM } from '../../src/kernels/library.js';
import { defineProgram, linearGrid, type Program } from '../../src/kernels/program.js';
import { Recorder } from '../../src/scheduler/recorder.js';
import { defineStruct } from '../../src/kernels/struct.js';

export interface ProbeResult {
  readonly words: Uint32Array;
  readonly normals: Float32Array;
  readonly gamma: Float32Array;
  readonly lgamma: Float32Array;
}

export function rngProbeProgram(): Program<{ count: number }> {
  const out = (name: string, type: string) => ({ name, access: 'read_write' as const, type });
  return defineProgram({
    family: 'rng_probe',
    params: {},
    wgsl: {
      consts: {},
      bindings: [
        { name: 'probe_in', access: 'read', type: 'array<u32>' },
        out('words_out', 'array<u32>'),
        out('normals_out', 'array<f32>'),
        out('gamma_out', 'array<f32>'),
        out('lgamma_out', 'array<f32>'),
      ],
      libraries: [RANDOM, MATH],
      body: ['probe/rng-probe'],
    },
    workgroups: (run) => linearGrid(run.count),
  });
}

const NO_UNIFORM = defineStruct('ProbeNone', [['unused', 'u32']] as const);

/** counters: 4 words per entry; the 4th word also carries an lgamma argument as f32 bits. */
export async function probeRandom(ctx: GpuContext, counters: Uint32Array, key: readonly [number, number], concentration: number): Promise<ProbeResult> {
  const device = ctx.device;
  const count = counters.length / 4;
  const buffers = new BufferSet(device);
  try {
    const program = rngProbeProgram();
    const compiled = await PipelineCache.for(ctx).get(program);
    const input = new Uint32Array(4 + counters.length);
    input[0] = count;
    input[1] = key[0];
    input[2] = key[1];
    new Float32Array(input.buffer, 12, 1)[0] = concentration;
    input.set(counters, 4);
    const named = new Map<string, GPUBuffer>([
      ['probe_in', buffers.upload('probe_in', input)],
      ['words_out', buffers.createStorage('words_out', count * 16)],
      ['normals_out', buffers.createStorage('normals_out', count * 16)],
      ['gamma_out', buffers.createStorage('gamma_out', count * 4)],
      ['lgamma_out', buffers.createStorage('lgamma_out', count * 4)],
    ]);
    const get = (name: string): GPUBuffer => {
      const b = named.get(name);
      if (!b) throw new Error(`no probe buffer ${name}`);
      return b;
    };
    const recorder = new Recorder(ctx, { uniform: NO_UNIFORM, slotsPerSubmit: 1, resolve: get, compiled: () => compiled, label: 'rng probe' });
    try {
      await recorder.begin(NO_UNIFORM.zero);
      recorder.dispatch(program, { count });
      await recorder.flush();
    } finally {
      recorder.destroy();
    }
    const [w, n, g, l] = await Promise.all(['words_out', 'normals_out', 'gamma_out', 'lgamma_out'].map((name) => readBuffer(ctx, get(name), 0, get(name).size)));
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
