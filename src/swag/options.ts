/**
 * A 'swag' request read and checked (TrainOptions.swag, src/objective/swag-options.ts), with its
 * defaults, and split into the two 'map' runs of the GPU trainer that fit it: the pretraining run
 * (TrainOptions' own epochs, optimiser, lr and schedule) and the SWA run (SGD with momentum 0.9 at
 * the constant swaLr for swaEpochs epochs, θ collected after each, starting from the pretrained θ).
 */
import { InvalidInputError } from '../errors.js';
import { MAX_ENSEMBLE_MEMBERS } from '../model/ensemble-file.js';
import type { ModelHyper, TrainOptions } from '../objective/types.js';
import { SWAG_VARIANTS, type SwagVariant } from '../objective/swag-options.js';
import { integerOption, oneOfOption, optional, readOptionsObject, scaleOption } from '../options.js';

export const SWAG_DEFAULTS = { swaEpochs: 20, rank: 20, samples: 30, scale: 1, variant: 'low-rank' } as const;

/** The most SWA epochs (iterates) a run collects: each is a θ read back and kept on the host. */
export const MAX_SWA_EPOCHS = 10_000;

export interface ResolvedSwagOptions {
  readonly swaEpochs: number;
  readonly swaLr: number;
  readonly rank: number;
  readonly samples: number;
  readonly scale: number;
  readonly variant: SwagVariant;
}

const SWAG_KEYS = ['swaEpochs', 'swaLr', 'rank', 'samples', 'scale', 'variant'] as const;

/** TrainOptions.swag checked (InvalidInputError naming the option), defaults filled in. */
export function readSwagOptions(options: TrainOptions): ResolvedSwagOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError("trainSwag needs options with at least { method: 'swag', epochs }");
  if (options.method !== 'swag') throw new InvalidInputError(`trainSwag fits method 'swag', got method '${String(options.method)}'`);
  if (options.snapshotEpochs !== undefined) throw new InvalidInputError("snapshotEpochs is set by 'swag' itself (every epoch of its SWA phase); leave it out");
  const o = readOptionsObject(options.swag, SWAG_KEYS, 'swag options');
  const variant = optional(o['variant'], SWAG_DEFAULTS.variant, (v) => oneOfOption(v, 'swag.variant', SWAG_VARIANTS));
  const swaEpochs = optional(o['swaEpochs'], SWAG_DEFAULTS.swaEpochs, (v) => integerOption(v, 'swag.swaEpochs', 2, MAX_SWA_EPOCHS));
  const rank = optional(o['rank'], SWAG_DEFAULTS.rank, (v) => integerOption(v, 'swag.rank', 2, MAX_SWA_EPOCHS));
  const samples = optional(o['samples'], SWAG_DEFAULTS.samples, (v) => integerOption(v, 'swag.samples', 1, MAX_ENSEMBLE_MEMBERS));
  const scale = optional(o['scale'], SWAG_DEFAULTS.scale, (v) => scaleOption(v, 'swag.scale'));
  const swaLr = optional(o['swaLr'], options.lr ?? 1e-3, (v) => scaleOption(v, 'swag.swaLr'));
  return { swaEpochs, swaLr, rank, samples, scale, variant };
}

/** The options without 'swag''s own, as a 'map' run. */
function mapOptions(options: TrainOptions): TrainOptions {
  const { swag: _swag, ...rest } = options;
  return { ...rest, method: 'map' };
}

/** The pretraining run: the request as a 'map' run. */
export function pretrainOptions(options: TrainOptions): TrainOptions {
  return mapOptions(options);
}

/**
 * The SWA run: SGD (momentum 0.9) at the constant swaLr from `start` (the pretrained θ per model),
 * θ collected after each of its swaEpochs epochs. A model with its own pretraining rate
 * (ModelHyper.lr) runs its SWA phase at swaLr scaled the same way (swaLr · ModelHyper.lr / lr), so
 * a learning-rate grid scales both phases.
 */
export function swaOptions(options: TrainOptions, swag: ResolvedSwagOptions, start: readonly Float64Array[]): TrainOptions {
  const lr = options.lr ?? 1e-3;
  const models = options.models?.map((hyper): ModelHyper => (hyper.lr === undefined ? hyper : { ...hyper, lr: (swag.swaLr * hyper.lr) / lr }));
  return {
    ...mapOptions(options),
    ...(models === undefined ? {} : { models }),
    epochs: swag.swaEpochs,
    optimizer: 'sgd',
    lr: swag.swaLr,
    schedule: 'constant',
    snapshotEpochs: Array.from({ length: swag.swaEpochs }, (_, k) => k + 1),
    initialTheta: start,
  };
}
