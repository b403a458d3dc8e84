/**
 * The programs of 'hmc''s sampling stage (src/train/hmc.ts): the gather (once: the batch is every
 * row), the gradient programs with the loss stored rather than accumulated (the potential at the
 * current θ), and the sampler's own (src/kernels/train/hmc.ts).
 */
import { hmcAcceptProgram, hmcLeapfrogProgram, hmcMomentumProgram, hmcRestoreProgram, hmcStartProgram } from '../kernels/train/hmc.js';
import { gatherProgram } from '../kernels/train/data.js';
import type { Program } from '../kernels/program.js';
import type { PreparedHmc } from '../objective/hmc.js';
import type { PreparedRun } from '../objective/prepare.js';
import type { TrainShape } from '../objective/shape.js';
import { gradientPrograms } from './step-programs.js';

export interface HmcPrograms {
  readonly gather: Program<void>;
  /** Forward, loss ('store') and backward: U(θ)/N into epoch_loss, its gradient into grad. */
  readonly gradient: readonly Program<void>[];
  readonly start: Program<void>;
  readonly momentum: Program<void>;
  readonly kickDrift: Program<void>;
  readonly kick: Program<void>;
  readonly accept: Program<void>;
  readonly restore: Program<void>;
  readonly all: readonly Program<void>[];
}

export function hmcPrograms(shape: TrainShape, run: Pick<PreparedRun, 'kernelStrategy' | 'tile'>, hmc: PreparedHmc): HmcPrograms {
  const parts = {
    gather: gatherProgram(shape),
    gradient: gradientPrograms(shape, run, 'store'),
    start: hmcStartProgram(shape, hmc),
    momentum: hmcMomentumProgram(shape),
    kickDrift: hmcLeapfrogProgram(shape, true),
    kick: hmcLeapfrogProgram(shape, false),
    accept: hmcAcceptProgram(shape, hmc),
    restore: hmcRestoreProgram(shape),
  };
  const { gather, gradient, start, momentum, kickDrift, kick, accept, restore } = parts;
  return { ...parts, all: [gather, ...gradient, start, momentum, kickDrift, kick, accept, restore] };
}
