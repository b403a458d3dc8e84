/** Binding declarations of storage arrays by name and access (src/kernels/wgsl.ts BindingSpec). */
import type { BindingSpec } from './wgsl.js';

export const readF32 = (name: string): BindingSpec => ({ name, access: 'read', type: 'array<f32>' });
export const writeF32 = (name: string): BindingSpec => ({ name, access: 'read_write', type: 'array<f32>' });
export const readU32 = (name: string): BindingSpec => ({ name, access: 'read', type: 'array<u32>' });
/** A read-only array of structs (e.g. one entry per model). */
export const readStructs = (name: string, struct: string): BindingSpec => ({ name, access: 'read', type: `array<${struct}>` });
export const readVec4 = (name: string): BindingSpec => ({ name, access: 'read', type: 'array<vec4<f32>>' });
export const writeVec4 = (name: string): BindingSpec => ({ name, access: 'read_write', type: 'array<vec4<f32>>' });
