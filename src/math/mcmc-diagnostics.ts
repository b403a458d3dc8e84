/**
 * Convergence diagnostics of Markov chains (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021,
 * "Rank-normalization, folding, and localization: an improved R-hat"), as Stan computes them:
 *
 * - splitRHat: each chain is split in halves (a trend within a chain then shows as disagreement
 *   between its halves), the draws are rank-normalised (z = Φ⁻¹((rank − 3/8) / (S + 1/4)), so heavy
 *   tails do not hide poor mixing), and R-hat = sqrt(var⁺ / W) is taken of the normalised draws
 *   (bulk) and of the normalised |draw − median| (folded: chains with equal locations but unequal
 *   scales); the larger is returned. Values near 1 (below 1.01) indicate mixed chains.
 * - effectiveSampleSize: the bulk ESS, the multi-chain autocorrelation of the rank-normalised
 *   split chains summed by Geyer's initial monotone sequence (Stan's ess.hpp), capped at
 *   S log10 S as Stan caps it.
 *
 * Chains are given as arrays of equal length, at least 4 draws each (2 per half). A quantity that
 * is constant across all draws has no defined R-hat or ESS: both return NaN, as Stan's do.
 */
import { InvalidInputError } from '../errors.js';
import { normalQuantile } from './special.js';

/** The chains checked: at least one, equal lengths >= 4, finite draws; copied into float64. */
function readChains(chains: readonly ArrayLike<number>[], what: string): Float64Array[] {
  // Checked through an unknown: Array.isArray would narrow the typed list to any[].
  const given: unknown = chains;
  if (!Array.isArray(given) || chains.length === 0) throw new InvalidInputError(`${what} needs at least one chain`);
  const n = (chains[0] as ArrayLike<number>).length;
  if (!(n >= 4)) throw new InvalidInputError(`${what} needs at least 4 draws per chain, got ${n}`);
  return chains.map((chain, c) => {
    if (chain.length !== n) throw new InvalidInputError(`${what}: chain ${c} has ${chain.length} draws, chain 0 has ${n}`);
    const copy = Float64Array.from(chain);
    const bad = copy.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InvalidInputError(`${what}: chain ${c} draw ${bad} is ${copy[bad]}, not a finite number`);
    return copy;
  });
}

/** Each chain cut into its first and second half (the middle draw of an odd length dropped). */
function splitChains(chains: readonly Float64Array[]): Float64Array[] {
  const half = Math.floor((chains[0] as Float64Array).length / 2);
  return chains.flatMap((c) => [c.slice(0, half), c.slice(c.length - half)]);
}

/** Draws replaced by the normal scores of their ranks over all chains (ties get their average rank). */
function rankNormalize(chains: readonly Float64Array[]): Float64Array[] {
  const n = (chains[0] as Float64Array).length;
  const total = chains.length * n;
  const all = new Float64Array(total);
  chains.forEach((c, j) => all.set(c, j * n));
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => (all[a] as number) - (all[b] as number));
  const ranks = new Float64Array(total);
  for (let i = 0; i < total;) {
    let k = i;
    while (k + 1 < total && all[order[k + 1] as number] === all[order[i] as number]) k++;
    const rank = (i + k) / 2 + 1;
    for (let r = i; r <= k; r++) ranks[order[r] as number] = rank;
    i = k + 1;
  }
  return chains.map((_, j) => Float64Array.from({ length: n }, (_, t) => normalQuantile(((ranks[j * n + t] as number) - 0.375) / (total + 0.25))));
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** The classic R-hat of equal-length chains: sqrt(((n − 1)/n W + B/n) / W). */
function rHat(chains: readonly Float64Array[]): number {
  const n = (chains[0] as Float64Array).length;
  const m = chains.length;
  const means = chains.map(mean);
  const grand = mean(means);
  const between = m > 1 ? (n / (m - 1)) * means.reduce((s, mu) => s + (mu - grand) ** 2, 0) : 0;
  const within = mean(chains.map((c, j) => c.reduce((s, v) => s + (v - (means[j] as number)) ** 2, 0) / (n - 1)));
  if (!(within > 0)) return NaN;
  return Math.sqrt((((n - 1) / n) * within + between / n) / within);
}

function median(chains: readonly Float64Array[]): number {
  const all = Float64Array.from(chains.flatMap((c) => Array.from(c))).sort();
  const mid = all.length >> 1;
  return all.length % 2 === 1 ? (all[mid] as number) : ((all[mid - 1] as number) + (all[mid] as number)) / 2;
}

function isConstant(chains: readonly Float64Array[]): boolean {
  const first = (chains[0] as Float64Array)[0];
  return chains.every((c) => c.every((v) => v === first));
}

/** Rank-normalised split R-hat: the larger of the bulk and the folded value (NaN for a constant quantity). */
export function splitRHat(chains: readonly ArrayLike<number>[]): number {
  const split = splitChains(readChains(chains, 'splitRHat'));
  if (isConstant(split)) return NaN;
  const centre = median(split);
  const folded = split.map((c) => c.map((v) => Math.abs(v - centre)));
  const bulk = rHat(rankNormalize(split));
  const tail = isConstant(folded) ? NaN : rHat(rankNormalize(folded));
  return Number.isNaN(tail) ? bulk : Math.max(bulk, tail);
}

/** Autocovariance of one chain at lags 0..n−1, normalised by n (the biased estimate Stan uses). */
function autocovariance(chain: Float64Array): Float64Array {
  const n = chain.length;
  const mu = mean(chain);
  const centred = chain.map((v) => v - mu);
  const acov = new Float64Array(n);
  for (let lag = 0; lag < n; lag++) {
    let s = 0;
    for (let t = 0; t + lag < n; t++) s += (centred[t] as number) * (centred[t + lag] as number);
    acov[lag] = s / n;
  }
  return acov;
}

/** Stan's multi-chain ESS of equal-length chains (ess.hpp), without splitting or normalising. */
function essOfChains(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = (chains[0] as Float64Array).length;
  const acovs = chains.map(autocovariance);
  const acov = (lag: number) => mean(acovs.map((a) => a[lag] as number));
  const chainMeans = chains.map(mean);
  const meanVar = acov(0) * (n / (n - 1));
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) {
    const grand = mean(chainMeans);
    varPlus += chainMeans.reduce((s, mu) => s + (mu - grand) ** 2, 0) / (m - 1);
  }
  if (!(varPlus > 0)) return NaN;
  const rho = new Float64Array(n + 1);
  let even = 1;
  let odd = 1 - (meanVar - acov(1)) / varPlus;
  rho[0] = even;
  rho[1] = odd;
  let s = 1;
  while (s < n - 4 && even + odd > 0) {
    even = 1 - (meanVar - acov(s + 1)) / varPlus;
    odd = 1 - (meanVar - acov(s + 2)) / varPlus;
    if (even + odd >= 0) {
      rho[s + 1] = even;
      rho[s + 2] = odd;
    }
    s += 2;
  }
  const maxS = s;
  // Stan keeps a last positive even-lag term beyond the sequence.
  if (even > 0) rho[maxS + 1] = even;
  // Geyer's initial monotone sequence: pair sums may not increase.
  for (let t = 1; t <= maxS - 3; t += 2) {
    const previous = (rho[t - 1] as number) + (rho[t] as number);
    if ((rho[t + 1] as number) + (rho[t + 2] as number) > previous) {
      rho[t + 1] = previous / 2;
      rho[t + 2] = previous / 2;
    }
  }
  let sum = 0;
  for (let t = 0; t < maxS; t++) sum += rho[t] as number;
  const tau = -1 + 2 * sum + (rho[maxS + 1] as number);
  const total = m * n;
  return Math.min(total / tau, total * Math.log10(total));
}

/** Bulk effective sample size: Stan's ESS of the rank-normalised split chains (NaN for a constant quantity). */
export function effectiveSampleSize(chains: readonly ArrayLike<number>[]): number {
  const split = splitChains(readChains(chains, 'effectiveSampleSize'));
  if (isConstant(split)) return NaN;
  return essOfChains(rankNormalize(split));
}

/**
 * Split R-hat and bulk ESS of one quantity over its chains for a report: both NaN where they are
 * undefined (fewer than 4 draws a chain, or a draw not finite, e.g. a diverged sample) instead of
 * splitRHat's and effectiveSampleSize's errors.
 */
export function convergence(chains: readonly ArrayLike<number>[]): { readonly rHat: number; readonly ess: number } {
  const usable = chains.length > 0 && chains.every((c) => c.length >= 4 && c.length === chains[0]?.length && Array.from(c).every(Number.isFinite));
  return usable ? { rHat: splitRHat(chains), ess: effectiveSampleSize(chains) } : { rHat: NaN, ess: NaN };
}
