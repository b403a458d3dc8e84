/**
 * ModelHyper.stream on the host and in the float64 oracle: checked (an integer in [0, 2^32 - 2],
 * InvalidInputError naming the model otherwise), defaulting to the model's slot (so calls without
 * streams keep their draws), and keying every draw: in the oracle a model's θ and loss history are
 * the same, exactly, alone or in any call (float64 with the same operations in the same order),
 * except under the 'cosine' schedule when its epoch is shorter than the call's longest (index.ts,
 * MODELS), which the last test pins down.
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { prepareRun } from '../../src/objective/prepare.js';
import type { ModelHyper, TrainMethod, TrainOptions } from '../../src/objective/types.js';
import { oracleTrain } from '../../src/reference/train/index.js';
import { MAX_MODEL_STREAM, modelWord } from '../../src/random/train-streams.js';
import { testRng } from '../support/model-builders.js';

function dataset(rows: number, seed: number) {
  const rand = testRng(seed);
  const x = Array.from({ length: rows }, () => [4 * rand() - 2, 4 * rand() - 2]);
  const y = x.map((r) => Math.sin(r[0]! + r[1]!) + 0.2 * rand());
  return { x, y };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
/** The model with its default stream (its slot). */
const slotStream = ({ stream: _, ...rest }: ModelHyper): ModelHyper => rest;
const arch = { inputDim: 2, hidden: [4], activation: 'tanh' as const };
const data = dataset(40, 3);

function options(method: TrainMethod, models: readonly ModelHyper[], extra: Partial<TrainOptions> = {}): TrainOptions {
  return { method, epochs: 2, batchSize: 8, lr: 1e-2, seed: 9, models, ...extra };
}

describe('ModelHyper.stream', () => {
  it('is an integer in [0, 2^32 - 2]; anything else is an InvalidInputError naming the model', () => {
    expect(MAX_MODEL_STREAM).toBe(4294967294);
    expect(modelWord(MAX_MODEL_STREAM)).toBe(0xffffffff);
    for (const bad of [-1, 1.5, 2 ** 32 - 1, 2 ** 32, NaN, Infinity, '3', null, true]) {
      const run = () => prepareRun(arch, data, options('map', [{}, { stream: bad as number }]));
      expect(run).toThrow(InvalidInputError);
      expect(run).toThrow(/(model 1|models\[1\]): stream/);
    }
    expect(prepareRun(arch, data, options('map', [{ stream: 0 }, { stream: MAX_MODEL_STREAM }])).models.map((m) => m.stream)).toEqual([0, MAX_MODEL_STREAM]);
  });

  it("defaults to the model's slot, and two models may share a stream (the same draws: one initialisation and minibatch order)", () => {
    expect(prepareRun(arch, data, options('map', [{}, {}, { stream: 0 }])).models.map((m) => m.stream)).toEqual([0, 1, 0]);
    const implicit = oracleTrain(arch, data, options('mc-dropout', [{}, { rows: range(0, 20) }]));
    const explicit = oracleTrain(arch, data, options('mc-dropout', [{ stream: 0 }, { rows: range(0, 20), stream: 1 }]));
    expect(explicit.theta).toEqual(implicit.theta);
    const twins = oracleTrain(arch, data, options('mc-dropout', [{ stream: 5 }, { stream: 5 }]));
    expect(twins.theta[1]).toEqual(twins.theta[0]);
  });

  it.each(['vi', 'mc-dropout', 'ensemble', 'map'] as const)("%s: the oracle's model trains to the same θ alone and in slot 2 of a longer call", (method) => {
    const subject: ModelHyper = { rows: range(5, 20), priorScale: 0.7, stream: 123_456_789, ...(method === 'mc-dropout' ? { dropout: 0.2, tau: 4 } : {}) };
    const others: ModelHyper[] = [
      { rows: range(0, 36), lr: 3e-2 },
      { rows: range(20, 6), stream: 3 },
    ];
    const alone = oracleTrain(arch, data, options(method, [subject]));
    const shared = oracleTrain(arch, data, options(method, [...others, subject]));
    expect(shared.theta[2]).toEqual(alone.theta[0]);
    expect(shared.history.map((h) => h[2])).toEqual(alone.history.map((h) => h[0]));
    const slotKeyed = oracleTrain(arch, data, options(method, [...others, slotStream(subject)]));
    expect(slotKeyed.theta[2]).not.toEqual(alone.theta[0]);
  });

  it("'cosine': a model with as many steps per epoch as the call's longest is independent of it; a shorter one follows the longest's schedule", () => {
    const subject: ModelHyper = { rows: range(5, 20), stream: 42 };
    const cosine = { schedule: 'cosine' as const };
    const alone = oracleTrain(arch, data, options('map', [subject], cosine));
    // 20 and 24 rows: 3 steps of 8 each, so the call's global step is the subject's own.
    const equal = oracleTrain(arch, data, options('map', [{ rows: range(0, 24) }, subject], cosine));
    expect(equal.theta[1]).toEqual(alone.theta[0]);
    // 36 rows: 5 steps an epoch, the schedule runs over 10 steps and the subject's rate decays more slowly.
    const longer = oracleTrain(arch, data, options('map', [{ rows: range(0, 36) }, subject], cosine));
    expect(longer.theta[1]).not.toEqual(alone.theta[0]);
  });
});
