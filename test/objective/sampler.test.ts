/** The 'sgmcmc' sampler's options, step size, noise stages and sample epochs (src/objective/sampler.ts): exact values. */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { prepareSampler, samplerNoiseStd, samplerNoisy, samplerStepSize } from '../../src/objective/sampler.js';

describe('prepareSampler', () => {
  it('defaults: SGHMC, friction 0.1, T 1, constant step, half the epochs burnt in, every later epoch kept', () => {
    const s = prepareSampler(undefined, 10, 3);
    expect(s).toEqual({ kind: 'sghmc', friction: 0.1, temperature: 1, cycles: 0, cycleSteps: 30, explorationSteps: 0, sampleEpochs: [6, 7, 8, 9, 10] });
  });

  it("'sgld' is friction 1; burn-in and thinning pick the sample epochs", () => {
    const s = prepareSampler({ kind: 'sgld', burnIn: 3, thin: 3, temperature: 0.5 }, 12, 2);
    expect(s).toMatchObject({ kind: 'sgld', friction: 1, temperature: 0.5, sampleEpochs: [6, 9, 12] });
  });

  it('cyclical: L = epochs/cycles epochs of steps, ceil(β L) exploration steps, samples at the ends of each cycle', () => {
    // 20 epochs of 5 steps, 2 cycles: L = 50 steps, exploration ceil(0.7 * 50) = 35 steps = epochs 1..7 of each cycle.
    const s = prepareSampler({ cycles: 2, explorationFraction: 0.7, samplesPerCycle: 3 }, 20, 5);
    expect(s).toMatchObject({ cycles: 2, cycleSteps: 50, explorationSteps: 35, sampleEpochs: [8, 9, 10, 18, 19, 20] });
    expect(samplerNoisy(s, 34)).toBe(false);
    expect(samplerNoisy(s, 35)).toBe(true);
    expect(samplerNoisy(s, 49)).toBe(true);
    expect(samplerNoisy(s, 50)).toBe(false);
    // Zhang et al.'s ε_t = ε0/2 (cos(π mod(t, L)/L) + 1): ε0 at each cycle's start, ε0/2 halfway.
    expect(samplerStepSize(s, 0.1, 0)).toBe(0.1);
    expect(samplerStepSize(s, 0.1, 25)).toBeCloseTo(0.05, 15);
    expect(samplerStepSize(s, 0.1, 50)).toBe(0.1);
    expect(samplerStepSize(s, 0.1, 49)).toBeCloseTo(0.05 * (Math.cos((Math.PI * 49) / 50) + 1), 15);
    // The default samples per cycle: 3, or the whole epochs of the sampling stage when fewer (here 10 - 8 = 2).
    expect(prepareSampler({ cycles: 1 }, 10, 4).sampleEpochs).toEqual([9, 10]);
  });

  it('a constant step adds noise at every step; its std is sqrt(2 α ε T / N)', () => {
    const s = prepareSampler({ friction: 0.2, temperature: 2 }, 4, 3);
    expect([0, 5, 11].map((t) => samplerNoisy(s, t))).toEqual([true, true, true]);
    expect(samplerStepSize(s, 0.01, 7)).toBe(0.01);
    expect(samplerNoiseStd(s, 0.01, 50)).toBeCloseTo(Math.sqrt((2 * 0.2 * 0.01 * 2) / 50), 15);
  });

  it.each([
    [{ kind: 'hmc' }, /sampler.kind must be one of/],
    [{ bogus: 1 }, /sampler has no option 'bogus'/],
    [{ kind: 'sgld', friction: 0.5 }, /friction is an 'sghmc' option/],
    [{ friction: 0 }, /friction must be in \(0, 1\]/],
    [{ friction: 1.5 }, /sampler.friction must be/],
    [{ temperature: 0 }, /sampler.temperature/],
    [{ cycles: 3 }, /must divide epochs/],
    [{ cycles: 2, burnIn: 1 }, /burnIn is an option of the constant step size/],
    [{ explorationFraction: 0.5 }, /give sampler.cycles too/],
    [{ cycles: 1, explorationFraction: 1 }, /must be below 1/],
    [{ cycles: 5 }, /no whole epoch in its sampling stage/],
    [{ cycles: 1, samplesPerCycle: 3 }, /exceeds the 2 whole epochs/],
    [{ burnIn: 10 }, /leaves no epoch/],
    [{ burnIn: 8, thin: 3 }, /leaves no sample/],
    [{ thin: 0 }, /sampler.thin/],
  ])('%j is refused with a typed error', (value, message) => {
    expect(() => prepareSampler(value, 10, 4)).toThrow(InvalidInputError);
    expect(() => prepareSampler(value, 10, 4)).toThrow(message);
  });
});
