/**
 * Composing a kernel's WGSL from the files under shaders/ (bundled in wgsl.generated.ts): the
 * program's constants, its structs and binding declarations, the library files it needs (each
 * after the libraries it needs itself, once) and its body, preprocessed with its defines. Values
 * are only ever WGSL `const` declarations written here, never text spliced into a file.
 */
import type { StructLayout } from './struct.js';
import { preprocess, type Defines, type Inserts } from './preprocess.js';
import { WGSL_SOURCES, type WgslSourceName } from './wgsl.generated.js';

export type WgslConst = { readonly type: 'u32' | 'i32' | 'f32' | 'bool'; readonly value: number | boolean } | { readonly type: 'u32[]'; readonly value: readonly number[] };

export const u32 = (value: number): WgslConst => ({ type: 'u32', value });
export const i32 = (value: number): WgslConst => ({ type: 'i32', value });
export const f32 = (value: number): WgslConst => ({ type: 'f32', value });
export const bool = (value: boolean): WgslConst => ({ type: 'bool', value });
export const u32s = (value: readonly number[]): WgslConst => ({ type: 'u32[]', value });

/**
 * A float32 constant as WGSL text: the value rounded to float32, printed exactly (JavaScript's
 * shortest text for that double, which is the float32 value itself), so the shader compiler reads
 * back the same float32 with no second rounding; 9 digits would print float32's largest value as
 * 3.40282347e38, which WGSL rejects as out of range.
 */
export function f32Literal(value: number): string {
  const v = Math.fround(value);
  if (!Number.isFinite(v)) throw new RangeError(`non-finite constant ${value}`);
  const text = String(v);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

function constDeclaration(name: string, c: WgslConst): string {
  switch (c.type) {
    case 'u32':
      if (!Number.isInteger(c.value) || (c.value as number) < 0 || (c.value as number) > 0xffffffff) throw new RangeError(`const ${name}: ${String(c.value)} is not a u32`);
      return `const ${name}: u32 = ${String(c.value)}u;`;
    case 'i32':
      return `const ${name}: i32 = ${String(c.value)}i;`;
    case 'f32':
      return `const ${name}: f32 = ${f32Literal(c.value as number)};`;
    case 'bool':
      return `const ${name}: bool = ${String(c.value)};`;
    case 'u32[]':
      return `const ${name} = array<u32, ${Math.max(c.value.length, 1)}>(${(c.value.length ? c.value : [0]).map((v) => `${v}u`).join(', ')});`;
  }
}

/** A WGSL file of shaders/lib with the constants it reads and the libraries it calls. */
export interface WgslLibrary {
  readonly file: WgslSourceName;
  readonly consts?: Readonly<Record<string, WgslConst>>;
  readonly needs?: readonly WgslLibrary[];
}

export type BindingAccess = 'uniform' | 'read' | 'read_write';

/** One @group(0) binding, declared in this order (binding i is the i-th). */
export interface BindingSpec {
  readonly name: string;
  readonly access: BindingAccess;
  /** WGSL type: a struct name for a uniform, `array<f32>`, `array<vec4<f32>>`, `array<Meta>`, ... */
  readonly type: string;
}

export function bindingDeclarations(bindings: readonly BindingSpec[]): string {
  return bindings
    .map((b, i) => {
      const space = b.access === 'uniform' ? 'uniform' : b.access === 'read' ? 'storage, read' : 'storage, read_write';
      return `@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`;
    })
    .join('\n');
}

/** WGSL extensions a program enables (`enable <name>;` first in the module); each needs the device feature of that name. */
export type WgslExtension = 'subgroups';

export interface WgslParts {
  readonly enables?: readonly WgslExtension[];
  readonly consts: Readonly<Record<string, WgslConst>>;
  readonly structs?: readonly StructLayout<string>[];
  readonly bindings: readonly BindingSpec[];
  readonly libraries?: readonly WgslLibrary[];
  /** The kernel's own file(s) under shaders/, in order. */
  readonly body: readonly WgslSourceName[];
  readonly defines?: Defines;
  /** Generated statements for the body's `#insert NAME` lines. */
  readonly inserts?: Inserts;
}

/** Libraries in dependency order, each once. */
function orderLibraries(libraries: readonly WgslLibrary[]): WgslLibrary[] {
  const ordered: WgslLibrary[] = [];
  const visit = (lib: WgslLibrary) => {
    if (ordered.some((l) => l.file === lib.file)) return;
    for (const dep of lib.needs ?? []) visit(dep);
    ordered.push(lib);
  };
  libraries.forEach(visit);
  return ordered;
}

export function composeWgsl(parts: WgslParts): string {
  const libraries = orderLibraries(parts.libraries ?? []);
  const consts = new Map<string, WgslConst>();
  const addConst = (name: string, c: WgslConst, owner: string) => {
    const existing = consts.get(name);
    if (existing && JSON.stringify(existing) !== JSON.stringify(c)) throw new Error(`internal: const ${name} declared twice with different values (${owner})`);
    consts.set(name, c);
  };
  for (const lib of libraries) for (const [name, c] of Object.entries(lib.consts ?? {})) addConst(name, c, lib.file);
  for (const [name, c] of Object.entries(parts.consts)) addConst(name, c, 'program');
  const defines = parts.defines ?? {};
  const text = (file: WgslSourceName) => preprocess(WGSL_SOURCES[file], defines, `shaders/${file}.wgsl`, parts.inserts ?? {});
  return [
    ...(parts.enables ?? []).map((name) => `enable ${name};`),
    [...consts].map(([name, c]) => constDeclaration(name, c)).join('\n'),
    ...(parts.structs ?? []).map((s) => s.wgsl),
    bindingDeclarations(parts.bindings),
    ...libraries.map((lib) => text(lib.file)),
    ...parts.body.map(text),
  ].join('\n');
}
