/**
 * The float64 training oracle: the same minibatches, draws, objective and optimiser as the GPU
 * trainer (src/objective/index.ts), step by step, so a GPU step can be checked against oracleGradient/oracleStep
 * and a whole run against oracleTrain.
 *
 * Steps. The global step t = epoch * stepsPerEpoch + step counts the longest model's steps; a model
 * whose own epoch is shorter sits the remaining steps of the epoch out (no moment update, no
 * update count), so every model sees each of its rows exactly once per epoch. A model's draws take
 * its own step (epoch * its steps per epoch + step) and its stream identity, not t and its slot, so
 * they do not depend on the other models; the 'cosine' schedule's rate follows t.
 */
import { InvalidInputError } from '../../errors.js';
import type { Model } from '../../model/spec.js';
import type { ArchitectureSpec } from '../../objective/architecture.js';
import { initialTheta } from '../../objective/init.js';
import { divergenceError, learningRate } from '../../objective/prepare.js';
import { thetaToModel } from '../../objective/to-model.js';
import type { TrainData, TrainOptions, TrainResult } from '../../objective/types.js';
import { minibatch, objectiveConfig } from './config.js';
import { batchPositions, resolveTraining } from './data.js';
import type { ModelSetup, TrainingSetup } from './data.js';
export type { OracleModelState, OracleState } from './state.js';
import { stepDraws } from './draws.js';
import { minibatchObjective } from './objective.js';
import { clipGradient, optimizerState, optimizerUpdate, samplerUpdate } from './optim.js';
import type { OracleState } from './state.js';
import { oracleSample } from './hmc.js';
import { mcmcDiagnostics } from '../../objective/hmc-diagnostics.js';

/** One model's minibatch at a global step: positions into its rows, the objective and its gradient. */
export interface OracleGradient {
  readonly positions: Int32Array;
  /** The minibatch objective ('vi': not divided by N). */
  readonly objective: number;
  /** The reported loss: the objective, divided by N for 'vi'. */
  readonly loss: number;
  /** Gradient over θ before clipping. */
  readonly grad: Float64Array;
}

/** Resolve the request and initialise every model's θ and optimiser state. */
export function oracleInit(arch: ArchitectureSpec, data: TrainData, options: TrainOptions): OracleState {
  const setup = resolveTraining(arch, data, options);
  return {
    setup,
    models: setup.models.map((m) => ({
      theta: setup.run.initialTheta?.[m.index]?.slice() ?? initialTheta(setup.layout, setup.key, m.prepared.stream, m.prepared.priorScale, m.prepared.dropout),
      optimizer: optimizerState(setup.layout.size),
    })),
  };
}

function checkStep(setup: TrainingSetup, t: number): void {
  const total = setup.run.epochs * setup.run.maxStepsPerEpoch;
  if (!Number.isSafeInteger(t) || t < 0 || t >= total) {
    throw new InvalidInputError(`step must be an integer in [0, ${total}), got ${String(t)}`);
  }
}

function modelAt(setup: TrainingSetup, m: number): ModelSetup {
  const model = setup.models[m];
  if (!model) throw new InvalidInputError(`model ${String(m)} is not in [0, ${setup.models.length})`);
  return model;
}

/** Model m's objective and gradient at global step t and its current θ; null when it sits the step out. */
export function oracleGradient(state: OracleState, m: number, t: number): OracleGradient | null {
  const { setup } = state;
  checkStep(setup, t);
  const model = modelAt(setup, m);
  const epoch = Math.floor(t / setup.run.maxStepsPerEpoch);
  const step = t % setup.run.maxStepsPerEpoch;
  if (step >= model.prepared.stepsPerEpoch) return null;
  const positions = batchPositions(setup, model, epoch, step);
  const theta = state.models[m]?.theta ?? new Float64Array(0);
  const draws = stepDraws(setup, model, epoch * model.prepared.stepsPerEpoch + step, positions.length);
  const { loss, grad } = minibatchObjective(setup.layout, objectiveConfig(setup, model), theta, minibatch(setup, model, positions), draws);
  return { positions, objective: loss, loss: setup.method === 'vi' ? loss / model.n : loss, grad };
}

/** Apply global step t to every model; returns each model's reported loss (NaN where it sat out). */
export function oracleStep(state: OracleState, t: number): Float64Array {
  const { setup } = state;
  const { run } = setup;
  const lr = learningRate(run, t);
  return Float64Array.from(state.models, (ms, m) => {
    const g = oracleGradient(state, m, t);
    if (!g) return NaN;
    clipGradient(g.grad, run.clipNorm);
    const model = modelAt(setup, m);
    const rate = lr * model.prepared.lrScale;
    if (run.sampler)
      samplerUpdate(run.sampler, ms.theta, g.grad, ms.optimizer, rate, {
        key: setup.key,
        t,
        modelStep: Math.floor(t / run.maxStepsPerEpoch) * model.prepared.stepsPerEpoch + (t % run.maxStepsPerEpoch),
        model: model.prepared.stream,
        n: model.n,
      });
    else optimizerUpdate(run.optimizer, ms.theta, g.grad, ms.optimizer, rate);
    return g.loss;
  });
}

/** Model m's engine Model at θ (src/objective/to-model.ts). */
function thetaModel(state: OracleState, m: number, theta: Float64Array): Model {
  const model = modelAt(state.setup, m);
  return thetaToModel(state.setup.layout, theta, {
    standardization: model.standardization,
    dropout: model.prepared.dropout,
    tau: model.prepared.tau,
    priorScale: model.prepared.priorScale,
  });
}

/** Every model's current θ as an engine Model (src/objective/to-model.ts). */
export function oracleModels(state: OracleState): Model[] {
  return state.setup.models.map((_, m) => thetaModel(state, m, state.models[m]?.theta ?? new Float64Array(0)));
}

/** Train to the end; history[e][m] is the mean of model m's step losses in epoch e. */
export function oracleTrain(arch: ArchitectureSpec, data: TrainData, options: TrainOptions): TrainResult {
  const started = performance.now();
  const state = oracleInit(arch, data, options);
  const { run, models } = state.setup;
  const history: Float64Array[] = [];
  const diverged = models.map(() => false);
  const snapshotTheta: Float64Array[][] = models.map(() => []);
  for (let epoch = 0; epoch < run.epochs; epoch++) {
    const sum = new Float64Array(models.length);
    for (let step = 0; step < run.maxStepsPerEpoch; step++) {
      const losses = oracleStep(state, epoch * run.maxStepsPerEpoch + step);
      // A model that sat the step out reports NaN and is not counted; a diverged one's NaN is.
      losses.forEach((l, m) => {
        if (step < (models[m]?.prepared.stepsPerEpoch ?? 0)) sum[m] = (sum[m] ?? 0) + l;
      });
    }
    const loss = sum.map((s, m) => s / (models[m]?.prepared.stepsPerEpoch ?? 1));
    history.push(loss);
    loss.forEach((value, m) => {
      if (Number.isFinite(value) || diverged[m]) return;
      diverged[m] = true;
      if (run.onNonFinite === 'error') throw divergenceError(run, m, epoch + 1, `its loss is ${value}`);
    });
    if (run.snapshotEpochs.includes(epoch + 1)) state.models.forEach((ms, m) => snapshotTheta[m]?.push(ms.theta.slice()));
    options.onProgress?.({ epoch: epoch + 1, epochs: run.epochs, loss: loss.slice(), elapsedMs: performance.now() - started, compileMs: 0 });
  }
  state.models.forEach((ms, m) => {
    if (diverged[m] || ms.theta.every(Number.isFinite)) return;
    diverged[m] = true;
    if (run.onNonFinite === 'error') throw divergenceError(run, m, run.epochs, 'its parameters are not finite');
  });
  // 'hmc': the epochs were the MAP pre-fit; the chains' kept samples are the snapshots (hmc.ts).
  const sampled = run.hmc ? oracleSample(state) : null;
  const kept = sampled ? sampled.samples : snapshotTheta;
  const snapshots = kept.map((list, m) => list.map((theta) => thetaModel(state, m, theta)));
  const result: TrainResult = { models: oracleModels(state), history, theta: state.models.map((ms) => ms.theta.slice()), snapshots, snapshotTheta: kept, diverged, elapsedMs: 0 };
  const mcmc =
    sampled && run.hmc
      ? mcmcDiagnostics(state.setup.layout, run, run.hmc, {
          samples: sampled.samples,
          potential: sampled.potential,
          chains: sampled.chains.map((c) => ({ ...c, stepSize: c.adaptation.stepSize })),
        })
      : null;
  return { ...result, ...(mcmc ? { mcmc } : {}), elapsedMs: performance.now() - started };
}
