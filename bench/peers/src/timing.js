// Shared timing protocol (browser + Node). Headline = median wall ms per predictive call.
export const now = () => performance.now();

// Runs `call()` (async, returns stats) warmup times untimed, then >= minReps timed calls;
// keeps going while the timed total is below targetMs (up to maxReps).
// Budget rule (run.sh keeps the whole run near 10 minutes; FULL=1 disables it, slowMs = null):
//   first warm-up call <= slowMs (2 s)          -> full protocol: 3 warm-up + >= 10 timed calls
//   slowMs < first call <= verySlowMs (8 s)     -> 2 warm-up + 3 timed calls, record.reduced = 1
//   first call > verySlowMs                     -> 1 warm-up + 1 timed call,  record.reduced = 2
export async function timeCalls(call, { warmup = 3, minReps = 10, maxReps = 40, targetMs = 2500, slowMs = null, verySlowMs = 8000 } = {}) {
  const t0 = now();
  let last = await call();
  const first = now() - t0;
  let reduced = 0;
  if (slowMs != null && first > verySlowMs) {
    reduced = 2;
    warmup = 1;
    minReps = 1;
  } else if (slowMs != null && first > slowMs) {
    reduced = 1;
    warmup = 2;
    minReps = 3;
  }
  for (let i = 1; i < warmup; i++) await call();
  const times = [];
  let total = 0;
  while (times.length < minReps || (!reduced && total < targetMs && times.length < maxReps)) {
    const t0 = now();
    last = await call();
    const dt = now() - t0;
    times.push(dt);
    total += dt;
  }
  return { times, last, warmup, reduced, first_ms: first };
}

export function summarize(times) {
  const s = [...times].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median_ms: q(0.5), min_ms: s[0], p90_ms: q(0.9), reps: s.length };
}

// Build the result record written to results/*.json (the stats go to the cross-check).
export function record(impl, cfg, dOut, timing, extra = {}) {
  const { mean, variance, lpd } = timing.last;
  return {
    impl,
    config: cfg.id,
    N: cfg.N,
    S: cfg.S,
    dOut,
    warmup: timing.warmup,
    reduced: timing.reduced ?? 0,
    first_call_ms: timing.first_ms,
    ...summarize(timing.times),
    times_ms: timing.times.map((t) => +t.toFixed(3)),
    extra,
    stats: { mean: Array.from(mean), variance: Array.from(variance), lpd: Array.from(lpd) },
  };
}
