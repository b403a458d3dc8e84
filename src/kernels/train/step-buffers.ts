/**
 * Where each layer's values of a step sit in the step's buffers, for the programs (compiled in as
 * offsets) and the trainer (buffer sizes) alike:
 * - activations z, h, dh, dz (and lr_eps, lr_sd): layer l at act[l], [M, K, B, units] each;
 * - dropout masks of each layer's input: layer l at mask[l], [M, B, inputs];
 * - Flipout signs: layer l at flip[l], [M, K, B, inputs + units].
 */
import type { TrainShape } from '../../objective/shape.js';

export interface StepBufferLayout {
  readonly act: readonly number[];
  readonly actFloats: number;
  readonly mask: readonly number[];
  readonly maskFloats: number;
  readonly flip: readonly number[];
  readonly flipFloats: number;
}

export function stepBufferLayout(shape: TrainShape): StepBufferLayout {
  const { models: M, samples: K, batch: B } = shape;
  const act: number[] = [];
  const mask: number[] = [];
  const flip: number[] = [];
  let actFloats = 0;
  let maskFloats = 0;
  let flipFloats = 0;
  for (const layer of shape.layout.layers) {
    act.push(actFloats);
    mask.push(maskFloats);
    flip.push(flipFloats);
    actFloats += M * K * B * layer.units;
    maskFloats += M * B * layer.inputs;
    flipFloats += M * K * B * (layer.inputs + layer.units);
  }
  return { act, actFloats, mask, maskFloats, flip, flipFloats };
}
