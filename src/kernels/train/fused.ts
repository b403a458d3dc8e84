/**
 * The 'fused' training strategy: one program per step for the masks, forward pass, loss and
 * gradient of a one-hidden-layer network with one Normal output (shaders/train/fused-mlp.wgsl), one
 * workgroup per model, in place of the 2 mask, 2 forward, loss, dz, 2 weight-gradient and dh
 * programs of the layer-by-layer strategies. Same maths and random streams as those (the float64
 * oracle checks both), so only speed differs. It is the GPU-shaped variant (one dispatch a step,
 * activations on chip in workgroup memory) and not the default: on SwiftShader it measured 1.3x
 * slower than 'tiled' on the UCI grid shape (bench/README.md, "Training kernels"), since Dawn
 * zero-fills workgroup memory for every workgroup and SwiftShader pays ~0.1 µs a float for it,
 * and a lane per hidden unit does one load per multiply-add where the tiles reuse each load.
 */
import type { TrainShape } from '../../objective/shape.js';
import { WORKGROUP_SIZE, defineProgram, flatGrid, type Program } from '../program.js';
import { u32 } from '../wgsl.js';
import { stepDims } from './dims.js';
import { oneHiddenModule } from './one-hidden.js';
import { MODEL_CONSTANTS, STEP } from './step.js';

/** Rows of the batch in workgroup memory at a time: a multiple of 8, so each chunk's masks are whole Philox blocks (src/random/train-streams.ts). */
export const FUSED_CHUNK_ROWS = 16;

/** The step's masks, forward pass, loss and θ gradient of every model, one workgroup each. */
export function fusedMlpProgram(shape: TrainShape): Program<void> {
  const module = oneHiddenModule(shape, 'fused');
  const dims = stepDims(shape);
  return defineProgram({
    family: 'train_fused_mlp',
    params: module.params,
    uniform: STEP,
    wgsl: {
      consts: { ...module.consts, R: u32(FUSED_CHUNK_ROWS) },
      structs: [MODEL_CONSTANTS],
      bindings: module.bindings,
      libraries: module.libraries,
      body: ['train/fused-mlp'],
      defines: module.defines,
    },
    // One workgroup per model: flatGrid's threads are workgroups here.
    workgroups: (_, max) => flatGrid(dims.models * WORKGROUP_SIZE, max),
  });
}
