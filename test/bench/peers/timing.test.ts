/** The timing protocol's budget rule, on a fake clock (no real waiting). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { summarize, timeCalls } from '../../../bench/peers/lib/timing.js';

/** A call that takes `durations[i]` ms on a fake clock (the last one repeats). */
function fakeCalls(durations: readonly number[]): { call: () => Promise<number>; count: () => number } {
  let clock = 0;
  let i = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
  return {
    call: () => {
      clock += durations[Math.min(i, durations.length - 1)] ?? NaN;
      return Promise.resolve(i++);
    },
    count: () => i,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('peer timing protocol', () => {
  it('fast calls: 3 warm-up, then timed calls until 2.5 s (at least 10, at most 40)', async () => {
    const f = fakeCalls([100]);
    const t = await timeCalls(f.call, { slowMs: 2000 });
    expect([t.reduced, t.warmup, t.times.length, f.count()]).toEqual([0, 3, 25, 28]);
    const g = fakeCalls([1]);
    expect((await timeCalls(g.call, { slowMs: 2000 })).times.length).toBe(40);
    const h = fakeCalls([1000]);
    expect((await timeCalls(h.call, { slowMs: 2000 })).times.length).toBe(10);
  });

  it('a first call over 2 s: 2 warm-up and 3 timed; over 8 s: 1 and 1', async () => {
    const f = fakeCalls([3000, 500]);
    const t = await timeCalls(f.call, { slowMs: 2000 });
    expect([t.reduced, t.warmup, t.times, t.firstMs, f.count()]).toEqual([1, 2, [500, 500, 500], 3000, 5]);
    const g = fakeCalls([9000, 7000]);
    const u = await timeCalls(g.call, { slowMs: 2000 });
    expect([u.reduced, u.warmup, u.times, g.count()]).toEqual([2, 1, [7000], 2]);
  });

  it('slowMs null (FULL=1) keeps the full protocol however slow', async () => {
    const f = fakeCalls([9000]);
    const t = await timeCalls(f.call, { slowMs: null });
    expect([t.reduced, t.warmup, t.times.length]).toEqual([0, 3, 10]);
    expect(t.last).toBe(12);
  });

  it('summarises with nearest-rank median and p90', () => {
    expect(summarize([5, 1, 3, 2, 4])).toEqual({ median_ms: 3, min_ms: 1, p90_ms: 5, reps: 5 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median_ms: 3, min_ms: 1, p90_ms: 4, reps: 4 });
  });
});
