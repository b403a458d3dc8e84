/**
 * The one recorder of GPU work, shared by predict, score and train. Work comes in slots: a slot
 * is one value of the programs' uniform struct (a chunk of samples and inputs, a training step),
 * bound with a dynamic offset, followed by the dispatches and copies that read it. Slots are
 * batched: up to `slotsPerSubmit` go into one command encoder, the uniform values are written
 * once, and one submit sends them; a new slot past the batch, or a read-back, flushes first.
 * With a signal, every flush waits for the GPU and checks it, so a cancelled call stops within one
 * batch (callers pass 1 slot per submit then).
 *
 * Bind groups are made once per (program, name mapping): a recorder's buffers do not change
 * during its run. No maths here: the programs do it.
 */
import { DeviceLimitError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import type { CompiledProgram } from '../gpu/pipelines.js';
import type { WebGpuBuffer } from '../gpu/webgpu-types.js';
import type { AbortSignalLike } from '../platform-types.js';
import type { Program } from '../kernels/program.js';
import type { StructLayout } from '../kernels/struct.js';

/** minUniformBufferOffsetAlignment is at most 256 on every adapter. */
export const UNIFORM_SLOT_BYTES = 256;

export interface RecorderOptions<F extends string> {
  readonly uniform: StructLayout<F>;
  readonly slotsPerSubmit: number;
  /** The buffer bound to each binding name (after a dispatch's renaming). */
  readonly resolve: (name: string) => WebGpuBuffer;
  readonly compiled: ReadonlyMap<Program<never>, CompiledProgram> | ((program: Program<never>) => CompiledProgram);
  readonly signal?: AbortSignalLike | undefined;
  readonly label: string;
}

export class Recorder<F extends string> {
  private readonly ctx: GpuContext;
  private readonly options: RecorderOptions<F>;
  private readonly uniformBuffer: WebGpuBuffer;
  private readonly slotData: ArrayBuffer;
  private readonly groups = new Map<string, GPUBindGroup>();
  private encoder: GPUCommandEncoder;
  private pass: GPUComputePassEncoder | null = null;
  private slot = -1;
  private destroyed = false;

  constructor(ctx: GpuContext, options: RecorderOptions<F>) {
    this.ctx = ctx;
    this.options = options;
    const slots = Math.max(1, options.slotsPerSubmit);
    this.uniformBuffer = ctx.device.createBuffer({ label: `${options.label} uniforms`, size: slots * UNIFORM_SLOT_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.slotData = new ArrayBuffer(slots * UNIFORM_SLOT_BYTES);
    this.encoder = ctx.device.createCommandEncoder({ label: options.label });
  }

  /** Starts a slot with these uniform values (flushing first when the batch is full). */
  async begin(values: Readonly<Record<F, number>>): Promise<void> {
    if (this.slot + 1 >= Math.max(1, this.options.slotsPerSubmit)) await this.flush();
    this.endPass();
    this.slot++;
    this.options.uniform.pack(this.slotData, values, 0, this.slot * UNIFORM_SLOT_BYTES);
  }

  /** Records a run of `program` in the current slot; `names` binds a binding name to another buffer name. */
  dispatch<Run>(program: Program<Run>, run: Run, names: Readonly<Record<string, string>> = {}): void {
    if (this.slot < 0) throw new Error('internal: dispatch before begin');
    const compiled = this.compiledFor(program);
    const max = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    const [x, y, z] = program.workgroups(run, max);
    if (x > max || y > max || z > max)
      throw new DeviceLimitError(`kernel ${program.name} needs a ${x}x${y}x${z} grid, beyond this device's maxComputeWorkgroupsPerDimension (${max})`);
    this.pass ??= this.encoder.beginComputePass({ label: this.options.label });
    this.pass.setPipeline(compiled.pipeline);
    this.pass.setBindGroup(0, this.bindGroup(program, compiled, names), program.uniform ? [this.slot * UNIFORM_SLOT_BYTES] : []);
    this.pass.dispatchWorkgroups(x, y, z);
  }

  /** Records a buffer copy after the slot's dispatches so far. */
  copy(from: WebGpuBuffer, fromOffset: number, to: WebGpuBuffer, toOffset: number, bytes: number): void {
    this.endPass();
    this.encoder.copyBufferToBuffer(from, fromOffset, to, toOffset, bytes);
  }

  /** Records zeroing a buffer. */
  clear(buffer: WebGpuBuffer): void {
    this.endPass();
    this.encoder.clearBuffer(buffer);
  }

  /** Submits what is recorded (with its slots' uniforms); with a signal, waits for it and checks the signal. */
  async flush(): Promise<void> {
    this.endPass();
    const device = this.ctx.device;
    if (this.slot >= 0) device.queue.writeBuffer(this.uniformBuffer, 0, this.slotData, 0, (this.slot + 1) * UNIFORM_SLOT_BYTES);
    device.queue.submit([this.encoder.finish()]);
    this.encoder = device.createCommandEncoder({ label: this.options.label });
    this.slot = -1;
    const signal = this.options.signal;
    if (signal) {
      await this.ctx.waitFor(device.queue.onSubmittedWorkDone());
      signal.throwIfAborted();
    }
  }

  /** Frees the uniform buffer. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.uniformBuffer.destroy();
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private compiledFor(program: Program<never>): CompiledProgram {
    const c = this.options.compiled;
    const compiled = typeof c === 'function' ? c(program) : c.get(program);
    if (!compiled) throw new Error(`internal: program ${program.name} not compiled`);
    return compiled;
  }

  private bindGroup(program: Program<never>, compiled: CompiledProgram, names: Readonly<Record<string, string>>): GPUBindGroup {
    const key = `${program.cacheKey}|${Object.entries(names).sort().join(';')}`;
    let group = this.groups.get(key);
    if (!group) {
      group = this.ctx.device.createBindGroup({
        label: program.name,
        layout: compiled.layout,
        entries: program.bindings.map((b, binding) =>
          b.access === 'uniform'
            ? { binding, resource: { buffer: this.uniformBuffer, offset: 0, size: UNIFORM_SLOT_BYTES } }
            : { binding, resource: { buffer: this.options.resolve(names[b.name] ?? b.name) } },
        ),
      });
      this.groups.set(key, group);
    }
    return group;
  }
}
