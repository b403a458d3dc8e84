/**
 * Runs the WGSL likelihood library on explicit inputs (shaders/probe/likelihood-probe.wgsl, whose
 * header lists the modes and their 8 inputs and outputs), so tests can compare every f32 function
 * with its float64 twin in src/math/likelihoods.ts at the same points. A test-only program,
 * declared through the same contract as the library's.
 */
import { BufferSet, readBuffer } from '../../src/gpu/buffers.js';
import type { GpuContext } from '../../src/gpu/device.js';
import { PipelineCache } from '../../src/gpu/pipelines.js';
import { LIKELIHOOD, MATH, OBSERVATION_DRAWS, likelihoodClasses } from '../../src/kernels/library.js';
import { defineProgram, linearGrid, type Program } from '../../src/kernels/program.js';
import { defineStruct } from '../../src/kernels/struct.js';
import { Recorder } from '../../src/scheduler/recorder.js';

export const PROBE_MODES = { bernoulli: 0, beta: 1, studentT: 2, categorical: 3, dirichlet: 4, special: 5, draws: 6, classDraws: 7 } as const;
export type ProbeMode = keyof typeof PROBE_MODES;
/** Inputs and outputs per entry. */
export const PROBE_WIDTH = 8;
/** The probe's K for the class functions. */
export const PROBE_CLASSES = 3;

export interface ProbeEntry {
  readonly mode: ProbeMode;
  /** Up to 8 inputs, in the mode's order. */
  readonly inputs: readonly number[];
}

export function likelihoodProbeProgram(): Program<{ count: number }> {
  return defineProgram({
    family: 'likelihood_probe',
    params: {},
    wgsl: {
      consts: {},
      bindings: [
        { name: 'probe_in', access: 'read', type: 'array<f32>' },
        { name: 'probe_mode', access: 'read', type: 'array<u32>' },
        { name: 'probe_out', access: 'read_write', type: 'array<f32>' },
      ],
      libraries: [MATH, LIKELIHOOD, likelihoodClasses(PROBE_CLASSES), OBSERVATION_DRAWS],
      body: ['probe/likelihood-probe'],
    },
    workgroups: (run) => linearGrid(run.count),
  });
}

const NO_UNIFORM = defineStruct('ProbeNone', [['unused', 'u32']] as const);

/** The 8 outputs of every entry, in order (entry i at [8i, 8i + 8)), as float32 values; key is the Philox key of the draws. */
export async function probeLikelihoods(ctx: GpuContext, entries: readonly ProbeEntry[], key: readonly [number, number] = [0, 0]): Promise<Float32Array> {
  const device = ctx.device;
  const count = entries.length;
  const buffers = new BufferSet(device);
  try {
    const program = likelihoodProbeProgram();
    const compiled = await PipelineCache.for(ctx).get(program);
    const inputs = new Float32Array(count * PROBE_WIDTH);
    const modes = new Uint32Array(count + 3);
    modes.set([count, key[0], key[1]]);
    entries.forEach((e, i) => {
      modes[i + 3] = PROBE_MODES[e.mode];
      inputs.set(e.inputs.slice(0, PROBE_WIDTH), i * PROBE_WIDTH);
    });
    const named = new Map<string, GPUBuffer>([
      ['probe_in', buffers.upload('probe_in', inputs)],
      ['probe_mode', buffers.upload('probe_mode', modes)],
      ['probe_out', buffers.createStorage('probe_out', count * PROBE_WIDTH * 4)],
    ]);
    const get = (name: string): GPUBuffer => {
      const b = named.get(name);
      if (!b) throw new Error(`no probe buffer ${name}`);
      return b;
    };
    const recorder = new Recorder(ctx, { uniform: NO_UNIFORM, slotsPerSubmit: 1, resolve: get, compiled: () => compiled, label: 'likelihood probe' });
    try {
      await recorder.begin(NO_UNIFORM.zero);
      recorder.dispatch(program, { count });
      await recorder.flush();
    } finally {
      recorder.destroy();
    }
    const out = await readBuffer(ctx, get('probe_out'), 0, count * PROBE_WIDTH * 4);
    return new Float32Array(out, 0, count * PROBE_WIDTH);
  } finally {
    buffers.destroyAll();
  }
}
