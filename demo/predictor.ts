/**
 * What the demo predicts with: the library's Engine over a loaded model, a VI or MC-dropout model
 * trained in the page, or a deep ensemble's members (Engine.create(ctx, members): their uniform
 * mixture, with the same result shape).
 */
import { Engine, type GpuContext, type Model, type PredictOptions, type PredictResult } from '../src/index.js';
import { isDeterministic } from '../src/model/deterministic.js';

export interface Predictor {
  readonly label: string;
  readonly inputDim: number;
  /** Models behind it (1, or the ensemble's size). */
  readonly members: number;
  predict(x: readonly (readonly number[])[], options: PredictOptions): Promise<PredictResult>;
  dispose(): void;
}

/**
 * One engine for the members. A deep ensemble's members are point networks: one pass each is the
 * exact mixture, so it always predicts with one sample per member (its S/M samples would repeat
 * the same functions, and its posterior functions are the members' own). A single point network
 * (a MAP fit) likewise predicts with one sample.
 */
export function createPredictor(ctx: GpuContext, members: readonly Model[], label: string): Predictor {
  const first = members[0];
  if (!first) throw new Error('a predictor needs at least one model');
  const engine = Engine.create(ctx, members);
  const exactMixture = members.every((m) => isDeterministic(m.spec));
  return {
    label,
    inputDim: first.spec.inputDim,
    members: members.length,
    predict: (x, options) => engine.predict(x, exactMixture ? { ...options, samples: members.length } : options),
    dispose: () => engine.dispose(),
  };
}
