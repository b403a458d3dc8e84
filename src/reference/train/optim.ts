/**
 * The optimiser (src/objective/index.ts, OPTIMISER), per model and in float64: global norm
 * clipping, Adam with bias correction by the model's own update count, SGD with momentum, with the
 * constants of src/objective/optimizer.ts (the GPU's optimizer program compiles in the same; the
 * learning-rate schedule is there too); and the 'sgmcmc' samplers' step (src/objective/sampler.ts).
 */
import type { OptimizerKind } from '../../objective/methods.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, SGD_MOMENTUM } from '../../objective/optimizer.js';
import { samplerNoiseStd, samplerNoisy, type PreparedSampler } from '../../objective/sampler.js';
import { normalAt, type Key } from '../../random/draws.js';
import { STREAM_SAMPLER, modelWord } from '../../random/train-streams.js';

/** One model's optimiser state. */
export interface OptimizerState {
  /** Adam's first moment, SGD's momentum buffer, or SGHMC's velocity. */
  readonly moment1: Float64Array;
  /** Adam's second moment (unused by SGD). */
  readonly moment2: Float64Array;
  /** Updates applied so far (Adam's bias correction uses count after the increment, 1-based). */
  count: number;
}

export function optimizerState(size: number): OptimizerState {
  return { moment1: new Float64Array(size), moment2: new Float64Array(size), count: 0 };
}

/** Scale g in place to global norm at most clipNorm (0: no clipping, as PreparedRun says); returns the norm before. */
export function clipGradient(g: Float64Array, clipNorm: number): number {
  let sq = 0;
  for (const v of g) sq += v * v;
  const norm = Math.sqrt(sq);
  if (clipNorm > 0 && norm > clipNorm) {
    const factor = clipNorm / norm;
    for (let i = 0; i < g.length; i++) g[i] = (g[i] ?? 0) * factor;
  }
  return norm;
}

/** One update of θ in place with gradient g at learning rate lr. */
export function optimizerUpdate(kind: OptimizerKind, theta: Float64Array, g: Float64Array, state: OptimizerState, lr: number): void {
  state.count += 1;
  const { moment1: m, moment2: v } = state;
  if (kind === 'sgd') {
    for (let i = 0; i < theta.length; i++) {
      const u = SGD_MOMENTUM * (m[i] ?? 0) + (g[i] ?? 0);
      m[i] = u;
      theta[i] = (theta[i] ?? 0) - lr * u;
    }
    return;
  }
  const c1 = 1 - ADAM_BETA1 ** state.count;
  const c2 = 1 - ADAM_BETA2 ** state.count;
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i] ?? 0;
    const mi = ADAM_BETA1 * (m[i] ?? 0) + (1 - ADAM_BETA1) * gi;
    const vi = ADAM_BETA2 * (v[i] ?? 0) + (1 - ADAM_BETA2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    theta[i] = (theta[i] ?? 0) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + ADAM_EPSILON);
  }
}

/** Where a sampler step draws its noise: the run's key, the global step and the model slot (src/random/train-streams.ts). */
export interface SamplerDraw {
  readonly key: Key;
  /** The call's global step: where the step sits in the sampler's cycle (sampler.ts). */
  readonly t: number;
  /** The model's own step (its epoch x its steps per epoch + step in the epoch): the noise's sample index. */
  readonly modelStep: number;
  /** The model's stream identity (ModelHyper.stream). */
  readonly model: number;
  /** N, the model's rows. */
  readonly n: number;
}

/**
 * One SGHMC step in place at step size ε (SGLD: friction 1): v ← (1 − α) v − ε g + sqrt(2 α ε T / N) ξ
 * (no noise in a cycle's exploration stage), θ ← θ + v, ξ_e = normalAt(key, modelStep, STREAM_SAMPLER, e, stream + 1).
 */
export function samplerUpdate(sampler: PreparedSampler, theta: Float64Array, g: Float64Array, state: OptimizerState, stepSize: number, draw: SamplerDraw): void {
  state.count += 1;
  const v = state.moment1;
  const noisy = samplerNoisy(sampler, draw.t);
  const std = samplerNoiseStd(sampler, stepSize, draw.n);
  const word = modelWord(draw.model);
  for (let i = 0; i < theta.length; i++) {
    let vi = (1 - sampler.friction) * (v[i] ?? 0) - stepSize * (g[i] ?? 0);
    if (noisy) vi += std * normalAt(draw.key, draw.modelStep, STREAM_SAMPLER, i, word);
    v[i] = vi;
    theta[i] = (theta[i] ?? 0) + vi;
  }
}
