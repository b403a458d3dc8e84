/**
 * The kernel contract. A program is declared once, as data: a family name, its compile-time
 * parameters (the only input of its cache key and its WGSL), its bindings in order, its uniform
 * struct, and how many workgroups a run of it needs. Everything else (the recorder, the pipeline
 * cache, bind groups) works from this declaration, so predict, score and train run programs the
 * same way.
 *
 * The cache key is the family and the canonical JSON of the parameters: two programs with the same
 * key have the same source by construction (the source is a function of the parameters alone;
 * test/kernels/programs.test.ts asserts it over every program family). The source is composed
 * lazily, on first read: engines declare their programs on every call, and a cached pipeline never
 * needs its source again (composing and preprocessing it cost ~1 ms a call on a real GPU).
 */
import type { StructLayout } from './struct.js';
import { composeWgsl, u32, type BindingSpec, type WgslParts } from './wgsl.js';

export const WORKGROUP_SIZE = 64;

/** Workgroups of one dispatch: [x, y, z]. */
export type Grid = readonly [number, number, number];

export interface Program<Run = void> {
  /** Label of the module, pipeline and bind groups (e.g. 'dense_fused_l1'). */
  readonly name: string;
  readonly cacheKey: string;
  readonly source: string;
  readonly bindings: readonly BindingSpec[];
  /** The uniform struct bound at the binding of access 'uniform' (with a dynamic offset), if any. */
  readonly uniform: StructLayout<string> | null;
  /** The workgroups a run of the program needs (folded under maxComputeWorkgroupsPerDimension). */
  workgroups(run: Run, maxPerDimension: number): Grid;
}

/** JSON with object keys sorted, so equal parameters give equal keys whatever their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface ProgramDeclaration<P, Run> {
  /** The program family: the cache key's prefix. */
  readonly family: string;
  /** The label; default the family. */
  readonly label?: string;
  readonly params: P;
  readonly uniform?: StructLayout<string>;
  readonly wgsl: WgslParts;
  readonly workgroups: (run: Run, maxPerDimension: number) => Grid;
}

export function defineProgram<P, Run>(d: ProgramDeclaration<P, Run>): Program<Run> {
  let source: string | null = null;
  return {
    name: d.label ?? d.family,
    cacheKey: `${d.family}|${canonicalJson(d.params)}`,
    get source(): string {
      // Every entry point is declared @workgroup_size(WORKGROUP_SIZE).
      source ??= composeWgsl({
        ...d.wgsl,
        consts: { WORKGROUP_SIZE: u32(WORKGROUP_SIZE), ...d.wgsl.consts },
        structs: [...(d.uniform ? [d.uniform] : []), ...(d.wgsl.structs ?? [])],
      });
      return source;
    },
    bindings: d.wgsl.bindings,
    uniform: d.uniform ?? null,
    workgroups: d.workgroups,
  };
}

/** Workgroups for `threads` threads (at least one). */
export function workgroupsFor(threads: number, workgroupSize = WORKGROUP_SIZE): number {
  return Math.max(1, Math.ceil(threads / workgroupSize));
}

/**
 * The grid of a kernel indexed by flat_index (shaders/lib/flat-index.wgsl): `threads` threads packed
 * into workgroups, their count folded into x and y so neither passes maxPerDimension.
 */
export function flatGrid(threads: number, maxPerDimension: number, workgroupSize = WORKGROUP_SIZE): Grid {
  const groups = workgroupsFor(threads, workgroupSize);
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  return [x, y, 1];
}

/** A one-dimensional grid (gid.x indexes threads); the recorder refuses it past maxPerDimension. */
export function linearGrid(threads: number, workgroupSize = WORKGROUP_SIZE): Grid {
  return [workgroupsFor(threads, workgroupSize), 1, 1];
}
