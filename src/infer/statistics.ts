/**
 * The planes of the statistics buffer the finalize program writes: [plane][N, D] in this order,
 * then the log predictive density [N]. The order is fixed here and read by name.
 */
export const STAT_PLANES = ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper'] as const;

export type StatPlane = (typeof STAT_PLANES)[number];

/** Floats of the statistics buffer for N inputs, D outputs (with the density plane). */
export function statisticsFloats(n: number, D: number): number {
  return STAT_PLANES.length * n * D + n;
}

/** Each named plane of a read-back statistics buffer, and the density plane (of length N). */
export function readPlanes(stats: Float32Array, n: number, D: number): Record<StatPlane, Float32Array> & { logPredictiveDensity: Float32Array } {
  const plane = n * D;
  const out = Object.fromEntries(STAT_PLANES.map((name, k) => [name, stats.slice(k * plane, (k + 1) * plane)])) as Record<StatPlane, Float32Array>;
  return { ...out, logPredictiveDensity: stats.slice(STAT_PLANES.length * plane, STAT_PLANES.length * plane + n) };
}
