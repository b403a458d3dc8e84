/**
 * The one comparison every GPU-vs-oracle test uses (vitest through test/support/all-close.ts, Playwright
 * through e2e/helpers.ts). It fails on any NaN or infinity that the expected values do not have at
 * the same index (and on any the expected values have that the result lacks), wherever it is, and
 * on any finite element outside its bound.
 *
 * Bounds are per element (an array) or one number for all. Where they come from is the caller's
 * rule, stated at the call site: the engine tests derive them from the magnitudes of the
 * computation (test/support/error-bound.ts); `toleranceBound` states explicit absolute, relative and ULP
 * terms, `relativeBound` the classic atol + rtol |want| form.
 */
export interface Mismatch {
  readonly index: number;
  readonly got: number;
  readonly want: number;
  readonly bound: number;
}

export interface CloseReport {
  /** Elements out of bound or with a non-finite mismatch. */
  readonly mismatches: readonly Mismatch[];
  readonly count: number;
  /** Largest |got - want| / bound over finite elements (0 when all are exact): how tight the bound was. */
  readonly worstRatio: number;
}

const sameNonFinite = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

/** Compares without asserting (the fuzz script counts mismatches across cases). */
export function compareClose(got: ArrayLike<number>, want: ArrayLike<number>, bound: ArrayLike<number> | number): CloseReport {
  const mismatches: Mismatch[] = [];
  let worstRatio = 0;
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i] ?? NaN;
    const w = want[i] ?? NaN;
    const b = typeof bound === 'number' ? bound : (bound[i] ?? NaN);
    if (!Number.isFinite(g) || !Number.isFinite(w)) {
      if (!sameNonFinite(g, w)) mismatches.push({ index: i, got: g, want: w, bound: b });
      continue;
    }
    const err = Math.abs(g - w);
    // A NaN or negative bound is the caller's bug: it must not pass silently either.
    if (!(b >= 0) || !(err <= b)) {
      mismatches.push({ index: i, got: g, want: w, bound: b });
      continue;
    }
    if (b > 0) worstRatio = Math.max(worstRatio, err / b);
    else if (err > 0) worstRatio = Infinity;
  }
  if (got.length !== want.length) mismatches.unshift({ index: -1, got: got.length, want: want.length, bound: 0 });
  return { mismatches, count: n, worstRatio };
}

/** The report as one message: the count out of bound and the first few elements. */
export function describeMismatches(what: string, report: CloseReport): string {
  const first = report.mismatches[0];
  if (first?.index === -1) return `${what}: length ${first.got}, expected ${first.want}`;
  const shown = report.mismatches
    .slice(0, 5)
    .map((m) => `[${m.index}] got ${m.got}, want ${m.want}, |diff| ${Math.abs(m.got - m.want).toPrecision(3)} > bound ${m.bound.toPrecision(3)}`)
    .join('; ');
  return `${what}: ${report.mismatches.length} of ${report.count} elements out of bound: ${shown}`;
}

/** Tolerance terms, added per element: |got - want| <= abs + rel |want| + ulps ulp32(want). */
export interface Tolerance {
  /** Absolute term. */
  readonly abs?: number;
  /** Relative term, a fraction of |want|. */
  readonly rel?: number;
  /** Units in the last place of want in float32 (the spacing of float32 values at |want|). */
  readonly ulps?: number;
}

/** The spacing of float32 values at |x|: 2^(e - 23) for a normal x = m 2^e, the subnormal spacing 2^-149 below. */
export function ulp32(x: number): number {
  const a = Math.abs(Math.fround(x));
  if (!Number.isFinite(a)) return NaN;
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** Per-element bound from explicit tolerances (NaN where want is not finite: such elements must match exactly). */
export function toleranceBound(want: ArrayLike<number>, t: Tolerance): Float64Array {
  const { abs = 0, rel = 0, ulps = 0 } = t;
  return Float64Array.from({ length: want.length }, (_, i) => {
    const w = want[i] ?? NaN;
    if (!Number.isFinite(w)) return NaN;
    return abs + rel * Math.abs(w) + (ulps > 0 ? ulps * ulp32(w) : 0);
  });
}

/** Per-element bound atol + rtol |want| (the classic form; toleranceBound with abs and rel). */
export function relativeBound(want: ArrayLike<number>, rtol: number, atol = rtol): Float64Array {
  return toleranceBound(want, { abs: atol, rel: rtol });
}
