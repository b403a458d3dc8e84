/**
 * The programs of 'hmc''s sampling stage (src/train/hmc.ts): the gather (once: the batch is every
 * row), the gradient programs with the loss stored rather than accumulated (the potential at the
 * current θ), the chains' start, and the transition's own: 'hmc''s fixed-length trajectory and
 * Metropolis step (src/kernels/train/hmc.ts) or 'nuts''s tree (src/kernels/train/nuts.ts).
 */
import { hmcAcceptProgram, hmcLeapfrogProgram, hmcMomentumProgram, hmcRestoreProgram, hmcStartProgram } from '../kernels/train/hmc.js';
import { nutsPrograms, type NutsProgramSet } from '../kernels/train/nuts.js';
import { gatherProgram } from '../kernels/train/data.js';
import type { Program } from '../kernels/program.js';
import type { PreparedHmc } from '../objective/hmc.js';
import type { PreparedRun } from '../objective/prepare.js';
import type { TrainShape } from '../objective/shape.js';
import { gradientPrograms } from './step-programs.js';

/** 'hmc''s transition: momentum, L leapfrog steps, the Metropolis step, the restore of a rejected θ. */
export interface FixedLengthPrograms {
  readonly momentum: Program<void>;
  readonly kickDrift: Program<void>;
  readonly kick: Program<void>;
  readonly accept: Program<void>;
  readonly restore: Program<void>;
}

export interface HmcPrograms {
  readonly gather: Program<void>;
  /** Forward, loss ('store') and backward: U(θ)/N into epoch_loss, its gradient into grad. */
  readonly gradient: readonly Program<void>[];
  readonly start: Program<void>;
  /** Exactly one of these, by hmc.algorithm. */
  readonly hmc: FixedLengthPrograms | null;
  readonly nuts: NutsProgramSet | null;
  readonly all: readonly Program<void>[];
}

export function hmcPrograms(shape: TrainShape, run: Pick<PreparedRun, 'kernelStrategy' | 'tile'>, hmc: PreparedHmc): HmcPrograms {
  const gather = gatherProgram(shape);
  const gradient = gradientPrograms(shape, run, 'store');
  const start = hmcStartProgram(shape, hmc);
  const fixed: FixedLengthPrograms | null =
    hmc.algorithm === 'hmc'
      ? {
          momentum: hmcMomentumProgram(shape),
          kickDrift: hmcLeapfrogProgram(shape, true),
          kick: hmcLeapfrogProgram(shape, false),
          accept: hmcAcceptProgram(shape, hmc),
          restore: hmcRestoreProgram(shape),
        }
      : null;
  const nuts = hmc.algorithm === 'nuts' ? nutsPrograms(shape, hmc) : null;
  const own: Program<void>[] = fixed
    ? [fixed.momentum, fixed.kickDrift, fixed.kick, fixed.accept, fixed.restore]
    : nuts
      ? [nuts.begin, nuts.double, nuts.kickDrift, nuts.kick, nuts.leaf, nuts.combine, nuts.end]
      : [];
  return { gather, gradient, start, hmc: fixed, nuts, all: [gather, ...gradient, start, ...own] };
}
