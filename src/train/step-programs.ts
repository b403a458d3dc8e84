/**
 * The programs of one training step, in dispatch order (src/objective/index.ts has the maths):
 * gather the minibatch, draw the step's masks and weights, the forward pass and the loss, the
 * backward pass layer by layer with each layer's parameter gradients (and concrete dropout's logit
 * gradients; dz of the output layer, then each dh program stores the layer below's dz), then clip
 * and update θ. With
 * adversarial training a first forward and backward pass over the data rows gives the gradient over
 * the inputs, from which the adversarial copies are made before the real pass.
 */
import type { Program } from '../kernels/program.js';
import { concreteGradProgram, dhPrevProgram, dzProgram, inputGradProgram, weightGradProgram } from '../kernels/train/backward.js';
import { adversarialProgram, gatherProgram, masksProgram } from '../kernels/train/data.js';
import { flipProgram, sampleProgram, sigmaProgram } from '../kernels/train/draws.js';
import { forwardProgram } from '../kernels/train/forward.js';
import { lossProgram, type LossOutput } from '../kernels/train/loss.js';
import { fusedMlpProgram } from '../kernels/train/fused.js';
import { lanesMlpProgram } from '../kernels/train/lanes.js';
import { clipProgram, optimizerProgram } from '../kernels/train/optimizer.js';
import { dhPrevTiledProgram, forwardTiledProgram, tiledEstimator, weightGradTiledProgram } from '../kernels/train/tiled.js';
import type { PreparedRun } from '../objective/prepare.js';
import type { TrainShape } from '../objective/shape.js';

/**
 * The step's programs; `lanesGathers` (plan.ts: the device binds enough storage buffers) lets the
 * 'lanes' kernel gather its own rows in place of the gather program.
 */
export function stepPrograms(shape: TrainShape, run: Pick<PreparedRun, 'kernelStrategy' | 'tile'>, lanesGathers: boolean): Program<void>[] {
  // The one-program steps draw their own masks and read the gathered rows (plan.ts refuses them where they do not cover the run).
  if (run.kernelStrategy === 'fused') return [gatherProgram(shape), fusedMlpProgram(shape), clipProgram(shape), optimizerProgram(shape)];
  if (run.kernelStrategy === 'lanes') {
    return [...(lanesGathers ? [] : [gatherProgram(shape)]), lanesMlpProgram(shape, lanesGathers), clipProgram(shape), optimizerProgram(shape)];
  }
  const layers = shape.layout.layers;
  const backwards = [...layers].reverse();
  const tiled = run.kernelStrategy !== 'simple' && tiledEstimator(shape);
  const forward = layers.map((l) => (tiled ? forwardTiledProgram(shape, l, run.tile) : forwardProgram(shape, l)));
  const last = layers.length - 1;
  // dh of the layer below (none below layer 0).
  const dhPrev = layers.map((l) => (l.index === 0 ? null : tiled ? dhPrevTiledProgram(shape, l, run.tile) : dhPrevProgram(shape, l)));

  const step: Program<void>[] = [gatherProgram(shape)];
  if (shape.dropout) step.push(...layers.map((l) => masksProgram(shape, l)));
  if (shape.layout.method === 'vi') {
    if (shape.estimator !== 'local') step.push(...layers.map((l) => sampleProgram(shape, l)));
    if (shape.estimator === 'flipout') step.push(...layers.map((l) => flipProgram(shape, l)));
    // A likelihood without a noise scale has no sigma site (src/objective/index.ts).
    if (shape.layout.noise >= 0) step.push(sigmaProgram(shape));
  }
  if (shape.adversarial) {
    // The data rows alone (the copies are still invalid): the data term's gradient over the inputs.
    step.push(...forward, lossProgram(shape, 'none'));
    for (const l of backwards) {
      // dz of the output layer; each layer below gets its dz from the dh program of the layer above.
      if (l.index === last) step.push(dzProgram(shape, l));
      step.push(dhPrev[l.index] ?? inputGradProgram(shape, l));
    }
    step.push(adversarialProgram(shape));
  }
  step.push(...gradientPrograms(shape, run));
  step.push(clipProgram(shape), optimizerProgram(shape));
  return step;
}

/**
 * The forward pass, the loss and the backward pass over the gathered rows: the objective at θ into
 * epoch_loss (as `output` says) and its gradient into grad. 'hmc''s leapfrog runs these at every step
 * with 'store' (src/train/hmc.ts).
 */
export function gradientPrograms(shape: TrainShape, run: Pick<PreparedRun, 'kernelStrategy' | 'tile'>, output: LossOutput = 'accumulate'): Program<void>[] {
  const layers = shape.layout.layers;
  // 'fused' and 'lanes' take the tiled kernels where their one program does not run (hmc's leapfrog).
  const tiled = run.kernelStrategy !== 'simple' && tiledEstimator(shape);
  const concrete = shape.layout.method === 'concrete-dropout';
  const programs: Program<void>[] = layers.map((l) => (tiled ? forwardTiledProgram(shape, l, run.tile) : forwardProgram(shape, l)));
  programs.push(lossProgram(shape, output));
  for (const l of [...layers].reverse()) {
    // The layers below the output get their dz from the dh program of the layer above (train/prev-grad).
    if (l.index === layers.length - 1) programs.push(dzProgram(shape, l));
    programs.push(tiled ? weightGradTiledProgram(shape, l, run.tile) : weightGradProgram(shape, l));
    // Concrete dropout's logit of this layer: needs its dz and its (masked) input, both final now.
    if (concrete) programs.push(concreteGradProgram(shape, l));
    if (l.index > 0) programs.push(tiled ? dhPrevTiledProgram(shape, l, run.tile) : dhPrevProgram(shape, l));
  }
  return programs;
}
