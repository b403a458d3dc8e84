/**
 * The training methods the regression page offers, one table entry each: the label in the method
 * select, the panel's defaults, the settings of the side-by-side comparison, and `fit`: the
 * library's training call for the method (train(), trainSwag(), trainLaplace()) with the page's
 * common options, returning the predictor's members (one model, an ensemble's members, a sampler's
 * kept samples or a posterior's draws). Adding a method to the page is one entry here; the select,
 * the panel, the comparison and the URL parameters read it.
 */
import { trainLaplace, trainSwag, type GpuContext, type Model } from '../src/index.js';
import { train } from '../src/train/index.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions, TrainResult } from '../src/train/index.js';
import type { MethodDefaults } from './train-panel.js';

/** What a method needs to know about the run to build its options. */
export interface MethodRun {
  /** Points on the chart. */
  readonly n: number;
  readonly epochs: number;
  /** Ensemble members asked for (default 5). */
  readonly members?: number;
}

/** The options every method gets from the page: epochs, rate, Adam, seed, minibatch (unless full-batch), progress and Stop. */
export type CommonOptions = Omit<TrainOptions, 'method'>;

export interface RegressionMethod {
  /** The option's text in the method select. */
  readonly label: string;
  /** Short name for the comparison's button and captions. */
  readonly short: string;
  /** The trained model's name; `models` is how many members it predicts with. */
  name(models: number): string;
  /** The panel's hidden widths, epochs and learning rate when the method is picked. */
  readonly defaults: MethodDefaults;
  /**
   * The side-by-side comparison's settings when they differ from `defaults`: a network the method
   * fits on the ~50 points of a preset, and a run of seconds to tens of seconds on SwiftShader.
   */
  readonly compare?: MethodDefaults;
  /** What else the run does beyond hidden widths, epochs and rate (a sampler's settings), for titles. */
  readonly detail?: string;
  /** Common options the method refuses: 'batchSize' for a full-batch sampler, 'optimizer' for one that makes its own updates. */
  readonly omit?: readonly ('batchSize' | 'optimizer')[];
  /** The library method an entry is a variant of, when its name is the page's own ('nuts': 'hmc' with hmc.algorithm 'nuts'). */
  readonly variantOf?: TrainMethod;
  /** Added to the architecture (MC dropout's rate). */
  readonly arch?: Partial<ArchitectureSpec>;
  /** Trains and returns the predictor's members. */
  fit(ctx: GpuContext, arch: ArchitectureSpec, data: TrainData, common: CommonOptions, run: MethodRun): Promise<Model[]>;
}

/**
 * A method trained by train(): `options` adds the method's own options to the common ones, `members`
 * turns the result into the predictor's members (default: its models).
 */
function viaTrain(method: TrainMethod, options: (run: MethodRun) => Partial<TrainOptions>, members: (result: TrainResult) => Model[] = (r) => r.models): RegressionMethod['fit'] {
  return async (ctx, arch, data, common, run) => members(await train(ctx, arch, data, { ...common, ...options(run), method }));
}

/** The first model's posterior draws (or its one model) of a method that gives each trained model a list. */
function firstPosterior(models: readonly (readonly Model[])[]): Model[] {
  const first = models[0];
  if (!first || first.length === 0) throw new Error('the fit gave no posterior (it diverged: try a smaller learning rate)');
  return [...first];
}

/** Minibatch size (at most): the gap preset's 48 points make 3 steps per epoch. */
export const BATCH_SIZE = 16;

export const MC_DROPOUT_RATE = 0.1;
/** Model precision for MC dropout: sigma = 1/sqrt(tau) = 0.2 in y's units. */
export const MC_DROPOUT_TAU = 25;

/**
 * A sampler's kept samples ([chain][k]) as one list, chain-interleaved (k = 0 of every chain, then
 * k = 1, ...): the chart draws the first few members as function samples, and these then come from
 * different chains rather than from one chain's neighbouring (correlated) samples.
 */
export function interleaveChains<T>(chains: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...chains.map((c) => c.length));
  for (let k = 0; k < longest; k++) {
    for (const chain of chains) {
      const item = chain[k];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}

/**
 * HMC's sampler, sized for seconds on SwiftShader: 16 chains (all in the same dispatches), each from
 * its own initial θ and its own MAP pre-fit (the panel's epochs: full-batch Adam steps), then 40
 * warm-up transitions adapting the step size and 10 samples kept every 2nd transition, 5 leapfrog
 * steps each: 60 transitions, 300 gradients of every point per chain; 160 samples in all. Chains
 * this short stay near their starting mode, so most of the spread is between chains; on the gap
 * preset (seed 0) that already puts over twice VI's epistemic std in the gap (e2e/compare.spec.ts).
 * 1-32-32-1: on 1-16-1 the chains (like an ensemble's members) all bridge the gap almost linearly.
 */
const HMC_SETTINGS = { chains: 16, warmup: 40, samples: 10, thin: 2, leapfrogSteps: 5 } as const;

/**
 * NUTS's chains and tree depth limit: each trajectory runs until it turns back (at most 2^4 − 1 = 15
 * leapfrog steps here), so a transition costs up to 3x HMC's 5 steps; fewer chains keep the run short.
 */
const NUTS_SETTINGS = { algorithm: 'nuts', chains: 8, warmup: 40, samples: 10, thin: 2, maxTreeDepth: 4 } as const;

/**
 * SG-MCMC's chains (model slots, trained in the same dispatches) and thinning of its second half. It
 * samples with a known noise σ = 0.2 (MC dropout's τ): with σ learnt under its flat prior, chains
 * started from random weights drifted to a large σ and stopped fitting the points (gap preset, lr 0.01).
 */
const SGMCMC_CHAINS = 4;
const SGMCMC_THIN = 10;

/**
 * SWAG after its 'map' pretraining: 20 SGD epochs at a small constant rate, 30 draws from the fitted
 * Gaussian. At rate 0.01 the SGD phase left the fit on the gap preset; at 0.003 it stays, and the
 * iterates (hence the band) spread little: SWAG is local to the mode SGD circles.
 */
const SWAG_SETTINGS = { swaEpochs: 20, swaLr: 0.003, samples: 30 } as const;

/** Laplace's draws of the last layer from its full-covariance posterior. */
const LAPLACE_DRAWS = 100;

/**
 * The table. Order is the select's order. VI gets a small network: with ~50 points the KL term of a
 * 1-32-32-1 mean-field posterior outweighs the data and the fit collapses to the prior, while 1-16-1
 * fits and shows the bands widening away from the data. The ensemble's 200 epochs (600 Adam steps)
 * fit the presets and take about 10 s on SwiftShader.
 */
export const REGRESSION_METHODS = {
  ensemble: {
    label: 'deep ensemble (5)',
    short: 'deep ensemble',
    name: (models) => `deep ensemble of ${models}`,
    defaults: { hidden: '32,32', epochs: 200, lr: 0.01 },
    fit: viaTrain('ensemble', (run) => ({ models: Array.from({ length: run.members ?? 5 }, () => ({})) })), // members differ by model index
  },
  vi: {
    label: 'VI (Bayes by backprop)',
    short: 'VI',
    name: () => 'VI',
    defaults: { hidden: '16', epochs: 600, lr: 0.01 },
    fit: viaTrain('vi', () => ({ models: [{ priorScale: 1 }], samplesPerStep: 2 })),
  },
  'mc-dropout': {
    label: 'MC dropout',
    short: 'MC dropout',
    name: () => 'MC dropout',
    defaults: { hidden: '32,32', epochs: 300, lr: 0.01 },
    arch: { dropout: MC_DROPOUT_RATE },
    fit: viaTrain('mc-dropout', () => ({ models: [{ dropout: MC_DROPOUT_RATE, tau: MC_DROPOUT_TAU }] })),
  },
  'concrete-dropout': {
    label: 'concrete dropout (learnt rates)',
    short: 'concrete dropout',
    name: () => 'concrete dropout',
    defaults: { hidden: '32,32', epochs: 300, lr: 0.01 },
    detail: `rates learnt from ${MC_DROPOUT_RATE}, σ learnt`,
    fit: viaTrain('concrete-dropout', () => ({ models: [{ dropout: MC_DROPOUT_RATE }] })),
  },
  hmc: {
    label: `HMC (${HMC_SETTINGS.chains} chains; epochs: MAP pre-fit steps)`,
    short: 'HMC',
    name: (models) => `HMC, ${models} samples`,
    defaults: { hidden: '32,32', epochs: 200, lr: 0.02 },
    detail: `${HMC_SETTINGS.chains} chains × (${HMC_SETTINGS.warmup} warm-up + ${HMC_SETTINGS.samples}×${HMC_SETTINGS.thin}) transitions of ${HMC_SETTINGS.leapfrogSteps} leapfrog steps`,
    omit: ['batchSize'],
    fit: viaTrain(
      'hmc',
      () => ({ models: [{ priorScale: 1 }], hmc: HMC_SETTINGS }),
      (result) => interleaveChains(result.snapshots),
    ),
  },
  nuts: {
    label: `NUTS (${NUTS_SETTINGS.chains} chains; epochs: MAP pre-fit steps)`,
    short: 'NUTS',
    variantOf: 'hmc',
    name: (models) => `NUTS, ${models} samples`,
    defaults: { hidden: '32,32', epochs: 200, lr: 0.02 },
    detail: `${NUTS_SETTINGS.chains} chains × (${NUTS_SETTINGS.warmup} warm-up + ${NUTS_SETTINGS.samples}×${NUTS_SETTINGS.thin}) No-U-Turn transitions, tree depth ≤ ${NUTS_SETTINGS.maxTreeDepth}`,
    omit: ['batchSize'],
    fit: viaTrain(
      'hmc',
      () => ({ models: [{ priorScale: 1 }], hmc: NUTS_SETTINGS }),
      (result) => interleaveChains(result.snapshots),
    ),
  },
  sgmcmc: {
    label: `SG-MCMC (SGHMC, ${SGMCMC_CHAINS} chains)`,
    short: 'SGHMC',
    name: (models) => `SGHMC, ${models} samples`,
    defaults: { hidden: '32,32', epochs: 400, lr: 0.003 },
    detail: `${SGMCMC_CHAINS} chains, the second half's every ${SGMCMC_THIN}th epoch kept`,
    omit: ['optimizer'],
    fit: viaTrain(
      'sgmcmc',
      (run) => ({
        models: Array.from({ length: SGMCMC_CHAINS }, () => ({ priorScale: 1, tau: MC_DROPOUT_TAU })),
        sampler: { kind: 'sghmc', burnIn: Math.floor(run.epochs / 2), thin: SGMCMC_THIN },
      }),
      (result) => interleaveChains(result.snapshots),
    ),
  },
  swag: {
    label: 'SWAG (low rank + diagonal)',
    short: 'SWAG',
    name: (models) => `SWAG, ${models} draws`,
    defaults: { hidden: '32,32', epochs: 200, lr: 0.01 },
    detail: `then ${SWAG_SETTINGS.swaEpochs} SGD epochs at ${SWAG_SETTINGS.swaLr}, ${SWAG_SETTINGS.samples} draws`,
    fit: async (ctx, arch, data, common) =>
      firstPosterior((await trainSwag(ctx, arch, data, { ...common, method: 'swag', models: [{ priorScale: 1 }], swag: SWAG_SETTINGS })).models),
  },
  laplace: {
    label: 'Laplace (last layer, evidence-tuned prior)',
    short: 'Laplace',
    name: (models) => `last-layer Laplace, ${models} draws`,
    defaults: { hidden: '32,32', epochs: 200, lr: 0.01 },
    detail: 'prior precision and σ tuned by the evidence',
    fit: async (ctx, arch, data, common) =>
      firstPosterior(
        (await trainLaplace(ctx, arch, data, { ...common, method: 'laplace', models: [{ priorScale: 1 }], laplace: { structure: 'last-layer', samples: LAPLACE_DRAWS } })).models,
      ),
  },
} as const satisfies Record<string, RegressionMethod>;

export type DemoTrainMethod = keyof typeof REGRESSION_METHODS;

export const DEMO_METHODS = Object.keys(REGRESSION_METHODS) as DemoTrainMethod[];

export function isDemoMethod(name: string): name is DemoTrainMethod {
  return Object.hasOwn(REGRESSION_METHODS, name);
}

export function regressionMethod(name: DemoTrainMethod): RegressionMethod {
  return REGRESSION_METHODS[name];
}

/** A method's settings in the side-by-side comparison. */
export function compareSettings(name: DemoTrainMethod): MethodDefaults {
  const m = regressionMethod(name);
  return m.compare ?? m.defaults;
}

/**
 * The method the panel starts with. A deep ensemble shows what the presets are for: its members
 * agree on the data and disagree in the gap and beyond it, while mean-field VI and MC dropout put
 * their narrowest band in the gap (the "in-between" failure of factorised posteriors; models/README.md
 * has the comparison on the shipped data).
 */
export const DEFAULT_METHOD: DemoTrainMethod = 'ensemble';

/**
 * The comparison the button runs: HMC's samples of the posterior against mean-field VI.
 */
export const DEFAULT_COMPARISON: readonly [DemoTrainMethod, DemoTrainMethod] = ['hmc', 'vi'];
