/** The data files' integrity check: data/<name>.bin must hash to the sha256 its .json records. */
import { createHash } from 'node:crypto';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** null when the bytes match, else a one-line reason. `expected` may be a prefix (WORKLOAD.md quotes 16 digits). */
export function checksumProblem(name: string, bytes: Uint8Array, expected: string): string | null {
  if (!/^[0-9a-f]{16,64}$/.test(expected)) return `data/${name}.json: sha256 '${expected}' is not 16-64 lowercase hex digits`;
  const actual = sha256Hex(bytes);
  return actual.startsWith(expected)
    ? null
    : `data/${name}.bin: sha256 ${actual.slice(0, 16)}… differs from the expected ${expected.slice(0, 16)}… (regenerate with node bench/peers/src/gen_data.mjs)`;
}
