/**
 * The planes of the statistics buffer the finalize program writes: [plane][N, D] in this order,
 * then the log predictive density [N]. The order is fixed here and read by name.
 */
export const STAT_PLANES = ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper'] as const;

/**
 * A classifier's planes (shaders/infer/class-finalize.wgsl): the reductions over samples that
 * src/infer/classification.ts turns into its statistics on the host (O(N·K)).
 */
export const CLASS_PLANES = ['probs', 'probsVar', 'entropyTerms', 'votes'] as const;

export type StatPlane = (typeof STAT_PLANES)[number];
export type ClassPlane = (typeof CLASS_PLANES)[number];

/** Floats of the statistics buffer for N inputs, D outputs (with the density plane). */
export function statisticsFloats(n: number, D: number, classifier = false): number {
  return (classifier ? CLASS_PLANES : STAT_PLANES).length * n * D + n;
}

/** Each named plane of a read-back statistics buffer, and the density plane (of length N). */
export function readPlanes(stats: Float32Array, n: number, D: number): Record<StatPlane, Float32Array> & { logPredictiveDensity: Float32Array } {
  return readNamedPlanes(STAT_PLANES, stats, n, D);
}

/** A classifier's planes of a read-back statistics buffer, and the density plane. */
export function readClassPlanes(stats: Float32Array, n: number, D: number): Record<ClassPlane, Float32Array> & { logPredictiveDensity: Float32Array } {
  return readNamedPlanes(CLASS_PLANES, stats, n, D);
}

function readNamedPlanes<P extends string>(names: readonly P[], stats: Float32Array, n: number, D: number): Record<P, Float32Array> & { logPredictiveDensity: Float32Array } {
  const plane = n * D;
  const out = Object.fromEntries(names.map((name, k) => [name, stats.slice(k * plane, (k + 1) * plane)])) as Record<P, Float32Array>;
  return { ...out, logPredictiveDensity: stats.slice(names.length * plane, names.length * plane + n) };
}
