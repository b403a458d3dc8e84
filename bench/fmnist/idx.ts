/**
 * The idx format of (Fashion-)MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header
 * (two zero bytes, a type byte, the number of dimensions, then each dimension as a u32), then the
 * values. Only unsigned bytes (type 0x08) are read: that is what the data sets ship. Files may be
 * gzip-compressed (Debian's dataset-fashion-mnist ships *.gz). Every malformed, truncated or
 * hostile file gets an InvalidInputError naming the file and the problem.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../../src/errors.js';

export interface IdxArray {
  /** The dimensions, outermost first (images: [count, rows, cols]; labels: [count]). */
  readonly shape: readonly number[];
  /** The values, row-major. */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
/** Largest decompressed file read (the training images are 47 MB): a gzip bomb stops here. */
export const MAX_IDX_BYTES = 256 * 1024 * 1024;

/** Parses an uncompressed idx file of `dims` dimensions; `name` appears in errors. */
export function parseIdx(bytes: Uint8Array, dims: number, name: string): IdxArray {
  if (bytes.length < 4) throw new InvalidInputError(`${name}: ${bytes.length} bytes, too short for an idx header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new InvalidInputError(`${name}: not an idx file (the first two bytes must be zero)`);
  const type = view.getUint8(2);
  if (type !== UNSIGNED_BYTE) throw new InvalidInputError(`${name}: idx value type 0x${type.toString(16).padStart(2, '0')}; only unsigned bytes (0x08) are read`);
  const ndim = view.getUint8(3);
  if (ndim !== dims) throw new InvalidInputError(`${name}: ${ndim} dimensions, expected ${dims}`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new InvalidInputError(`${name}: header truncated (${bytes.length} bytes, the header needs ${headerBytes})`);
  const shape: number[] = [];
  // The product stays exact while it is at most the file's length; past that the file is short anyway.
  let count = 1;
  for (let d = 0; d < ndim; d++) {
    const n = view.getUint32(4 + 4 * d);
    shape.push(n);
    count *= n;
  }
  const dataBytes = bytes.length - headerBytes;
  if (count !== dataBytes) {
    throw new InvalidInputError(`${name}: the header's shape [${shape.join(', ')}] needs ${count} values, the file holds ${dataBytes}${count > dataBytes ? ' (truncated)' : ''}`);
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

/** Gunzips when the bytes start with gzip's magic, with a cap on the output. */
export function maybeGunzip(bytes: Uint8Array, name: string, maxBytes = MAX_IDX_BYTES): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`${name}: gzip data could not be read (${why})`, { cause: error });
  }
}

/** Reads an idx file (gzip or raw) of `dims` dimensions. */
export async function readIdxFile(path: string, dims: number): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InvalidInputError(`cannot read ${path}: ${why}`, { cause: error });
  }
  return parseIdx(maybeGunzip(bytes, path), dims, path);
}
