/**
 * A training request resolved for the oracle. Validation, defaults, row lists and standardisation
 * statistics come from src/objective/prepare.ts, the GPU trainer's own preparation, so both train on
 * identical inputs; this adds each model's standardised copy of its rows and the rows of a
 * minibatch.
 */
import type { Standardization } from '../../model/spec.js';
import type { ArchitectureSpec } from '../../objective/architecture.js';
import { trainLayout, type TrainLayout } from '../../objective/layout.js';
import type { ObjectiveMethod, ViEstimator } from '../../objective/methods.js';
import { prepareRun } from '../../objective/prepare.js';
import type { PreparedModel, PreparedRun } from '../../objective/prepare.js';
import type { TrainData, TrainOptions } from '../../objective/types.js';
import type { Key } from '../../random/draws.js';
import { permute, shuffleKeys } from '../../random/shuffle.js';
import { seedToKey } from '../../random/streams.js';

/** One model's share of the request. */
export interface ModelSetup {
  readonly index: number;
  /** Rows (indices into the data, a row may repeat), statistics and hyper-parameters, resolved. */
  readonly prepared: PreparedModel;
  readonly n: number;
  /** Standardised inputs [n, inputDim] and targets [n, targetWidth] (standardised only for normal), in the order of prepared.rows. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly standardization: Standardization;
}

export interface TrainingSetup {
  readonly method: ObjectiveMethod;
  /** 'vi' only; 'reparameterization' for the other methods. */
  readonly viEstimator: ViEstimator;
  /** 'vi' with a learned per-layer prior precision (layout.precision >= 0). */
  readonly hierarchical: boolean;
  readonly run: PreparedRun;
  readonly layout: TrainLayout;
  readonly key: Key;
  readonly models: readonly ModelSetup[];
}

/** The model's rows of y, [n, targetWidth]; (y - yMean) / yStd is the identity (0 and 1) for the likelihoods without a scale. */
function targets(run: PreparedRun, rows: Uint32Array, yMean: number, yStd: number): Float64Array {
  const ty = run.likelihood.targetWidth;
  const y = new Float64Array(rows.length * ty);
  rows.forEach((r, i) => {
    for (let j = 0; j < ty; j++) y[i * ty + j] = ((run.y[r * ty + j] ?? NaN) - yMean) / yStd;
  });
  return y;
}

function modelSetup(run: PreparedRun, prepared: PreparedModel, index: number): ModelSetup {
  const { rows, xMean, xStd, yMean, yStd } = prepared;
  const d = run.inputDim;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let c = 0; c < d; c++) x[i * d + c] = ((run.x[r * d + c] ?? NaN) - (xMean[c] ?? NaN)) / (xStd[c] ?? NaN);
  });
  return {
    index,
    prepared,
    n: rows.length,
    x,
    y: targets(run, rows, yMean, yStd),
    standardization: { xMean: [...xMean], xStd: [...xStd], yMean: [yMean], yStd: [yStd] },
  };
}

/** Check a training request (InvalidInputError) and resolve it with the defaults of src/objective/types.ts. */
export function resolveTraining(arch: ArchitectureSpec, data: TrainData, options: TrainOptions): TrainingSetup {
  const run = prepareRun(arch, data, options);
  const hierarchical = options.hierarchical === true;
  const layout = trainLayout(arch, options.method, hierarchical, run.likelihood, run.fixedNoise);
  return {
    method: layout.method,
    viEstimator: options.viEstimator ?? 'reparameterization',
    hierarchical,
    run,
    layout,
    key: seedToKey(run.seed),
    models: run.models.map((p, m) => modelSetup(run, p, m)),
  };
}

/**
 * Positions (indices into the model's rows) of the minibatch at (epoch, step in epoch): slot k holds
 * position permute(step * B + k); the last step of a model's epoch is short, and a step past it is
 * empty (the model sits that step out).
 */
export function batchPositions(setup: TrainingSetup, model: ModelSetup, epoch: number, step: number): Int32Array {
  const B = setup.run.batch;
  const count = Math.max(0, Math.min(B, model.n - step * B));
  const keys = shuffleKeys(setup.key, model.prepared.stream, epoch);
  return Int32Array.from({ length: count }, (_, k) => permute(step * B + k, model.n, keys));
}
