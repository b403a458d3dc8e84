/**
 * The random-stream identity of each model the UCI protocol trains (ModelHyper.stream, src/random/
 * train-streams.ts), so a model's draws depend on what it is, not on which models share its
 * train() call or how the jobs were cut into calls (--max-models-per-call, the device's limits).
 *
 * A model is (split, point, member): the split's index in the data set's splits, the grid point's
 * identity (gridPointIdentities) and the ensemble member (0 for the single-model methods). They are
 * packed into the u32 stream as
 *
 *   stream = split * 2^22 + point * 2^12 + member,  split < 1023, point < 1024, member < 4096,
 *
 * a bijection on those ranges (no two models share a stream) that stays below 2^32 - 1, the first
 * value ModelHyper.stream refuses. The packing is part of the benchmark's results: changing it
 * changes every number, so it is pinned by test/bench/uci-identity.test.ts.
 */
import { InvalidInputError } from '../../src/errors.js';
import type { HyperPoint } from './methods.js';

export interface UciModelIdentity {
  readonly split: number;
  readonly point: number;
  readonly member: number;
}

export const IDENTITY_SPLITS = 1023;
export const IDENTITY_POINTS = 1024;
export const IDENTITY_MEMBERS = 4096;

function field(value: number, count: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= count) throw new InvalidInputError(`a UCI model's ${name} must be an integer in [0, ${count - 1}], got ${String(value)}`);
  return value;
}

/** The packed stream of a model (see the file comment). */
export function uciStream(id: UciModelIdentity): number {
  const split = field(id.split, IDENTITY_SPLITS, 'split');
  const point = field(id.point, IDENTITY_POINTS, 'grid point');
  const member = field(id.member, IDENTITY_MEMBERS, 'member');
  return split * 2 ** 22 + point * 2 ** 12 + member;
}

/**
 * Each grid point's identity: its position among the points at its learning rate (a point without
 * one is at `runRate`), in grid order. A method's grid crossed with learning rates
 * (methods.ts, methodPlan) lists every base point once per rate, so a point's identity is its
 * base point's index at every rate: the candidates at the run's rate draw what the same run without
 * the rate search draws, and those at another rate are told apart by the seed (protocol.ts).
 */
export function gridPointIdentities(grid: readonly HyperPoint[], runRate: number): number[] {
  const seen = new Map<number, number>();
  return grid.map((p) => {
    const rate = p.lr ?? runRate;
    const index = seen.get(rate) ?? 0;
    seen.set(rate, index + 1);
    return index;
  });
}
