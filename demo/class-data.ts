/**
 * The 2-D classification data set of the classification page: labelled points (x1, x2, class), the
 * seeded presets (Gaussian blobs, two moons, interleaved spirals), points added and removed by
 * clicking, a Pyro classifier fixture's training data, and the square view they are shown in.
 */
import { seededRandom } from './data.js';

/** The most classes the page offers (one colour each). */
export const MAX_CLASSES = 5;

export interface LabelledPoints {
  /** Inputs, one [x1, x2] per point. */
  readonly x: readonly (readonly [number, number])[];
  /** Class index 0..K-1 per point. */
  readonly label: readonly number[];
}

/** The region of the input plane the maps show and predict on. */
export interface View {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export type ClassPresetName = 'blobs' | 'moons' | 'spirals';

export const CLASS_PRESETS: Readonly<Record<ClassPresetName, string>> = {
  blobs: 'Gaussian blobs',
  moons: 'two moons',
  spirals: 'spirals',
};

/** The presets' view: they all lie inside [-4, 4]². */
export const PRESET_VIEW: View = { xMin: -4, xMax: 4, yMin: -4, yMax: 4 };

export const EMPTY_POINTS: LabelledPoints = { x: [], label: [] };

/**
 * A preset data set with `classes` classes (moons always has 2), the same on every call with the
 * same seed. Blobs: one isotropic blob per class on a circle (std 0.55, radius 2.2), so the space
 * between them and far outside is where a classifier should be unsure. Moons: the classic
 * interleaved half-circles, scaled by 1.8 into the view, with noise of std 0.2. Spirals: one arm per class, 1.25 turns out to radius 3.3 (neighbouring arms 3/(1.25 K) apart), noise std 0.08.
 */
export function classPreset(name: ClassPresetName, classes: number, seed = 1, perClass = 40): LabelledPoints {
  const r = seededRandom(seed);
  const x: [number, number][] = [];
  const label: number[] = [];
  const k = name === 'moons' ? 2 : checkClasses(classes);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < perClass; i++) {
      const t = (i + r.uniform()) / perClass; // stratified along the shape
      if (name === 'blobs') {
        const angle = Math.PI / 2 + (2 * Math.PI * c) / k;
        x.push([2.2 * Math.cos(angle) + 0.55 * r.normal(), 2.2 * Math.sin(angle) + 0.55 * r.normal()]);
      } else if (name === 'moons') {
        const a = Math.PI * t;
        const [u, v] = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
        x.push([1.8 * (u - 0.5) + 0.2 * r.normal(), 1.8 * (v - 0.25) + 0.2 * r.normal()]);
      } else {
        const radius = 0.3 + 3 * t;
        const angle = 2.5 * Math.PI * t + (2 * Math.PI * c) / k;
        x.push([radius * Math.cos(angle) + 0.08 * r.normal(), radius * Math.sin(angle) + 0.08 * r.normal()]);
      }
      label.push(c);
    }
  }
  return { x, label };
}

function checkClasses(classes: number): number {
  if (!Number.isInteger(classes) || classes < 2 || classes > MAX_CLASSES) throw new RangeError(`classes: expected an integer in 2..${MAX_CLASSES}, got ${classes}`);
  return classes;
}

/** The centres of the blobs preset with `classes` classes (where a classifier should be surest). */
export function blobCentres(classes: number): [number, number][] {
  return Array.from({ length: checkClasses(classes) }, (_, c) => {
    const angle = Math.PI / 2 + (2 * Math.PI * c) / classes;
    return [2.2 * Math.cos(angle), 2.2 * Math.sin(angle)];
  });
}

export function addLabelledPoint(points: LabelledPoints, x: number, y: number, label: number): LabelledPoints {
  return { x: [...points.x, [x, y]], label: [...points.label, label] };
}

export function removeLabelledPoint(points: LabelledPoints, index: number): LabelledPoints {
  return { x: points.x.filter((_, i) => i !== index), label: points.label.filter((_, i) => i !== index) };
}

/** The points of classes below `classes` (what is left when K is lowered). */
export function keepClasses(points: LabelledPoints, classes: number): LabelledPoints {
  const keep = points.label.map((l) => l < classes);
  return { x: points.x.filter((_, i) => keep[i]), label: points.label.filter((_, i) => keep[i]) };
}

/** Points per class, [K]. */
export function classCounts(points: LabelledPoints, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of points.label) if (l >= 0 && l < classes) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
}

/** The index of the point within `radius` (data units) of (x, y), the nearest one; -1 if none. */
export function pointNear(points: LabelledPoints, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  points.x.forEach(([px, py], i) => {
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/**
 * A Pyro classifier fixture's training data (`train_x`: rows of two inputs, `train_y`: class
 * indices), or null when the JSON has none of that shape.
 */
export function labelledPointsFromFixtureJson(json: unknown): LabelledPoints | null {
  if (typeof json !== 'object' || json === null) return null;
  const { train_x: tx, train_y: ty } = json as { train_x?: unknown; train_y?: unknown };
  if (!Array.isArray(tx) || !Array.isArray(ty) || tx.length !== ty.length) return null;
  const x: [number, number][] = [];
  const label: number[] = [];
  for (let i = 0; i < tx.length; i++) {
    const row: unknown = tx[i];
    const yi: unknown = ty[i];
    if (!Array.isArray(row) || row.length !== 2 || typeof row[0] !== 'number' || typeof row[1] !== 'number') return null;
    if (typeof yi !== 'number' || !Number.isInteger(yi) || yi < 0) return null;
    x.push([row[0], row[1]]);
    label.push(yi);
  }
  return { x, label };
}

/** A square view around the points with `margin` (data units) on every side; the preset view when there are none. */
export function viewAround(points: LabelledPoints, margin = 1.5): View {
  if (points.x.length === 0) return PRESET_VIEW;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of points.x) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const half = Math.max(x1 - x0, y1 - y0) / 2 + margin;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}
