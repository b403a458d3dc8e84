/**
 * Merging UCI runs that searched the same grid at different learning rates into the run that
 * searches all those rates (`npm run uci -- --merge a.json,b.json`).
 *
 * Why it is exact: the search trains each rate in its own train() calls, keyed by the rate
 * (protocol.ts), and a split's final model has the same streams whichever point it chose. So the
 * candidates of `--lr-grid a,b` at rate a are the candidates of the run at rate a alone, and a
 * split's test scores are those of the run whose rate won on validation. Merging therefore gives
 * what the single run gives (checked on the toy folder in test/bench/uci.test.ts, and on the 20
 * splits of all five UCI data sets in bench/README.md), at the cost of one more final phase: a rate can be added to a
 * finished search without training the others again.
 *
 * What can be merged: runs of the same data set, method, adapter and settings (everything but the
 * rates), each a full cross of the same base grid (the points without their rate, in the same
 * order) with its own rates, no rate in two runs. The merged grid is the base grid crossed with
 * the runs' rates in the order given, as `--lr-grid` orders it; ties on validation go to the
 * earlier point in that order, as in a single run.
 */
import { InvalidInputError } from '../../src/errors.js';
import type { HyperPoint } from './methods.js';
import type { CandidateScore, UciSettings, UciSplitResult } from './protocol.js';
import { meanSe, type UciSummary } from './summary.js';

/** One file to merge: its name (for errors and the record) and its summary. */
export interface NamedSummary {
  readonly name: string;
  readonly summary: UciSummary;
}

/** Settings that must agree: everything but the grid (which carries the rates). */
const SAME_SETTINGS: readonly (keyof UciSettings)[] = [
  'method',
  'inputDim',
  'hidden',
  'activation',
  'epochs',
  'batchSize',
  'lr',
  'schedule',
  'optimizer',
  'samples',
  'validationSamples',
  'validationFraction',
  'members',
  'ensembleDensity',
  'adversarialEpsilon',
  'heteroscedastic',
  'betaNll',
  'splits',
  'seed',
];

/** A point without its rate, as a comparable key (fields in a fixed order). */
function baseKey(p: HyperPoint): string {
  return JSON.stringify([p.dropout, p.tau, p.priorScale, p.epochs]);
}

/** A point's rate: its own, or the run's for a point without one. */
function rateOf(p: HyperPoint, runRate: number): number {
  return p.lr ?? runRate;
}

/** Whether `p` (of a run at `runRate`) is the merged grid's point `q` (which carries its rate). */
function isPoint(p: HyperPoint, runRate: number, q: HyperPoint): boolean {
  return baseKey(p) === baseKey(q) && rateOf(p, runRate) === q.lr;
}

function withoutRate(p: HyperPoint): HyperPoint {
  const { lr: _lr, ...rest } = p;
  return rest;
}

interface RateSearch {
  readonly name: string;
  readonly summary: UciSummary;
  /** The distinct base points, in grid order. */
  readonly base: readonly HyperPoint[];
  readonly rates: readonly number[];
}

/** The run's base grid and rates, checking the grid crosses them fully. */
function rateSearch({ name, summary }: NamedSummary): RateSearch {
  // A summary read from a file: its grid may be missing.
  const givenGrid: unknown = summary.settings.grid;
  const grid: readonly HyperPoint[] = Array.isArray(givenGrid) ? summary.settings.grid : [];
  if (grid.length < 2) throw new InvalidInputError(`${name}: the run searched no grid (one point or none), so there is nothing to merge`);
  const runRate = summary.settings.lr;
  if (typeof runRate !== 'number') throw new InvalidInputError(`${name}: no 'settings.lr', so the rates of its points are unknown`);
  const t = summary.timing;
  if (typeof t.trainMs !== 'number' || typeof t.scoreMs !== 'number' || !isList(t.trainCalls)) {
    throw new InvalidInputError(`${name}: 'timing' lacks trainMs, scoreMs or trainCalls`);
  }
  const base: HyperPoint[] = [];
  const rates: number[] = [];
  const seen = new Set<string>();
  for (const p of grid) {
    const key = baseKey(p);
    if (!base.some((b) => baseKey(b) === key)) base.push(withoutRate(p));
    const rate = rateOf(p, runRate);
    if (!rates.includes(rate)) rates.push(rate);
    const pair = `${key}@${rate}`;
    if (seen.has(pair)) throw new InvalidInputError(`${name}: the grid lists a point twice (${pair})`);
    seen.add(pair);
  }
  if (grid.length !== base.length * rates.length) {
    throw new InvalidInputError(`${name}: the grid is not the base grid crossed with its rates (${grid.length} points, ${base.length} base points, ${rates.length} rates)`);
  }
  // Runs made before each rate had calls of its own trained several rates per call, so their
  // candidates differ from single-rate runs: a call then held more models than one rate has.
  const perRate = base.length * summary.splits.length * (summary.method === 'ensemble' ? summary.settings.members : 1);
  if (rates.length > 1 && t.trainCalls.some((c) => c.phase === 'search' && c.models > perRate)) {
    throw new InvalidInputError(
      `${name}: a search call trained more models than one rate has (${perRate}): the run trained its rates together, as before they were searched in calls of their own, so it cannot be merged`,
    );
  }
  for (const s of summary.splits) {
    if (!Array.isArray(s.validation) || s.validation.length !== grid.length) {
      throw new InvalidInputError(`${name}: split ${s.split} has ${Array.isArray(s.validation) ? s.validation.length : 'no'} validation scores for ${grid.length} grid points`);
    }
  }
  return { name, summary, base, rates };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A candidate's validation log-likelihood; NaN (null in JSON) ranks last, as in the protocol. */
function rank(c: CandidateScore): number {
  return typeof c.ll === 'number' && !Number.isNaN(c.ll) ? c.ll : -Infinity;
}

/** The run searching all the runs' rates; see the file comment. */
export function mergeRateSearches(runs: readonly NamedSummary[]): UciSummary {
  if (runs.length < 2) throw new InvalidInputError(`merging needs at least two runs, got ${runs.length}`);
  const searches = runs.map(rateSearch);
  const first = searches[0] as RateSearch;
  const a = first.summary;
  for (const other of searches.slice(1)) {
    const b = other.summary;
    const differ = (what: string, x: unknown, y: unknown) =>
      new InvalidInputError(`${other.name}: ${what} is ${JSON.stringify(y)}, ${first.name} has ${JSON.stringify(x)}; only runs that differ in their rates merge`);
    if (a.dataset !== b.dataset) throw differ('the data set', a.dataset, b.dataset);
    for (const key of SAME_SETTINGS) if (!same(a.settings[key], b.settings[key])) throw differ(`settings.${key}`, a.settings[key], b.settings[key]);
    if (!same(a.adapter, b.adapter)) throw differ('the adapter', a.adapter, b.adapter);
    if (
      !same(
        a.splits.map((s) => s.split),
        b.splits.map((s) => s.split),
      )
    )
      throw differ(
        'the list of splits',
        a.splits.map((s) => s.split),
        b.splits.map((s) => s.split),
      );
    if (!same(first.base.map(baseKey), other.base.map(baseKey))) throw differ('the base grid (points without their rate)', first.base, other.base);
  }
  const owner = new Map<number, RateSearch>();
  for (const s of searches) {
    for (const r of s.rates) {
      const earlier = owner.get(r);
      if (earlier) throw new InvalidInputError(`${s.name}: rate ${r} was also searched by ${earlier.name}; each rate must come from one run`);
      owner.set(r, s);
    }
  }
  const rates = searches.flatMap((s) => s.rates);
  const grid = first.base.flatMap((p) => rates.map((lr): HyperPoint => ({ ...p, lr })));

  const splits = a.splits.map((split, k): UciSplitResult => {
    const validation = grid.map((point): CandidateScore => {
      const from = owner.get(point.lr as number) as RateSearch;
      const found = from.summary.splits[k]?.validation.find((c) => isPoint(c.point, from.summary.settings.lr, point));
      if (!found) throw new InvalidInputError(`${from.name}: split ${split.split} has no validation score for ${JSON.stringify(point)}`);
      return { ...found, point };
    });
    let best = validation[0] as CandidateScore;
    for (const c of validation) if (rank(c) > rank(best)) best = c;
    const from = owner.get(best.point.lr as number) as RateSearch;
    const result = from.summary.splits[k] as UciSplitResult;
    if (!isPoint(result.chosen, from.summary.settings.lr, best.point)) {
      throw new InvalidInputError(`${from.name}: split ${split.split} chose ${JSON.stringify(result.chosen)}, not its best validation point ${JSON.stringify(best.point)}`);
    }
    return { ...result, chosen: best.point, validation };
  });

  const timings = searches.map((s) => s.summary.timing);
  return {
    rmse: meanSe(splits.map((s) => s.rmse)),
    ll: meanSe(splits.map((s) => s.ll)),
    splits,
    dataset: a.dataset,
    method: a.method,
    settings: { ...a.settings, grid },
    timing: {
      wallMs: timings.reduce((t, x) => t + x.wallMs, 0),
      trainMs: timings.reduce((t, x) => t + x.trainMs, 0),
      scoreMs: timings.reduce((t, x) => t + x.scoreMs, 0),
      trainCalls: timings.flatMap((x) => x.trainCalls),
    },
    adapter: a.adapter,
    published: a.published,
    mergedFrom: searches.map((s) => s.name),
  };
}

/** Array.isArray through an unknown, so a typed list read from a file is not narrowed to any[]. */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}
