/**
 * The WebGPU (and Web platform) types that the public API mentions, taken from the user's own
 * environment: the global type when their compilation declares it (TypeScript 7's DOM lib,
 * @webgpu/types, @types/node for AbortSignal and URL), a named opaque stand-in otherwise.
 *
 * Why not reference @webgpu/types from the published declarations: TypeScript 5 without it cannot
 * compile them, TypeScript 7's DOM lib declares the same globals (182 duplicate identifiers), and a
 * Node config with `lib: ["ES2022"]` has neither. Resolving through `typeof globalThis` needs no
 * declaration of our own, so it compiles under all three. In this package's own build the globals
 * exist, so every alias is exactly the WebGPU type.
 */
import type { GlobalClass } from '../platform-types.js';

/** What a type is when the user's environment has no WebGPU declarations: a name, not `any`. */
interface Opaque<Name extends string> {
  readonly __webgpuType: Name;
}

export type WebGpu = GlobalClass<'GPU', Opaque<'GPU'>>;
export type WebGpuAdapter = GlobalClass<'GPUAdapter', Opaque<'GPUAdapter'>>;
export type WebGpuDevice = GlobalClass<'GPUDevice', Opaque<'GPUDevice'>>;
export type WebGpuBuffer = GlobalClass<'GPUBuffer', Opaque<'GPUBuffer'>>;
export type WebGpuComputePipeline = GlobalClass<'GPUComputePipeline', Opaque<'GPUComputePipeline'>>;
export type WebGpuBindGroupLayout = GlobalClass<'GPUBindGroupLayout', Opaque<'GPUBindGroupLayout'>>;
/** GPUBufferUsageFlags: a bit set (WebGPU declares it as number). */
export type WebGpuBufferUsage = number;

/** The limits the scheduler reads (a subset of GPUSupportedLimits, all numbers). */
export interface WebGpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxStorageBuffersPerShaderStage: number;
}
