/** The classification page's data: seeded presets, point editing, fixture JSON, the view. */
import { describe, expect, it } from 'vitest';
import {
  addLabelledPoint,
  blobCentres,
  classCounts,
  classPreset,
  keepClasses,
  labelledPointsFromFixtureJson,
  pointNear,
  PRESET_VIEW,
  removeLabelledPoint,
  viewAround,
  type ClassPresetName,
} from '../../demo/class-data.js';

const PRESETS: ClassPresetName[] = ['blobs', 'moons', 'spirals'];

describe('classPreset', () => {
  it.each(PRESETS)('%s: the same points for the same seed, other points for another seed', (name) => {
    const a = classPreset(name, 3, 7);
    expect(classPreset(name, 3, 7)).toEqual(a);
    expect(classPreset(name, 3, 8).x).not.toEqual(a.x);
  });

  it.each(PRESETS)('%s: 40 points per class, labels 0..K-1, all finite and inside the preset view', (name) => {
    for (const k of [2, 3, 5]) {
      const p = classPreset(name, k);
      const classes = name === 'moons' ? 2 : k;
      expect(p.x).toHaveLength(40 * classes);
      expect(classCounts(p, classes)).toEqual(new Array<number>(classes).fill(40));
      for (const [x, y] of p.x) {
        expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
        expect(x).toBeGreaterThan(PRESET_VIEW.xMin);
        expect(x).toBeLessThan(PRESET_VIEW.xMax);
        expect(y).toBeGreaterThan(PRESET_VIEW.yMin);
        expect(y).toBeLessThan(PRESET_VIEW.yMax);
      }
    }
  });

  it('blobs: each class lies around its centre (mean within 4 standard errors of 0.55/sqrt(40))', () => {
    const k = 4;
    const p = classPreset('blobs', k, 3);
    const centres = blobCentres(k);
    const se = 0.55 / Math.sqrt(40);
    for (let c = 0; c < k; c++) {
      const rows = p.x.filter((_, i) => p.label[i] === c);
      const mean = [0, 1].map((d) => rows.reduce((s, r) => s + (r[d] ?? NaN), 0) / rows.length);
      const centre = centres[c] ?? [NaN, NaN];
      expect(Math.abs((mean[0] ?? NaN) - centre[0])).toBeLessThan(4 * se);
      expect(Math.abs((mean[1] ?? NaN) - centre[1])).toBeLessThan(4 * se);
    }
  });

  it('moons: the two classes interleave (each class centre is nearer the other class than its own spread would allow for separable blobs)', () => {
    const p = classPreset('moons', 2);
    const mean = (c: number, d: 0 | 1) => {
      const rows = p.x.filter((_, i) => p.label[i] === c);
      return rows.reduce((s, r) => s + r[d], 0) / rows.length;
    };
    // Moon 0 arcs over the top (its mean above moon 1's), moon 1 under it, shifted right.
    expect(mean(0, 1)).toBeGreaterThan(mean(1, 1));
    expect(mean(1, 0)).toBeGreaterThan(mean(0, 0));
  });

  it('rejects K outside 2..5 and non-integers', () => {
    for (const k of [1, 6, 2.5, NaN]) expect(() => classPreset('blobs', k)).toThrow(RangeError);
  });
});

describe('point editing', () => {
  const p = { x: [[0, 0] as const, [1, 1] as const, [2, 2] as const], label: [0, 1, 2] };

  it('adds, removes and keeps classes', () => {
    expect(addLabelledPoint(p, 3, 4, 1)).toEqual({ x: [...p.x, [3, 4]], label: [0, 1, 2, 1] });
    expect(removeLabelledPoint(p, 1)).toEqual({ x: [p.x[0], p.x[2]], label: [0, 2] });
    expect(keepClasses(p, 2)).toEqual({ x: [p.x[0], p.x[1]], label: [0, 1] });
    expect(classCounts(p, 3)).toEqual([1, 1, 1]);
  });

  it('finds the nearest point within the radius, and none outside it', () => {
    expect(pointNear(p, 1.1, 0.9, 0.5)).toBe(1);
    expect(pointNear(p, 0.5, 0.5, 0.5)).toBe(-1);
  });
});

describe('labelledPointsFromFixtureJson', () => {
  it('reads rows of two inputs and integer labels', () => {
    expect(
      labelledPointsFromFixtureJson({
        train_x: [
          [1, 2],
          [3, 4],
        ],
        train_y: [0, 2],
      }),
    ).toEqual({
      x: [
        [1, 2],
        [3, 4],
      ],
      label: [0, 2],
    });
  });

  it('is null for anything else', () => {
    for (const json of [
      null,
      3,
      {},
      { train_x: [[1, 2]], train_y: [0, 1] },
      { train_x: [[1]], train_y: [0] },
      { train_x: [[1, 2]], train_y: [0.5] },
      { train_x: [[1, 2]], train_y: [-1] },
    ]) {
      expect(labelledPointsFromFixtureJson(json)).toBeNull();
    }
  });
});

describe('viewAround', () => {
  it('is a square around the points with the margin', () => {
    const v = viewAround(
      {
        x: [
          [-1, 0],
          [3, 1],
        ],
        label: [0, 1],
      },
      1,
    );
    expect(v).toEqual({ xMin: -2, xMax: 4, yMin: -2.5, yMax: 3.5 });
    expect(v.xMax - v.xMin).toBe(v.yMax - v.yMin);
  });

  it('is the preset view without points', () => {
    expect(viewAround({ x: [], label: [] })).toBe(PRESET_VIEW);
  });
});
