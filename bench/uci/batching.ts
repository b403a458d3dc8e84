/**
 * How many models one train() call can take on this device, and the models cut into that many
 * calls. train() keeps, per model, buffers of activations (K x B x units), parameters and Adam
 * moments (θ size), dropout masks (B x inputs), gathered inputs (B x inputDim) and drawn weights
 * (K x drawn size); each buffer must fit maxStorageBufferBindingSize (and maxBufferSize). The
 * largest per-model share decides. Fewer, larger calls are the point: M models train in the same
 * dispatches, so on a GPU a whole grid over all splits costs a small multiple of one model.
 */
import type { ArchitectureSpec, TrainMethod } from '../../src/objective/types.js';
import { trainLayout } from '../../src/objective/layout.js';
import { NORMAL_TRAINING } from '../../src/objective/likelihood.js';

export interface CallShape {
  readonly arch: ArchitectureSpec;
  readonly method: TrainMethod;
  /** Minibatch size (train() uses min(batch, rows of the largest model)). */
  readonly batch: number;
  /** Reparameterised samples per step ('vi'); 1 otherwise. */
  readonly samplesPerStep?: number;
  /** A heteroscedastic head (TrainOptions.heteroscedastic): one more output unit. */
  readonly heteroscedastic?: boolean;
}

/** Largest number of models one train() call can hold under `limits`. */
export function maxModelsPerCall(limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize'>, shape: CallShape): number {
  const layout = trainLayout(shape.arch, shape.method, false, { ...NORMAL_TRAINING, heteroscedastic: shape.heteroscedastic === true });
  const K = shape.method === 'vi' ? Math.max(1, shape.samplesPerStep ?? 1) : 1;
  const B = shape.batch;
  const units = layout.layers.reduce((a, l) => a + l.units, 0);
  const inputs = layout.layers.reduce((a, l) => a + l.inputs, 0);
  const perModelFloats = Math.max(K * B * units, layout.size, B * inputs, K * Math.max(layout.drawnSize, 1), B * shape.arch.inputDim);
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return Math.max(1, Math.floor(bytes / (4 * perModelFloats)));
}

/** `items` cut into the fewest chunks of at most `max`, of near-equal sizes, in order. */
export function chunkEvenly<T>(items: readonly T[], max: number): T[][] {
  if (items.length === 0) return [];
  const chunks = Math.ceil(items.length / Math.max(1, Math.floor(max)));
  const size = Math.ceil(items.length / chunks);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One train() call's share of the jobs: their indices, all with the same epochs. */
export interface EpochsChunk {
  readonly epochs: number;
  readonly indices: readonly number[];
}

/**
 * Cuts jobs with per-job epochs into train() calls: jobs of equal epochs together (a call trains
 * every model for the same number of epochs), at most `max` per call, near-equal sizes; epochs
 * groups in order of first appearance, indices ascending within each.
 */
export function chunkByEpochs(epochsOfJob: readonly number[], max: number): EpochsChunk[] {
  const groups = new Map<number, number[]>();
  for (const [i, e] of epochsOfJob.entries()) {
    const group = groups.get(e);
    if (group) group.push(i);
    else groups.set(e, [i]);
  }
  return [...groups.entries()].flatMap(([epochs, indices]) => chunkEvenly(indices, max).map((chunk) => ({ epochs, indices: chunk })));
}
