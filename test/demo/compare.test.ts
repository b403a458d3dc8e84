/** The regression page's method table and the side-by-side comparison's choices: parsing `compare=`, the gap's middle, sample order. */
import { describe, expect, it } from 'vitest';
import { nearestIndex, parseComparison, widestGapCentre } from '../../demo/compare.js';
import { preset } from '../../demo/data.js';
import { compareSettings, DEFAULT_COMPARISON, DEFAULT_METHOD, DEMO_METHODS, interleaveChains, isDemoMethod, regressionMethod } from '../../demo/regression-methods.js';
import { LAPLACE_METHOD } from '../../src/laplace/index.js';
import { TRAIN_METHODS } from '../../src/objective/methods.js';

describe('method table', () => {
  it('offers only library methods, with usable defaults, and the defaults it names are in it', () => {
    expect(DEMO_METHODS.length).toBeGreaterThanOrEqual(3);
    for (const name of DEMO_METHODS) {
      expect([...TRAIN_METHODS, LAPLACE_METHOD]).toContain(regressionMethod(name).variantOf ?? name);
      for (const s of [regressionMethod(name).defaults, compareSettings(name)]) {
        expect(s.hidden, name).toMatch(/^\d+(,\d+)*$/);
        expect(Number.isInteger(s.epochs) && s.epochs > 0, name).toBe(true);
        expect(s.lr, name).toBeGreaterThan(0);
      }
      expect(regressionMethod(name).label.length, name).toBeGreaterThan(0);
    }
    expect(isDemoMethod(DEFAULT_METHOD)).toBe(true);
    expect(DEFAULT_COMPARISON.every(isDemoMethod)).toBe(true);
    expect(isDemoMethod('toString')).toBe(false); // not fooled by the prototype
  });
});

describe('parseComparison', () => {
  it('takes two methods separated by a comma or spaces', () => {
    expect(parseComparison('ensemble,vi')).toEqual(['ensemble', 'vi']);
    expect(parseComparison(' vi , mc-dropout ')).toEqual(['vi', 'mc-dropout']);
    expect(parseComparison('vi ensemble')).toEqual(['vi', 'ensemble']);
  });

  it('names the choices for an unknown method or a count other than two', () => {
    for (const bad of ['vi,nonsense', 'vi', 'vi,ensemble,mc-dropout', '', 'map,vi']) {
      expect(() => parseComparison(bad), bad).toThrow(/compare: expected two of .*\bvi\b.*separated by a comma/);
    }
  });
});

describe('widestGapCentre', () => {
  it("finds the middle of the gap preset's gap (its clusters are x in [-2, -0.6] and [0.8, 2])", () => {
    const { x } = preset('gap');
    const centre = widestGapCentre(x);
    const left = Math.max(...x.filter((v) => v < 0));
    const right = Math.min(...x.filter((v) => v > 0));
    expect(centre).toBeCloseTo((left + right) / 2, 12);
    expect(left).toBeLessThan(-0.6);
    expect(right).toBeGreaterThan(0.8);
  });

  it('takes the widest interval between distinct x in any order, and is null without two distinct x', () => {
    expect(widestGapCentre([3, 0, 1, 1.5])).toBe(2.25);
    expect(widestGapCentre([1, 1, 1])).toBeNull();
    expect(widestGapCentre([])).toBeNull();
  });
});

describe('nearestIndex', () => {
  it('finds the grid point nearest x, the first on a tie', () => {
    expect(nearestIndex([-1, 0, 1], 0.4)).toBe(1);
    expect(nearestIndex([-1, 0, 1], 0.5)).toBe(1);
    expect(nearestIndex([-1, 0, 1], 7)).toBe(2);
  });
});

describe('interleaveChains', () => {
  it('takes sample k of every chain before sample k + 1, so the first members come from different chains', () => {
    expect(
      interleaveChains([
        ['a0', 'a1', 'a2'],
        ['b0', 'b1', 'b2'],
      ]),
    ).toEqual(['a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
    expect(interleaveChains([['a0', 'a1'], ['b0'], []])).toEqual(['a0', 'b0', 'a1']);
    expect(interleaveChains([])).toEqual([]);
  });
});
