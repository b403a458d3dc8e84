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
import { STREAM_DROPOUT, layerStream } from '../../random/streams.js';
import { readF32, writeF32 } from '../bindings.js';
import { ACTIVATION, MATH, PHILOX, activationDefines } from '../library.js';
import { WORKGROUP_SIZE, defineProgram, flatGrid, type Program } from '../program.js';
import { f32, u32 } from '../wgsl.js';
import { DEFAULT_LEAKY_SLOPE } from '../../model/spec.js';
import { dimConsts, stepDims } from './dims.js';
import { MODEL_CONSTANTS, MODEL_STREAM, STEP, modelsBinding, stepBinding } from './step.js';

/** Rows of the batch in workgroup memory at a time: a multiple of 4, so each chunk's masks start a Philox block. */
export const FUSED_CHUNK_ROWS = 16;
/** Widest input and hidden layer: a lane per hidden unit, and a chunk within the 16 KiB of workgroup memory every device has. */
export const FUSED_MAX_WIDTH = WORKGROUP_SIZE;

/**
 * Why a run cannot take the fused kernel (null: it can): the shape it covers is 'mc-dropout' or
 * 'map' (fixed σ too) with a Normal likelihood and no heteroscedastic head, one hidden layer of at
 * most 64 units on at most 64 inputs, one output, one sample per step, no PReLU, no adversarial
 * training.
 */
export function fusedIneligibility(shape: TrainShape): string | null {
  const layout = shape.layout;
  const [hidden, output] = layout.layers;
  if (layout.method !== 'mc-dropout' && layout.method !== 'map') return `it covers 'mc-dropout' and 'map', not '${layout.method}'`;
  if (layout.likelihood.kind !== 'normal' || layout.heteroscedastic) return 'it covers a Normal likelihood without a heteroscedastic head';
  if (!hidden || !output || layout.layers.length !== 2) return 'it covers networks with exactly one hidden layer';
  if (hidden.inputs > FUSED_MAX_WIDTH || hidden.units > FUSED_MAX_WIDTH) return `it covers at most ${FUSED_MAX_WIDTH} inputs and hidden units`;
  if (output.units !== 1) return 'it covers one output unit';
  if (hidden.activation === 'prelu') return 'it does not cover PReLU';
  if (shape.adversarial) return 'it does not cover adversarial training';
  if (shape.samples !== 1) return 'it covers one sample per step';
  return null;
}

/** The step's masks, forward pass, loss and θ gradient of every model, one workgroup each. */
export function fusedMlpProgram(shape: TrainShape): Program<void> {
  const why = fusedIneligibility(shape);
  const [hidden, output] = shape.layout.layers;
  if (why !== null || !hidden || !output) throw new Error(`internal: the fused training kernel does not cover this run: ${why ?? ''}`);
  const dims = stepDims(shape);
  const p = {
    dims,
    method: shape.layout.method,
    inputs: hidden.inputs,
    hidden: hidden.units,
    activation: hidden.activation,
    dropout: shape.dropout,
    fixedNoise: shape.layout.fixedNoise,
    offsets: [hidden.weight, hidden.bias, output.weight, output.bias, shape.layout.noise],
  };
  return defineProgram({
    family: 'train_fused_mlp',
    params: p,
    uniform: STEP,
    wgsl: {
      consts: {
        ...dimConsts(dims),
        IN0: u32(p.inputs),
        HID: u32(p.hidden),
        R: u32(FUSED_CHUNK_ROWS),
        W0_OFFSET: u32(hidden.weight),
        B0_OFFSET: u32(hidden.bias),
        W1_OFFSET: u32(output.weight),
        B1_OFFSET: u32(output.bias),
        LOG_SIGMA_OFFSET: u32(Math.max(shape.layout.noise, 0)),
        STREAM0: u32(layerStream(0, STREAM_DROPOUT)),
        STREAM1: u32(layerStream(1, STREAM_DROPOUT)),
        LEAKY_SLOPE: f32(DEFAULT_LEAKY_SLOPE),
      },
      structs: [MODEL_CONSTANTS],
      bindings: [stepBinding, modelsBinding, readF32('theta'), readF32('xb'), readF32('yb'), readF32('valid'), writeF32('grad'), writeF32('model_active'), writeF32('epoch_loss')],
      libraries: [MATH, ACTIVATION, PHILOX, MODEL_STREAM],
      body: ['train/fused-mlp'],
      defines: {
        ...activationDefines(hidden.activation),
        DROPOUT: shape.dropout,
        METHOD_MAP: shape.layout.method === 'map',
        METHOD_MC_DROPOUT: shape.layout.method === 'mc-dropout',
        FIXED_SIGMA: shape.layout.fixedNoise,
      },
    },
    // One workgroup per model: flatGrid's threads are workgroups here.
    workgroups: (_, max) => flatGrid(dims.models * WORKGROUP_SIZE, max),
  });
}
