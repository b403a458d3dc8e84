/**
 * The stochastic-gradient samplers of method 'sgmcmc' (index.ts, SAMPLERS): SGLD (Welling & Teh
 * 2011) and SGHMC (Chen et al. 2014) in the parametrisation of Zhang et al. 2020's cSG-MCMC code,
 * with a constant step size (burn-in and thinning) or their cyclical one (cycles, an exploration
 * stage without noise, samples at the ends of each cycle's last epochs). Options, checks and
 * defaults, the step size of a step and which epochs are kept: plain data read by the GPU's
 * optimizer program and the float64 oracle alike.
 */
import { InvalidInputError } from '../errors.js';
import { describeValue, integerOption, numberOption, oneOfOption, readOptionsObject, scaleOption } from '../options.js';

export type SamplerKind = 'sgld' | 'sghmc';

export const SAMPLER_KINDS: readonly SamplerKind[] = ['sgld', 'sghmc'];

/** TrainOptions.sampler ('sgmcmc'); every field optional, defaults below. */
export interface SamplerOptions {
  /** 'sghmc' (default) or 'sgld' (SGHMC's friction-1 limit). */
  readonly kind?: SamplerKind;
  /**
   * Cycles of the cyclical step size over the run (a divisor of epochs); 0 (default): a constant
   * step size with burn-in and thinning.
   */
  readonly cycles?: number;
  /** Cyclical: the fraction β of each cycle's steps run without noise (exploration); default 0.8. */
  readonly explorationFraction?: number;
  /** Cyclical: samples kept per cycle, at the ends of its last epochs (default: 3, or as many whole epochs as the sampling stage holds). */
  readonly samplesPerCycle?: number;
  /** Constant step: epochs discarded before the first sample (default: half the epochs, rounded down). */
  readonly burnIn?: number;
  /** Constant step: a sample every `thin` epochs after the burn-in (default 1). */
  readonly thin?: number;
  /** T > 0 of the tempered posterior p(θ | D)^(1/T) (default 1: the posterior). */
  readonly temperature?: number;
  /** 'sghmc': the friction α in (0, 1] (the velocity keeps 1 − α of itself per step); default 0.1. */
  readonly friction?: number;
}

/** The sampler of a run, checked and with its defaults; the step counts are global steps. */
export interface PreparedSampler {
  readonly kind: SamplerKind;
  /** α; 1 for 'sgld' (no velocity carried over). */
  readonly friction: number;
  readonly temperature: number;
  /** 0: a constant step size. */
  readonly cycles: number;
  /** L: steps per cycle (the whole run when constant). */
  readonly cycleSteps: number;
  /** Steps at the start of each cycle without noise: ceil(β L) (0 when constant). */
  readonly explorationSteps: number;
  /** The 1-based epochs after which θ is kept as a sample. */
  readonly sampleEpochs: readonly number[];
}

export const DEFAULT_SAMPLER_KIND: SamplerKind = 'sghmc';
export const DEFAULT_FRICTION = 0.1;
export const DEFAULT_EXPLORATION_FRACTION = 0.8;
export const DEFAULT_SAMPLES_PER_CYCLE = 3;

const SAMPLER_KEYS = ['kind', 'cycles', 'explorationFraction', 'samplesPerCycle', 'burnIn', 'thin', 'temperature', 'friction'] as const;

/**
 * TrainOptions.sampler checked against the run (epochs of stepsPerEpoch global steps each). Options of
 * the other schedule or sampler kind are errors rather than silently ignored.
 */
export function prepareSampler(value: unknown, epochs: number, stepsPerEpoch: number): PreparedSampler {
  const o = readOptionsObject(value, SAMPLER_KEYS, 'sampler');
  const kind = o['kind'] === undefined ? DEFAULT_SAMPLER_KIND : oneOfOption(o['kind'], 'sampler.kind', SAMPLER_KINDS);
  if (kind === 'sgld' && o['friction'] !== undefined) throw new InvalidInputError("sampler.friction is an 'sghmc' option; 'sgld' has no velocity");
  const friction = kind === 'sgld' ? 1 : o['friction'] === undefined ? DEFAULT_FRICTION : numberOption(o['friction'], 'sampler.friction', { min: 0, max: 1 });
  if (!(friction > 0)) throw new InvalidInputError(`sampler.friction must be in (0, 1], got ${describeValue(o['friction'])}`);
  const temperature = o['temperature'] === undefined ? 1 : scaleOption(o['temperature'], 'sampler.temperature');
  const cycles = o['cycles'] === undefined ? 0 : integerOption(o['cycles'], 'sampler.cycles', 0);
  const totalSteps = epochs * stepsPerEpoch;
  const common = { kind, friction, temperature, cycles };
  if (cycles === 0) {
    for (const key of ['explorationFraction', 'samplesPerCycle'] as const) {
      if (o[key] !== undefined) throw new InvalidInputError(`sampler.${key} is an option of the cyclical schedule; give sampler.cycles too`);
    }
    const burnIn = o['burnIn'] === undefined ? Math.floor(epochs / 2) : integerOption(o['burnIn'], 'sampler.burnIn', 0);
    if (burnIn >= epochs) throw new InvalidInputError(`sampler.burnIn (${burnIn}) leaves no epoch to sample of the ${epochs}`);
    const thin = o['thin'] === undefined ? 1 : integerOption(o['thin'], 'sampler.thin', 1);
    const sampleEpochs: number[] = [];
    for (let e = burnIn + thin; e <= epochs; e += thin) sampleEpochs.push(e);
    if (sampleEpochs.length === 0) throw new InvalidInputError(`sampler.thin (${thin}) after a burn-in of ${burnIn} leaves no sample within ${epochs} epochs`);
    return { ...common, cycleSteps: totalSteps, explorationSteps: 0, sampleEpochs };
  }
  for (const key of ['burnIn', 'thin'] as const) {
    if (o[key] !== undefined)
      throw new InvalidInputError(`sampler.${key} is an option of the constant step size; the cyclical schedule (sampler.cycles) samples at each cycle's end`);
  }
  if (epochs % cycles !== 0) throw new InvalidInputError(`sampler.cycles (${cycles}) must divide epochs (${epochs}): every cycle is a whole number of epochs`);
  const beta = o['explorationFraction'] === undefined ? DEFAULT_EXPLORATION_FRACTION : numberOption(o['explorationFraction'], 'sampler.explorationFraction', { min: 0, max: 1 });
  if (!(beta < 1)) throw new InvalidInputError('sampler.explorationFraction must be below 1: a cycle needs a sampling stage');
  const epochsPerCycle = epochs / cycles;
  const cycleSteps = epochsPerCycle * stepsPerEpoch;
  const explorationSteps = Math.ceil(beta * cycleSteps);
  // Samples come from epochs wholly in the sampling stage (every step of them with noise).
  const samplingEpochs = epochsPerCycle - Math.ceil(explorationSteps / stepsPerEpoch);
  if (samplingEpochs < 1) {
    throw new InvalidInputError(
      `a cycle of ${epochsPerCycle} epochs with explorationFraction ${beta} has no whole epoch in its sampling stage; use fewer cycles, more epochs or a smaller explorationFraction`,
    );
  }
  const perCycle = o['samplesPerCycle'] === undefined ? Math.min(DEFAULT_SAMPLES_PER_CYCLE, samplingEpochs) : integerOption(o['samplesPerCycle'], 'sampler.samplesPerCycle', 1);
  if (perCycle > samplingEpochs) {
    throw new InvalidInputError(`sampler.samplesPerCycle (${perCycle}) exceeds the ${samplingEpochs} whole epochs in each cycle's sampling stage`);
  }
  const sampleEpochs: number[] = [];
  for (let c = 1; c <= cycles; c++) for (let k = perCycle - 1; k >= 0; k--) sampleEpochs.push(c * epochsPerCycle - k);
  return { ...common, cycleSteps, explorationSteps, sampleEpochs };
}

/**
 * Step size ε_t at global step t from the base rate lr: constant, or Zhang et al.'s cyclical
 * ε_t = lr / 2 (cos(π mod(t, L) / L) + 1), L = cycleSteps (lr at each cycle's first step, near 0 at its last).
 */
export function samplerStepSize(sampler: PreparedSampler, lr: number, t: number): number {
  if (sampler.cycles === 0) return lr;
  return (lr / 2) * (Math.cos((Math.PI * (t % sampler.cycleSteps)) / sampler.cycleSteps) + 1);
}

/** Whether global step t adds noise: every step with a constant step size, the sampling stage of each cycle otherwise. */
export function samplerNoisy(sampler: PreparedSampler, t: number): boolean {
  return t % sampler.cycleSteps >= sampler.explorationSteps;
}

/** The std of the noise added to a velocity element at step size ε: sqrt(2 α ε T / N) (index.ts, SAMPLERS). */
export function samplerNoiseStd(sampler: PreparedSampler, stepSize: number, n: number): number {
  return Math.sqrt((2 * sampler.friction * stepSize * sampler.temperature) / n);
}
