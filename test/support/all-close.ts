/** vitest's assertion over test/support/compare-close.ts: fails on any NaN/Inf mismatch or element out of bound. */
import { expect } from 'vitest';
import { compareClose, describeMismatches, type CloseReport } from './compare-close.js';

export { compareClose, relativeBound, toleranceBound, ulp32, type CloseReport, type Tolerance } from './compare-close.js';

/** Asserts every element of `got` is within its bound of `want`, NaN and infinities included. */
export function expectAllClose(got: ArrayLike<number>, want: ArrayLike<number>, bound: ArrayLike<number> | number, what: string): CloseReport {
  const report = compareClose(got, want, bound);
  expect(report.mismatches.length === 0, describeMismatches(what, report)).toBe(true);
  return report;
}
