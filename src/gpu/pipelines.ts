/**
 * One pipeline cache per device: every engine, training run and quantile pass on a device compiles
 * each program once (by its cache key), and concurrent requests for a key share one in-flight
 * compile. Compilation runs inside a validation scope, so a bad shader is a ShaderCompileError with
 * the compiler's messages rather than a silently invalid pipeline. A hit is found by key alone,
 * without composing the program's source: keys are functions of the source's inputs
 * (src/kernels/program.ts), which test/kernels/programs.test.ts asserts for every program family.
 */
import { ShaderCompileError } from '../errors.js';
import type { Program } from '../kernels/program.js';
import type { GpuContext } from './device.js';
import type { WebGpuBindGroupLayout, WebGpuComputePipeline } from './webgpu-types.js';

export interface CompiledProgram {
  readonly program: Program<never>;
  readonly pipeline: WebGpuComputePipeline;
  readonly layout: WebGpuBindGroupLayout;
}

const perDevice = new WeakMap<object, PipelineCache>();

export class PipelineCache {
  private readonly compiled = new Map<string, Promise<CompiledProgram>>();

  private constructor(private readonly ctx: Pick<GpuContext, 'device' | 'waitFor'>) {}

  /** The cache of the context's device (its compiles wait through the context's waitFor). */
  static for(ctx: Pick<GpuContext, 'device' | 'waitFor'>): PipelineCache {
    let cache = perDevice.get(ctx.device);
    if (!cache) {
      cache = new PipelineCache(ctx);
      perDevice.set(ctx.device, cache);
    }
    return cache;
  }

  get size(): number {
    return this.compiled.size;
  }

  get<Run>(program: Program<Run>): Promise<CompiledProgram> {
    const entry = this.compiled.get(program.cacheKey);
    if (entry) return entry;
    const pipeline = this.compile(program);
    this.compiled.set(program.cacheKey, pipeline);
    // A failed compile is not cached: the next call reports it again.
    pipeline.catch(() => this.compiled.delete(program.cacheKey));
    return pipeline;
  }

  /** Compiles every program of a list (deduplicated), keyed by program. */
  async getAll(programs: readonly Program<never>[]): Promise<Map<Program<never>, CompiledProgram>> {
    const out = new Map<Program<never>, CompiledProgram>();
    await Promise.all(programs.map(async (p) => out.set(p, await this.get(p))));
    return out;
  }

  private async compile(program: Program<never>): Promise<CompiledProgram> {
    const { device, waitFor } = this.ctx;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: program.name, code: program.source });
    const layout = device.createBindGroupLayout({
      label: program.name,
      entries: program.bindings.map((b, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer:
          b.access === 'uniform' ? { type: 'uniform' as const, hasDynamicOffset: true } : { type: b.access === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
      })),
    });
    let pipeline: GPUComputePipeline | null = null;
    let pipelineError: unknown = null;
    try {
      pipeline = await waitFor(
        device.createComputePipelineAsync({
          label: program.name,
          layout: device.createPipelineLayout({ label: program.name, bindGroupLayouts: [layout] }),
          compute: { module, entryPoint: 'main' },
        }),
      );
    } catch (error) {
      pipelineError = error;
    }
    const scopeError = await waitFor(device.popErrorScope());
    if (scopeError || pipelineError || !pipeline) {
      const info = await module.getCompilationInfo();
      const messages = info.messages.filter((m) => m.type === 'error').map((m) => `${program.name}:${m.lineNum}:${m.linePos}: ${m.message}`);
      if (messages.length === 0) messages.push(scopeError?.message ?? String(pipelineError));
      throw new ShaderCompileError(program.name, messages, program.source);
    }
    return { program, pipeline, layout };
  }
}
