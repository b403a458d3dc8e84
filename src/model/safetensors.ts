/**
 * The safetensors container (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON, then the raw tensor bytes. Each header entry names a
 * tensor with its dtype, shape and [begin, end) byte range relative to the first byte after the
 * header; the optional `__metadata__` entry is a string -> string map.
 *
 * Model files come from users and the network, so the parser trusts nothing: every field is checked
 * and every size is bounded before anything is allocated. Float tensors of any width are widened or
 * narrowed to float32, the only precision the engine computes in.
 */
import { InvalidInputError, ModelFormatError } from '../errors.js';
import { FLOAT32_MAX } from '../float32.js';
import { MAX_HEADER_BYTES, MAX_TENSOR_ELEMENTS, MAX_TENSORS_PER_FILE } from './limits.js';
import { checkNameLength, quoteName } from './names.js';
import type { Tensor } from './spec.js';
import { parseJsonStrict, previewJson } from './strict-json.js';

/** The caps this parser applies, where they were first defined (they live in limits.ts). */
export { MAX_HEADER_BYTES, MAX_TENSOR_ELEMENTS, MAX_TENSORS_PER_FILE } from './limits.js';

/** Float dtypes we read; all are converted to float32. */
export const SAFETENSORS_FLOAT_DTYPES = ['F32', 'F64', 'F16', 'BF16'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_FLOAT_DTYPES)[number];

/** Dtypes the format defines that hold no real numbers; named so the error can say why they fail. */
const NON_FLOAT_DTYPES = new Set(['BOOL', 'U8', 'I8', 'U16', 'I16', 'U32', 'I32', 'U64', 'I64']);

const BYTES_PER_ELEMENT: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

const HEADER_LENGTH_BYTES = 8;
const HEADER_ALIGNMENT = 8;
const METADATA_KEY = '__metadata__';

export interface SafetensorsTensor extends Tensor {
  /** The dtype stored in the file (the data has been converted to float32). */
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  readonly metadata: Readonly<Record<string, string>>;
  readonly tensors: Map<string, SafetensorsTensor>;
}

/** A header entry after validation: where its bytes are and how to decode them. */
interface TensorEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly elements: number;
  readonly begin: number;
  readonly end: number;
}

function fail(message: string): never {
  throw new ModelFormatError(`safetensors: ${message}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isNonNegativeSafeInteger = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Parses a safetensors file; tensors are copied out as float32 (the input may be unaligned). */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < HEADER_LENGTH_BYTES) {
    fail(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${headerLength} is absurd: more than MAX_HEADER_BYTES = ${MAX_HEADER_BYTES} bytes (real headers are kilobytes)`);
  }
  const headerEnd = HEADER_LENGTH_BYTES + Number(headerLength);
  if (headerEnd > bytes.byteLength) {
    fail(`header length ${headerLength} runs beyond the end of the ${bytes.byteLength}-byte file (truncated?)`);
  }
  const header = parseHeaderJson(bytes.subarray(HEADER_LENGTH_BYTES, headerEnd));
  const dataLength = bytes.byteLength - headerEnd;

  const names = Object.keys(header);
  const tensorCount = names.length - (Object.hasOwn(header, METADATA_KEY) ? 1 : 0);
  if (tensorCount > MAX_TENSORS_PER_FILE) {
    fail(`header lists ${tensorCount} tensors, more than MAX_TENSORS_PER_FILE = ${MAX_TENSORS_PER_FILE}`);
  }
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const name of names) {
    const value = header[name];
    if (name === METADATA_KEY) metadata = parseMetadata(value);
    else entries.push(parseEntry(name, value, dataLength));
  }
  checkNoOverlap(entries);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of entries) {
    const data = decodeFloat32(bytes.subarray(headerEnd + entry.begin, headerEnd + entry.end), entry.dtype);
    if (entry.dtype === 'F64') checkF64FitsFloat32(entry, bytes.subarray(headerEnd + entry.begin, headerEnd + entry.end), data);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data });
  }
  return { metadata, tensors };
}

function parseHeaderJson(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch (cause) {
    throw new ModelFormatError('safetensors: header is not valid UTF-8', { cause });
  }
  // Strict: a tensor or __metadata__ named twice is refused, not resolved by JSON.parse's last-wins.
  const json = parseJsonStrict(text, { what: 'safetensors: header' });
  if (!isPlainObject(json)) fail('header JSON is not an object');
  return json;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) fail(`${METADATA_KEY} is not an object`);
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    checkNameLength(key, `${METADATA_KEY} key`, fail);
    if (typeof v !== 'string') fail(`${METADATA_KEY}[${quoteName(key)}] is not a string (got ${typeof v})`);
  }
  // fromEntries defines own properties, so a key like "__proto__" cannot touch the prototype.
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseDtype(name: string, dtype: unknown): SafetensorsDtype {
  if ((SAFETENSORS_FLOAT_DTYPES as readonly unknown[]).includes(dtype)) return dtype as SafetensorsDtype;
  if (typeof dtype === 'string' && NON_FLOAT_DTYPES.has(dtype)) {
    fail(`tensor ${quoteName(name)} has integer/bool dtype ${dtype}; model tensors must be floating point ` + `(${SAFETENSORS_FLOAT_DTYPES.join(', ')})`);
  }
  return fail(`tensor ${quoteName(name)} has unknown dtype ${previewJson(dtype)}; accepted: ${SAFETENSORS_FLOAT_DTYPES.join(', ')}`);
}

/** Element count of a shape, refusing absurd sizes before anything is allocated for them. */
function parseShape(name: string, shape: unknown): { shape: number[]; elements: number } {
  if (!Array.isArray(shape) || !shape.every(isNonNegativeSafeInteger)) {
    fail(`tensor ${quoteName(name)} has shape ${previewJson(shape)}; expected an array of non-negative integers`);
  }
  let elements = 1;
  if (shape.includes(0)) elements = 0;
  else {
    for (const dim of shape) {
      elements *= dim;
      if (elements > MAX_TENSOR_ELEMENTS) {
        fail(`tensor ${quoteName(name)} has shape ${previewJson(shape)}: too many elements ` + `(more than MAX_TENSOR_ELEMENTS = ${MAX_TENSOR_ELEMENTS})`);
      }
    }
  }
  return { shape: [...shape], elements };
}

function parseEntry(name: string, value: unknown, dataLength: number): TensorEntry {
  checkNameLength(name, 'tensor name', fail);
  if (!isPlainObject(value)) fail(`header entry ${quoteName(name)} is not an object`);
  const dtype = parseDtype(name, value['dtype']);
  const { shape, elements } = parseShape(name, value['shape']);
  const offsets = value['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeSafeInteger)) {
    fail(`tensor ${quoteName(name)} has data_offsets ${previewJson(offsets)}; expected [begin, end] non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    fail(`tensor ${quoteName(name)} has data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section`);
  }
  const expectedBytes = elements * BYTES_PER_ELEMENT[dtype];
  if (end - begin !== expectedBytes) {
    fail(`tensor ${quoteName(name)} spans ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${expectedBytes}`);
  }
  return { name, dtype, shape, elements, begin, end };
}

function checkNoOverlap(entries: readonly TensorEntry[]): void {
  const byStart = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1];
    const cur = byStart[i];
    if (prev && cur && cur.begin < prev.end) {
      fail(`tensors ${quoteName(prev.name)} [${prev.begin}, ${prev.end}] and ${quoteName(cur.name)} [${cur.begin}, ${cur.end}] overlap`);
    }
  }
}

/**
 * An F64 value beyond float32's range would silently become Infinity in the float32 copy; refuse it
 * with the value it had, since the GPU computes in float32 and could not represent it anyway.
 * (Values that are already NaN or Infinity in the file are left for the model's validation.)
 */
function checkF64FitsFloat32(entry: TensorEntry, raw: Uint8Array, data: Float32Array): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    const original = view.getFloat64(8 * i, true);
    if (Number.isFinite(original)) {
      fail(
        `tensor ${quoteName(entry.name)} holds ${original} (F64) at index ${i}, beyond float32's range ` +
          `(|x| <= ${FLOAT32_MAX.toPrecision(8)}); the library computes in float32`,
      );
    }
  }
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decodeFloat32(raw: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  const count = raw.byteLength / BYTES_PER_ELEMENT[dtype];
  if (dtype === 'F32' && HOST_IS_LITTLE_ENDIAN) {
    // Copy into a fresh buffer: aligned whatever the file offset, and not shared with the input. (Not
    // raw.slice(): on a Node Buffer that is a view into the same, possibly pooled, memory.)
    const copy = new Uint8Array(raw.byteLength);
    copy.set(raw);
    return new Float32Array(copy.buffer);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'F32':
        out[i] = view.getFloat32(4 * i, true);
        break;
      case 'F64':
        out[i] = view.getFloat64(8 * i, true);
        break;
      case 'F16':
        out[i] = float16ToNumber(view.getUint16(2 * i, true));
        break;
      case 'BF16':
        // bfloat16 is the top half of a float32.
        out[i] = bfloat16ToNumber(view.getUint16(2 * i, true));
        break;
    }
  }
  return out;
}

function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bfloat16Scratch = new DataView(new ArrayBuffer(4));
function bfloat16ToNumber(bits: number): number {
  bfloat16Scratch.setUint32(0, bits << 16);
  return bfloat16Scratch.getFloat32(0);
}

/**
 * Writes tensors (as F32) and metadata to safetensors bytes. Tensors are laid out in name order
 * (code-unit order, locale independent) so the same model always gives the same bytes; the header
 * is padded with spaces to a multiple of 8 bytes so every tensor starts 8-byte aligned in the file.
 */
export function serializeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const sorted = [...tensors].sort(([a], [b]) => compareCodeUnits(a, b));
  const header: Record<string, unknown> = {};
  const metadataEntries = Object.entries(metadata).sort(([a], [b]) => compareCodeUnits(a, b));
  if (metadataEntries.length > 0) header[METADATA_KEY] = Object.fromEntries(metadataEntries);
  let dataLength = 0;
  for (const [name, tensor] of sorted) {
    if (name === METADATA_KEY) throw new InvalidInputError(`tensor name '${METADATA_KEY}' is reserved by safetensors`);
    const validShape = tensor.shape.every(isNonNegativeSafeInteger);
    if (!validShape || tensor.shape.reduce((a, b) => a * b, 1) !== tensor.data.length) {
      throw new InvalidInputError(`tensor '${name}' has shape [${tensor.shape.join(', ')}] but ${tensor.data.length} elements`);
    }
    const byteLength = tensor.data.length * BYTES_PER_ELEMENT.F32;
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [dataLength, dataLength + byteLength] };
    dataLength += byteLength;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const paddedHeaderLength = Math.ceil(json.byteLength / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  const headerEnd = HEADER_LENGTH_BYTES + paddedHeaderLength;
  const out = new Uint8Array(headerEnd + dataLength);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(paddedHeaderLength), true);
  out.set(json, HEADER_LENGTH_BYTES);
  out.fill(0x20, HEADER_LENGTH_BYTES + json.byteLength, headerEnd); // trailing spaces are valid JSON
  let position = headerEnd;
  for (const [, { data }] of sorted) {
    if (HOST_IS_LITTLE_ENDIAN) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    else data.forEach((x, i) => view.setFloat32(position + 4 * i, x, true));
    position += data.byteLength;
  }
  return out;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
