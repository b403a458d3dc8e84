/**
 * What a run uploads about its models once: their constants (one MODEL_CONSTANTS struct per
 * model, src/objective/step.ts), their row lists concatenated, their input standardisation, their
 * adversarial steps, and their initial θ, all float32 as the GPU computes.
 */
import { packArray } from '../kernels/struct.js';
import { MODEL_CONSTANTS } from '../kernels/train/step.js';
import { initialTheta } from '../objective/init.js';
import type { TrainLayout } from '../objective/layout.js';
import type { PreparedRun } from '../objective/prepare.js';
import type { ModelField } from '../objective/step.js';
import { seedToKey } from '../random/streams.js';

export interface ModelData {
  readonly constants: Uint32Array;
  readonly rows: Uint32Array;
  /** [M, inputDim] each. */
  readonly xMean: Float32Array;
  readonly xStd: Float32Array;
  /** [M, inputDim]; null without adversarial training. */
  readonly adversarialStep: Float32Array | null;
  /** [M, θ size]. */
  readonly theta: Float32Array;
}

export function modelData(run: PreparedRun, layout: TrainLayout): ModelData {
  const rows = new Uint32Array(run.models.reduce((a, p) => a + p.rows.length, 0));
  let rowOffset = 0;
  const constants = run.models.map((p): Record<ModelField, number> => {
    rows.set(p.rows, rowOffset);
    const values = {
      rowOffset,
      rowCount: p.rows.length,
      stepsPerEpoch: p.stepsPerEpoch,
      stream: p.stream,
      keepThreshold: p.keepThreshold,
      keepScale: 1 / (1 - p.dropout),
      weightDecay: p.lambda,
      priorScale: p.priorScale,
      yMean: p.yMean,
      yStd: p.yStd,
      n: p.rows.length,
      lrScale: p.lrScale,
      fixedSigma: p.sigmaStd,
    };
    rowOffset += p.rows.length;
    return values;
  });
  const key = seedToKey(run.seed);
  const theta = new Float32Array(run.models.length * layout.size);
  run.models.forEach((p, m) => theta.set(run.initialTheta?.[m] ?? initialTheta(layout, key, p.stream, p.priorScale, p.dropout), m * layout.size));
  return {
    constants: new Uint32Array(packArray(MODEL_CONSTANTS, constants)),
    rows,
    xMean: Float32Array.from(run.models.flatMap((p) => [...p.xMean])),
    xStd: Float32Array.from(run.models.flatMap((p) => [...p.xStd])),
    adversarialStep: run.adversarial ? Float32Array.from(run.models.flatMap((p) => [...(p.adversarialStep ?? [])])) : null,
    theta,
  };
}
