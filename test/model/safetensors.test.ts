import { describe, expect, it } from 'vitest';
import { InvalidInputError, ModelFormatError } from '../../src/errors.js';
import { MAX_HEADER_BYTES, parseSafetensors, serializeSafetensors } from '../../src/model/safetensors.js';
import type { Tensor } from '../../src/model/spec.js';

/** A safetensors file from a header written as-is (no validation, no padding) and raw data bytes. */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  return rawBytes(json, data, headerLength ?? BigInt(json.byteLength));
}

function rawBytes(headerBytes: Uint8Array, data: Uint8Array, headerLength: bigint): Uint8Array {
  const out = new Uint8Array(8 + headerBytes.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, headerLength, true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.byteLength);
  return out;
}

function f32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

const bits = (data: Float32Array): number[] => [...new Uint32Array(data.buffer, data.byteOffset, data.length)];

function expectFormatError(bytes: Uint8Array, fragment: string | RegExp): void {
  expect(() => parseSafetensors(bytes)).toThrow(ModelFormatError);
  expect(() => parseSafetensors(bytes)).toThrow(fragment);
}

const sample = (): Map<string, Tensor> =>
  new Map<string, Tensor>([
    ['w', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 1e-30, -0, Math.PI]) }],
    ['scalar', { shape: [], data: new Float32Array([0.25]) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ['b', { shape: [3], data: new Float32Array([7, 8, 9]) }],
  ]);

describe('safetensors round trip', () => {
  it('serialise then parse gives the same metadata, shapes and bit-identical data', () => {
    const tensors = sample();
    const metadata = { b: 'two', a: 'one ünïcødé' };
    const file = parseSafetensors(serializeSafetensors(tensors, metadata));
    expect(file.metadata).toEqual(metadata);
    expect([...file.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, tensor] of tensors) {
      const read = file.tensors.get(name);
      expect(read?.dtype).toBe('F32');
      expect(read?.shape).toEqual(tensor.shape);
      expect(bits(read?.data ?? new Float32Array())).toEqual(bits(tensor.data));
    }
  });

  it('writes an 8-byte-aligned header padded with spaces and tensors in name order', () => {
    const bytes = serializeSafetensors(sample());
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const headerText = new TextDecoder().decode(bytes.subarray(8, 8 + headerLength));
    expect(headerText).toMatch(/^\{.*\} *$/);
    const header = JSON.parse(headerText) as Record<string, { data_offsets: [number, number] }>;
    const names = Object.keys(header);
    expect(names).toEqual(['b', 'empty', 'scalar', 'w']);
    expect(names.map((n) => header[n]?.data_offsets)).toEqual([
      [0, 12],
      [12, 12],
      [12, 16],
      [16, 40],
    ]);
  });

  it('is deterministic: insertion order of tensors and metadata does not change the bytes', () => {
    const forward = sample();
    const reversed = new Map([...forward].reverse());
    expect(serializeSafetensors(reversed, { y: '1', x: '2' })).toEqual(serializeSafetensors(forward, { x: '2', y: '1' }));
  });

  it('omits __metadata__ when there is none', () => {
    const bytes = serializeSafetensors(sample());
    expect(new TextDecoder().decode(bytes)).not.toContain('__metadata__');
    expect(parseSafetensors(bytes).metadata).toEqual({});
  });

  it('parses from a view with a non-zero byteOffset', () => {
    const bytes = serializeSafetensors(sample());
    const padded = new Uint8Array(bytes.byteLength + 3);
    padded.set(bytes, 3);
    expect(bits(parseSafetensors(padded.subarray(3)).tensors.get('w')?.data ?? new Float32Array())).toEqual(bits(sample().get('w')?.data ?? new Float32Array()));
  });

  it('copies data out of a Node Buffer view (Buffer.slice shares memory) so the input can be reused', () => {
    const bytes = serializeSafetensors(sample());
    const pooled = Buffer.concat([Buffer.alloc(5), Buffer.from(bytes)]).subarray(5);
    const w = parseSafetensors(pooled).tensors.get('w');
    expect(w?.data.length).toBe(6);
    pooled.fill(0);
    expect(bits(w?.data ?? new Float32Array())).toEqual(bits(sample().get('w')?.data ?? new Float32Array()));
  });

  it('rejects tensors whose data does not match their shape, and the reserved name', () => {
    const bad = new Map<string, Tensor>([['x', { shape: [2, 2], data: new Float32Array(3) }]]);
    expect(() => serializeSafetensors(bad)).toThrow(InvalidInputError);
    expect(() => serializeSafetensors(bad)).toThrow("tensor 'x' has shape [2, 2] but 3 elements");
    const reserved = new Map<string, Tensor>([['__metadata__', { shape: [1], data: new Float32Array(1) }]]);
    expect(() => serializeSafetensors(reserved)).toThrow(/reserved/);
  });
});

describe('safetensors dtypes', () => {
  it('converts F64, F16 and BF16 to float32 and reads F32 at unaligned offsets', () => {
    const f64 = new Uint8Array(new Float64Array([1.5, -2.25e-3]).buffer);
    // float16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 2^-24 = 0x0001, inf = 0x7c00
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]).buffer);
    // bfloat16: top halves of float32 1.0 (0x3f80) and -3.0 (0xc040)
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040]).buffer);
    const f32 = f32Bytes([42.5, -7]);
    const data = new Uint8Array([...f16, ...f32, ...bf16, ...f64]); // f32 starts at byte 10: unaligned
    const header = {
      h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] },
      s: { dtype: 'F32', shape: [2], data_offsets: [10, 18] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [18, 22] },
      d: { dtype: 'F64', shape: [2, 1], data_offsets: [22, 38] },
    };
    const { tensors } = parseSafetensors(rawFile(header, data));
    expect([...(tensors.get('h')?.data ?? [])]).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    expect([...(tensors.get('s')?.data ?? [])]).toEqual([42.5, -7]);
    expect([...(tensors.get('b')?.data ?? [])]).toEqual([1, -3]);
    expect([...(tensors.get('d')?.data ?? [])]).toEqual([1.5, Math.fround(-2.25e-3)]);
    expect(tensors.get('d')?.dtype).toBe('F64');
    expect(tensors.get('d')?.shape).toEqual([2, 1]);
  });

  it.each(['I32', 'I64', 'U8', 'BOOL'])('rejects integer dtype %s with a clear message', (dtype) => {
    expectFormatError(rawFile({ x: { dtype, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), 'integer/bool dtype');
  });

  it('rejects an unknown dtype', () => {
    expectFormatError(rawFile({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), 'unknown dtype "Q4"');
  });
});

describe('safetensors hostile input', () => {
  const good = serializeSafetensors(sample(), { k: 'v' });
  const headerEnd = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));

  it.each([0, 1, 7])('rejects a file cut to %i bytes (no header length)', (cut) => {
    expectFormatError(good.slice(0, cut), 'shorter than the 8-byte header length');
  });

  it.each([8, 9, 40])('rejects a file cut to %i bytes (inside the header)', (cut) => {
    expectFormatError(good.slice(0, cut), 'beyond the end');
  });

  it('rejects a file cut inside the data section', () => {
    expectFormatError(good.slice(0, headerEnd + 13), 'outside the');
    expectFormatError(good.slice(0, good.byteLength - 1), /tensor 'w' has data_offsets \[16, 40\] outside the 39-byte/);
  });

  it('accepts the untouched file', () => {
    expect(parseSafetensors(good).tensors.size).toBe(4);
  });

  it('rejects an absurd header length (2^60) before reading anything', () => {
    expectFormatError(rawFile({}, new Uint8Array(0), 2n ** 60n), 'absurd');
    expectFormatError(rawFile({}, new Uint8Array(0), BigInt(MAX_HEADER_BYTES + 1)), 'absurd');
  });

  it('rejects a header length beyond the file', () => {
    expectFormatError(rawFile({}, new Uint8Array(0), 1000n), 'header length 1000 runs beyond the end of the 10-byte file');
  });

  it('rejects headers that are not UTF-8 JSON objects', () => {
    expectFormatError(rawBytes(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), new Uint8Array(0), 4n), 'not valid UTF-8');
    expectFormatError(rawFile('{"x": '), 'not valid JSON');
    expectFormatError(rawFile('[1, 2]'), 'header JSON is not an object');
    expectFormatError(rawFile('null'), 'header JSON is not an object');
  });

  it('rejects entries that are not objects', () => {
    expectFormatError(rawFile({ x: 5 }), "header entry 'x' is not an object");
    expectFormatError(rawFile({ x: [1] }), "header entry 'x' is not an object");
  });

  it.each([
    ['not an array', 3],
    ['negative', [-1]],
    ['fractional', [1.5]],
    ['a string', ['2']],
    ['unsafe', [2 ** 53]],
  ])('rejects a shape that is %s', (_what, shape) => {
    expectFormatError(rawFile({ x: { dtype: 'F32', shape, data_offsets: [0, 4] } }, new Uint8Array(4)), 'expected an array of non-negative integers');
  });

  it('rejects an absurd element count before allocating (tiny file, shape [2^20, 2^20])', () => {
    const huge = rawFile({ x: { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 2 ** 42] } });
    expect(huge.byteLength).toBeLessThan(200);
    expectFormatError(huge, /tensor 'x' has shape \[1048576,1048576\]: too many elements/);
  });

  it.each([
    ['missing', undefined],
    ['one number', [0]],
    ['three numbers', [0, 4, 8]],
    ['negative', [-4, 0]],
    ['fractional', [0, 3.5]],
    ['strings', ['0', '4']],
  ])('rejects data_offsets that are %s', (_what, offsets) => {
    expectFormatError(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: offsets } }, new Uint8Array(8)), 'expected [begin, end]');
  });

  it('rejects data_offsets out of the data section or reversed', () => {
    const data = new Uint8Array(8);
    expectFormatError(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, data), 'outside the 8-byte data section');
    expectFormatError(rawFile({ x: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, data), 'outside');
  });

  it('rejects data_offsets whose size does not match shape and dtype', () => {
    const file = rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8));
    expectFormatError(file, "tensor 'x' spans 4 bytes but shape [2] of F32 needs 8");
    const f64 = rawFile({ x: { dtype: 'F64', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8));
    expectFormatError(f64, 'needs 8');
  });

  it('rejects overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expectFormatError(rawFile(header, new Uint8Array(12)), "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
    const same = { a: header.a, c: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    expectFormatError(rawFile(same, new Uint8Array(8)), 'overlap');
  });

  it('allows zero-length tensors anywhere', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] },
    };
    expect(parseSafetensors(rawFile(header, new Uint8Array(8))).tensors.get('e')?.data.length).toBe(0);
  });

  it('rejects __metadata__ that is not a string -> string map', () => {
    expectFormatError(rawFile({ __metadata__: 'x' }), '__metadata__ is not an object');
    expectFormatError(rawFile({ __metadata__: { a: 1 } }), "__metadata__['a'] is not a string");
    expectFormatError(rawFile({ __metadata__: { a: { b: 'c' } } }), "__metadata__['a'] is not a string");
  });

  it('keeps a "__proto__" metadata key as plain data', () => {
    const { metadata } = parseSafetensors(rawFile('{"__metadata__": {"__proto__": "x", "k": "v"}}'));
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(metadata['__proto__' as string]).toBe('x');
    expect(metadata['k']).toBe('v');
  });
});
