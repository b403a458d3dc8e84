/**
 * The buffers of a training run, by the names the training programs bind (src/kernels/train):
 * the data and the models' constants (uploaded once), θ and the optimiser's moments, and the step's
 * scratch (minibatch, draws, activations and their gradients, per-model flags and the epoch's loss).
 * All live for the whole run in one BufferSet, destroyed when it returns.
 */
import type { BufferSet } from '../gpu/buffers.js';
import { CHAIN_FIELDS, hmcTransitions } from '../objective/hmc.js';
import { HMC_TRACE_FIELDS } from '../kernels/train/hmc.js';
import { NUTS_FIELDS, nutsVectorsPerChain } from '../objective/nuts.js';
import type { WebGpuBuffer } from '../gpu/webgpu-types.js';
import type { ModelData } from './model-data.js';
import type { TrainPlan } from './plan.js';

export type TrainBuffer =
  | 'data_x'
  | 'data_y'
  | 'rows'
  | 'models'
  | 'x_mean'
  | 'x_std'
  | 'adv_step'
  | 'theta'
  | 'grad'
  | 'moment1'
  | 'moment2'
  | 'counts'
  | 'adam_bias'
  | 'clip'
  | 'model_active'
  | 'xb'
  | 'yb'
  | 'valid'
  | 'dx'
  | 'drawn'
  | 'eps'
  | 'sig'
  | 'masks'
  | 'flip'
  | 'z'
  | 'h'
  | 'dh'
  | 'dz'
  | 'lr_eps'
  | 'lr_sd'
  | 'epoch_loss'
  | 'hmc_p'
  | 'hmc_theta0'
  | 'hmc_grad0'
  | 'hmc_chain'
  | 'hmc_trace'
  | 'hmc_samples'
  | 'nuts_tree'
  | 'nuts_vec';

export type TrainBuffers = ReadonlyMap<TrainBuffer, WebGpuBuffer>;

/** The buffer a program binds by `name` (an internal error when the run has none: a program the plan did not size for). */
export function trainBuffer(buffers: TrainBuffers, name: string): WebGpuBuffer {
  const buffer = buffers.get(name as TrainBuffer);
  if (!buffer) throw new Error(`internal: no training buffer '${name}'`);
  return buffer;
}

/**
 * The step's scratch arrays (the gathered minibatch, activations, their gradients, the masks): made
 * only where a program of the run binds them, as no host code reads or writes them. The one-program
 * steps keep all of this in registers ('lanes' where it gathers its own rows binds none of it: the
 * UCI grid shape's run is ~35 MB smaller).
 */
const STEP_SCRATCH: ReadonlySet<TrainBuffer> = new Set(['xb', 'yb', 'valid', 'z', 'h', 'dh', 'dz', 'masks']);

/**
 * Creates every buffer the run's programs bind in `set` and uploads the data, the models'
 * constants and θ. The draws' buffers exist only for the methods and estimators that draw them,
 * the step's scratch arrays only where `bound` (the names the run's programs bind) has them.
 */
export function createTrainBuffers(set: BufferSet, plan: TrainPlan, data: ModelData, bound: ReadonlySet<string>): TrainBuffers {
  const { run, layout, shape, stepBuffers } = plan;
  const M = shape.models;
  const B = shape.batch;
  const K = shape.samples;
  const vi = layout.method === 'vi';
  const adversarialStep = data.adversarialStep;
  const floats = (name: TrainBuffer, count: number): [TrainBuffer, WebGpuBuffer] => [name, set.createStorage(name, count * 4)];
  const upload = (name: TrainBuffer, values: Float32Array | Uint32Array): [TrainBuffer, WebGpuBuffer] => [name, set.upload(name, values)];
  const when = (condition: boolean, make: () => [TrainBuffer, WebGpuBuffer][]) => (condition ? make() : []);
  const scratch = (name: TrainBuffer, count: number) => when(!STEP_SCRATCH.has(name) || bound.has(name), () => [floats(name, count)]);
  return new Map([
    upload('data_x', Float32Array.from(run.x)),
    upload('data_y', Float32Array.from(run.y)),
    upload('rows', data.rows),
    upload('models', data.constants),
    upload('x_mean', data.xMean),
    upload('x_std', data.xStd),
    upload('theta', data.theta),
    floats('grad', M * layout.size),
    floats('moment1', M * layout.size),
    floats('moment2', M * layout.size),
    floats('counts', M),
    floats('adam_bias', 2 * M),
    floats('clip', M),
    floats('model_active', M),
    ...scratch('xb', M * B * run.inputDim),
    ...scratch('yb', M * B * layout.likelihood.targetWidth),
    ...scratch('valid', M * B),
    ...scratch('z', stepBuffers.actFloats),
    ...scratch('h', stepBuffers.actFloats),
    ...scratch('dh', stepBuffers.actFloats),
    ...scratch('dz', stepBuffers.actFloats),
    floats('epoch_loss', M * 2),
    ...(adversarialStep ? [upload('adv_step', adversarialStep), floats('dx', M * B * run.inputDim)] : []),
    ...when(shape.dropout, () => scratch('masks', stepBuffers.maskFloats)),
    ...when(vi && layout.noise >= 0, () => [floats('sig', M * K * 2)]),
    ...when(vi && shape.estimator !== 'local', () => [floats('drawn', M * K * layout.drawnSize), floats('eps', M * K * layout.drawnSize)]),
    ...when(vi && shape.estimator === 'local', () => [floats('lr_eps', stepBuffers.actFloats), floats('lr_sd', stepBuffers.actFloats)]),
    ...when(vi && shape.estimator === 'flipout', () => [floats('flip', stepBuffers.flipFloats)]),
    // 'hmc': momentum, the chains' state, the trace and the kept samples (src/train/hmc.ts); the
    // transition's start for a rejection, or 'nuts''s tree state and vectors (src/objective/nuts.ts).
    ...(run.hmc
      ? [
          floats('hmc_p', M * layout.size),
          floats('hmc_chain', M * CHAIN_FIELDS.length),
          floats('hmc_trace', hmcTransitions(run.hmc) * M * HMC_TRACE_FIELDS),
          floats('hmc_samples', run.hmc.samples * M * layout.size),
        ]
      : []),
    ...when(run.hmc?.algorithm === 'hmc', () => [floats('hmc_theta0', M * layout.size), floats('hmc_grad0', M * layout.size)]),
    ...when(run.hmc?.algorithm === 'nuts', () => [
      floats('nuts_tree', M * NUTS_FIELDS.length),
      floats('nuts_vec', M * nutsVectorsPerChain(run.hmc?.maxTreeDepth ?? 0) * layout.size),
    ]),
  ]);
}
