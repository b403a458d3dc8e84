/**
 * The timing protocol of WORKLOAD.md in TypeScript (the plain-JavaScript peers use
 * bench/peers/src/timing.js, the same rule): warm-up calls, then timed calls; the median is the
 * headline. Budget rule (keeps the default run near 10 minutes on a 2-core machine; slowMs = null
 * turns it off): first call <= slowMs -> 3 warm-up + >= 10 timed (up to 40 while under 2.5 s);
 * slowMs < first <= verySlowMs -> 2 warm-up + 3 timed (reduced 1); slower -> 1 + 1 (reduced 2).
 */
export interface TimingOptions {
  readonly slowMs: number | null;
  readonly verySlowMs?: number;
}

export interface Timing<T> {
  readonly times: number[];
  readonly last: T;
  readonly warmup: number;
  readonly reduced: 0 | 1 | 2;
  readonly firstMs: number;
}

export async function timeCalls<T>(call: () => Promise<T>, options: TimingOptions): Promise<Timing<T>> {
  const verySlowMs = options.verySlowMs ?? 8000;
  let t0 = performance.now();
  let last = await call();
  const firstMs = performance.now() - t0;
  let warmup = 3;
  let minReps = 10;
  let reduced: 0 | 1 | 2 = 0;
  if (options.slowMs !== null && firstMs > verySlowMs) [reduced, warmup, minReps] = [2, 1, 1];
  else if (options.slowMs !== null && firstMs > options.slowMs) [reduced, warmup, minReps] = [1, 2, 3];
  for (let i = 1; i < warmup; i++) await call();
  const times: number[] = [];
  let total = 0;
  while (times.length < minReps || (reduced === 0 && total < 2500 && times.length < 40)) {
    t0 = performance.now();
    last = await call();
    const dt = performance.now() - t0;
    times.push(dt);
    total += dt;
  }
  return { times, last, warmup, reduced, firstMs };
}

/** Median, min and p90 as WORKLOAD.md's records give them (nearest rank). */
export function summarize(times: readonly number[]): { median_ms: number; min_ms: number; p90_ms: number; reps: number } {
  const s = [...times].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))] ?? NaN;
  return { median_ms: q(0.5), min_ms: s[0] ?? NaN, p90_ms: q(0.9), reps: s.length };
}
