/**
 * A WGSL struct of 4-byte scalars declared once, by name, giving both sides of the binding: the
 * WGSL declaration a kernel compiles, and the packer the host writes with. Field offsets come from
 * the declaration order (4 bytes each; every field a u32, i32 or f32 is 4-byte aligned), so no
 * call site computes an offset, and a field added to the struct is added to both sides at once.
 *
 * The same layout serves uniforms (one struct per dispatch slot) and storage arrays of structs
 * (per-model metadata: `array<Name>` with a stride of the struct's size).
 */
export type ScalarType = 'u32' | 'i32' | 'f32';

export interface StructLayout<F extends string> {
  readonly name: string;
  readonly fields: readonly (readonly [F, ScalarType])[];
  /** Bytes of one struct, WGSL's SizeOf: 4 per field (also the stride of a storage array of them). */
  readonly byteSize: number;
  /** The WGSL declaration `struct Name { ... }`. */
  readonly wgsl: string;
  /** Every field 0 (for a program that reads none of the uniform's fields). */
  readonly zero: Readonly<Record<F, number>>;
  /** Writes `values` as struct number `index` of `target` (an array of structs, or one). */
  pack(target: ArrayBuffer, values: Readonly<Record<F, number>>, index?: number, byteOffset?: number): void;
}

export function defineStruct<F extends string>(name: string, fields: readonly (readonly [F, ScalarType])[]): StructLayout<F> {
  const names = new Set<string>();
  for (const [field] of fields) {
    if (names.has(field)) throw new Error(`internal: struct ${name} declares '${field}' twice`);
    names.add(field);
  }
  const byteSize = fields.length * 4;
  const wgsl = `struct ${name} {\n${fields.map(([f, t]) => `  ${f}: ${t},`).join('\n')}\n}\n`;
  return {
    name,
    fields,
    byteSize,
    wgsl,
    zero: Object.fromEntries(fields.map(([f]) => [f, 0])) as Record<F, number>,
    pack(target, values, index = 0, byteOffset = 0) {
      const view = new DataView(target, byteOffset + index * byteSize, byteSize);
      fields.forEach(([field, type], i) => {
        const v = values[field];
        if (type === 'f32') view.setFloat32(4 * i, v, true);
        else if (type === 'i32') view.setInt32(4 * i, v, true);
        else view.setUint32(4 * i, v >>> 0, true);
      });
    },
  };
}

/** Packs one struct per entry of `rows` into a fresh buffer (a storage array of structs). */
export function packArray<F extends string>(layout: StructLayout<F>, rows: readonly Readonly<Record<F, number>>[]): ArrayBuffer {
  const buffer = new ArrayBuffer(Math.max(layout.byteSize, rows.length * layout.byteSize));
  rows.forEach((row, i) => layout.pack(buffer, row, i));
  return buffer;
}
