/**
 * A compute kernel as data: its WGSL, its bindings and a cache key. The cache key holds only
 * compile-time choices (architecture constants, strategy, workgroup size); shapes, sample counts
 * and seeds travel in the per-chunk uniform block.
 */

export type BindingKind = 'uniform' | 'read' | 'read_write';

export interface KernelBinding {
  readonly name: string;
  readonly kind: BindingKind;
}

export interface Kernel {
  /** Label for the module, pipeline and bind groups. */
  readonly name: string;
  readonly cacheKey: string;
  readonly source: string;
  /** Bindings in @binding order (0..n-1), all in @group(0). Uniforms use a dynamic offset. */
  readonly bindings: readonly KernelBinding[];
}

/** WGSL declarations of a kernel's bindings, generated from the same list the bind group uses. */
export function bindingDeclarations(bindings: readonly (KernelBinding & { type: string })[]): string {
  return bindings
    .map((b, i) => {
      const space = b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'storage, read' : 'storage, read_write';
      return `@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
    })
    .join('\n');
}
