/** The data files' sha256 check. */
import { describe, expect, it } from 'vitest';
import { checksumProblem, sha256Hex } from '../../../bench/peers/lib/checksum.js';

const ABC = new TextEncoder().encode('abc');
// FIPS 180-2's test vector for 'abc'.
const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('data checksum', () => {
  it('hashes with sha256', () => {
    expect(sha256Hex(ABC)).toBe(ABC_SHA256);
  });

  it('accepts the full hash or a prefix of 16 digits or more', () => {
    expect(checksumProblem('uci', ABC, ABC_SHA256)).toBeNull();
    expect(checksumProblem('uci', ABC, ABC_SHA256.slice(0, 16))).toBeNull();
  });

  it('names the file and both hashes when the bytes differ', () => {
    const problem = checksumProblem('wide', new TextEncoder().encode('abd'), ABC_SHA256);
    expect(problem).toMatch(/^data\/wide\.bin: sha256 [0-9a-f]{16}… differs from the expected ba7816bf8f01cfea…/);
  });

  it('rejects an expected hash that is not 16-64 hex digits', () => {
    expect(checksumProblem('uci', ABC, 'ba7816')).toMatch(/not 16-64 lowercase hex digits/);
    expect(checksumProblem('uci', ABC, '')).toMatch(/not 16-64 lowercase hex digits/);
  });
});
