/**
 * Seeded data sets for the training tests (the test generator, not the library's RNG, so the
 * tests stay independent of what they check).
 */
import { testRng } from './model-builders.js';

/** n rows of dim values uniform in [lo, hi). */
export function uniformRows(n: number, dim: number, lo: number, hi: number, seed: number): number[][] {
  const rand = testRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => lo + (hi - lo) * rand()));
}

/** Standard normal from the test generator (Box-Muller). */
export function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** y = sin(3x) + noise on x in [-1, 1]. */
export function sinData(n: number, noise: number, seed: number): { x: number[][]; y: number[] } {
  const x = uniformRows(n, 1, -1, 1, seed);
  const rand = testRng(seed + 1);
  return { x, y: x.map((r) => Math.sin(3 * (r[0] ?? 0)) + noise * gaussian(rand)) };
}

/** y = x + (0.1 + 0.5 |x|) ε on x uniform in [-2, 2]: noise that grows with |x| (heteroscedastic training). */
export function growingNoise(n: number, seed: number): { x: number[][]; y: number[] } {
  const x = uniformRows(n, 1, -2, 2, seed);
  const rand = testRng(seed + 1);
  return { x, y: x.map((r) => (r[0] ?? 0) + (0.1 + 0.5 * Math.abs(r[0] ?? 0)) * gaussian(rand)) };
}
