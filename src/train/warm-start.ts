/**
 * A MAP fit as the starting point of 'sgmcmc' chains. SGHMC at a step size small enough to stay
 * stable near the posterior's mode (where a learnt noise scale makes the potential stiff: its
 * curvature grows as 1/σ²) takes too long to reach the mode from the random initialisation; at a
 * step size large enough to get there it diverges once σ has shrunk. Adam gets there in a few
 * hundred epochs, so the chains can start from its θ and sample at a small step size. Not always
 * better (bench/README.md, "SG-MCMC from a MAP fit", 20 UCI splits): energy and yacht gain (no
 * diverged split on energy; yacht -1.93 to -1.17), but where the fit has overfitted (Boston: σ far
 * below the posterior's) the small steps stay near it (-2.69 to -5.70). Hence an option, not the
 * sampler's default.
 */
import { InvalidInputError } from '../errors.js';
import type { GpuContext } from '../gpu/device.js';
import { integerOption, readOptionsObject, scaleOption } from '../options.js';
import { trainLayout } from '../objective/layout.js';
import { prepareRun } from '../objective/prepare.js';
import type { ArchitectureSpec, TrainData, TrainOptions } from '../objective/types.js';
import { train } from './trainer.js';

/** The MAP fit before sampling: `epochs` epochs of Adam at the constant rate `lr`. */
export interface WarmStartOptions {
  readonly epochs: number;
  /** Adam's learning rate (default DEFAULT_WARM_START_LR). */
  readonly lr?: number;
}

/** Adam's rate for the MAP fit: the rate 'map' and 'swag' train UCI networks at. */
export const DEFAULT_WARM_START_LR = 1e-2;

/** The most warm-start epochs (a run's own epochs are bounded the same way by prepareRun). */
const MAX_WARM_START_EPOCHS = 1_000_000;

/**
 * θ per model after a 'map' fit of the same network, posterior, data and models (their rows, prior
 * scales and streams; not their step sizes): `initialTheta` for the 'sgmcmc' run `options`. A model
 * whose fit diverged starts from zeros (its chain is then judged by its own run's divergence). With
 * the noise fixed (every model's tau), 'map' has no fixed-noise objective: the fit learns σ, and
 * the chains start from its other parameters.
 *
 * @example
 * const start = await mapWarmStart(ctx, arch, data, options, { epochs: 400 });
 * const chains = await train(ctx, arch, data, { ...options, initialTheta: start });
 */
export async function mapWarmStart(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, options: TrainOptions, warmStart: WarmStartOptions): Promise<Float64Array[]> {
  if (typeof options !== 'object' || options === null) throw new InvalidInputError("mapWarmStart needs the 'sgmcmc' run's options");
  if (options.method !== 'sgmcmc') throw new InvalidInputError(`a MAP warm start is for method 'sgmcmc', got method '${String(options.method)}'`);
  if (options.initialTheta !== undefined) throw new InvalidInputError('initialTheta is what the warm start computes; give one or the other');
  const o = readOptionsObject(warmStart, ['epochs', 'lr'] as const, 'warm start options');
  const epochs = integerOption(o['epochs'], 'warmStart.epochs', 1, MAX_WARM_START_EPOCHS);
  const lr = o['lr'] === undefined ? DEFAULT_WARM_START_LR : scaleOption(o['lr'], 'warmStart.lr');
  // The sampling run's request is checked whole before the GPU is touched.
  const sampling = prepareRun(arch, data, options);
  const { sampler: _sampler, snapshotEpochs: _snapshots, onProgress: _progress, models, ...rest } = options;
  const fit = await train(ctx, arch, data, {
    ...rest,
    method: 'map',
    optimizer: 'adam',
    lr,
    schedule: 'constant',
    epochs,
    // The models' own rates are the sampler's step sizes, not Adam's; a fixed noise is learnt here.
    ...(models === undefined ? {} : { models: models.map(({ lr: _lr, tau: _tau, ...hyper }) => hyper) }),
  });
  const noise = sampling.fixedNoise ? trainLayout(arch, 'map', false, sampling.likelihood).noise : -1;
  return fit.theta.map((theta, m) => {
    const start = noise < 0 ? theta : Float64Array.from([...theta.subarray(0, noise), ...theta.subarray(noise + 1)]);
    return fit.diverged[m] === true ? new Float64Array(start.length) : start;
  });
}
