/**
 * Pipelines are compiled once per cache key and reused; concurrent requests for the same key share
 * one in-flight compile. Compilation runs inside a validation scope so a bad shader becomes a
 * ShaderCompileError carrying the compiler's messages rather than a silent invalid pipeline.
 */
import { ShaderCompileError } from '../errors.js';
import type { Kernel } from './kernel.js';
import type { WebGpuBindGroupLayout, WebGpuComputePipeline, WebGpuDevice } from './webgpu-types.js';

export interface CompiledKernel {
  readonly kernel: Kernel;
  readonly pipeline: WebGpuComputePipeline;
  readonly layout: WebGpuBindGroupLayout;
}

const perDevice = new WeakMap<WebGpuDevice, PipelineCache>();

export class PipelineCache {
  private readonly compiled = new Map<string, Promise<CompiledKernel>>();

  constructor(private readonly device: WebGpuDevice) {}

  /** The device's shared cache: engines and training runs on one device compile each kernel once. */
  static for(device: WebGpuDevice): PipelineCache {
    let cache = perDevice.get(device);
    if (!cache) {
      cache = new PipelineCache(device);
      perDevice.set(device, cache);
    }
    return cache;
  }

  get size(): number {
    return this.compiled.size;
  }

  get(kernel: Kernel): Promise<CompiledKernel> {
    let entry = this.compiled.get(kernel.cacheKey);
    if (!entry) {
      entry = this.compile(kernel);
      this.compiled.set(kernel.cacheKey, entry);
      // A failed compile is not cached: the next call reports it again.
      entry.catch(() => this.compiled.delete(kernel.cacheKey));
    }
    return entry;
  }

  private async compile(kernel: Kernel): Promise<CompiledKernel> {
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: kernel.name, code: kernel.source });
    const layout = device.createBindGroupLayout({
      label: kernel.name,
      entries: kernel.bindings.map((b, binding) => ({
        binding,
        visibility: GPUShaderStage.COMPUTE,
        buffer:
          b.kind === 'uniform'
            ? { type: 'uniform' as const, hasDynamicOffset: true }
            : { type: b.kind === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
      })),
    });
    let pipeline: WebGpuComputePipeline | null = null;
    let pipelineError: unknown = null;
    try {
      pipeline = await device.createComputePipelineAsync({
        label: kernel.name,
        layout: device.createPipelineLayout({ label: kernel.name, bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
      });
    } catch (error) {
      pipelineError = error;
    }
    const scopeError = await device.popErrorScope();
    if (scopeError || pipelineError || !pipeline) {
      const info = await module.getCompilationInfo();
      const messages = info.messages
        .filter((m) => m.type === 'error')
        .map((m) => `${kernel.name}:${m.lineNum}:${m.linePos}: ${m.message}`);
      if (messages.length === 0) messages.push(scopeError?.message ?? String(pipelineError));
      throw new ShaderCompileError(kernel.name, messages, kernel.source);
    }
    return { kernel, pipeline, layout };
  }
}
