/** The prediction grid: cell centres and lookup agree, a classifier's result becomes the maps, probes read the right cell. */
import { describe, expect, it } from 'vitest';
import { cellAt, cellCentre, classMapsFrom, describeProbe, gridInputs, probeAt, type GridSpec } from '../../demo/class-grid.js';
import { fakeCategorical } from '../support/fake-categorical.js';

const GRID: GridSpec = { view: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 }, size: 4 };

describe('grid', () => {
  it('row 0 is the top (largest x2), cells in row-major order', () => {
    const rows = gridInputs(GRID);
    expect(rows).toHaveLength(16);
    expect(rows[0]).toEqual([-1.5, 2.5]);
    expect(rows[3]).toEqual([1.5, 2.5]);
    expect(rows[15]).toEqual([1.5, -0.5]);
  });

  it('cellAt finds the cell of every cell centre, and -1 outside the view', () => {
    for (let r = 0; r < GRID.size; r++) {
      for (let c = 0; c < GRID.size; c++) {
        const [x, y] = cellCentre(GRID, r, c);
        expect(cellAt(GRID, x, y)).toBe(r * GRID.size + c);
      }
    }
    expect(cellAt(GRID, -2.01, 0)).toBe(-1);
    expect(cellAt(GRID, 0, 3.01)).toBe(-1);
    expect(cellAt(GRID, NaN, 0)).toBe(-1);
  });
});

describe('classMapsFrom', () => {
  it("takes a categorical result's probabilities, entropy and mutual information", () => {
    const maps = classMapsFrom(fakeCategorical(GRID), GRID);
    expect(maps.classes).toBe(2);
    expect(maps.entropy[5]).toBe(5);
    expect(maps.mutualInformation[5]).toBeCloseTo(0.5, 6);
    expect(maps.samples).toBe(10);
  });

  it('rejects a regression result and a result of the wrong size', () => {
    const { probs: _probs, ...rest } = fakeCategorical(GRID);
    const regression = { ...rest, likelihood: 'normal' as const };
    expect(() => classMapsFrom(regression, GRID)).toThrow(/categorical/);
    expect(() => classMapsFrom(fakeCategorical({ ...GRID, size: 3 }), GRID)).toThrow(/9 rows for a grid of 16 cells/);
  });
});

describe('probeAt', () => {
  it("reads the probabilities, entropy and MI of the point's cell", () => {
    const maps = classMapsFrom(fakeCategorical(GRID), GRID);
    const [x, y] = cellCentre(GRID, 2, 1); // cell 9
    const probe = probeAt(maps, x + 0.1, y - 0.1);
    expect(probe?.probs[0]).toBeCloseTo(9 / 16, 6);
    expect(probe?.probs[1]).toBeCloseTo(7 / 16, 6);
    expect(probe?.predicted).toBe(0);
    expect(probe?.entropy).toBe(9);
    expect(probeAt(maps, 5, 5)).toBeNull();
    expect(probe && describeProbe(probe)).toMatch(/^at \(-0\.40, 0\.40\): class 0 0\.563 · class 1 0\.438; entropy 9\.000 nats, mutual information 0\.900 nats$/);
  });
});
