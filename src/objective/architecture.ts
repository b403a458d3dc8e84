/** The network a training run trains: an MLP of dense layers (ModelSpec conventions), and its checks. */
import { InvalidInputError } from '../errors.js';
import { ACTIVATIONS, MAX_LAYERS, type Activation } from '../model/spec.js';
import { describeValue, integerOption } from '../options.js';
import { TRAIN_METHODS, type TrainMethod } from './methods.js';

export interface ArchitectureSpec {
  readonly inputDim: number;
  /** Hidden layer widths; the output layer (1 unit, or 2 for 'ensemble') is added. */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  /** Dropout rate on every layer's input ('mc-dropout'; bench/uci/PROTOCOL.md puts it on the input and the hidden layer). */
  readonly dropout?: number;
}

/** Widest layer (and input) a training run takes: each thread loops over a layer's inputs and units. */
export const MAX_TRAIN_WIDTH = 65536;

/** InvalidInputError unless the method is known and the architecture has known, bounded parts. */
export function checkArchitecture(arch: ArchitectureSpec, method: TrainMethod): void {
  if (!TRAIN_METHODS.includes(method)) {
    throw new InvalidInputError(`unknown training method '${String(method)}'; use one of ${TRAIN_METHODS.join(', ')}`);
  }
  integerOption(arch.inputDim, 'inputDim', 1, MAX_TRAIN_WIDTH);
  if (!Array.isArray(arch.hidden)) throw new InvalidInputError(`hidden must be an array of layer widths (e.g. [50, 50]), got ${describeValue(arch.hidden)}`);
  if (arch.hidden.length + 1 > MAX_LAYERS) {
    throw new InvalidInputError(
      `${arch.hidden.length} hidden layers and the output make ${arch.hidden.length + 1} layers; at most ${MAX_LAYERS} are supported (every layer compiles its own GPU kernels)`,
    );
  }
  arch.hidden.forEach((h: unknown, i) => integerOption(h, `hidden layer ${i} width`, 1, MAX_TRAIN_WIDTH));
  if (!ACTIVATIONS.includes(arch.activation)) {
    throw new InvalidInputError(`unknown activation '${String(arch.activation)}'; use one of ${ACTIVATIONS.join(', ')}`);
  }
}
