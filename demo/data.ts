/**
 * The 1-D data set on the chart: presets (a gap in the data, heteroscedastic noise, a few points on
 * a line), points added and removed by clicking, and the training data that ships with the Pyro
 * fixtures. Presets are drawn from a seeded generator, so a preset is the same on every load.
 */

export interface Points {
  readonly x: number[];
  readonly y: number[];
}

export type PresetName = 'gap' | 'hetero' | 'linear';

export const PRESETS: Readonly<Record<PresetName, string>> = {
  gap: 'gap in the data',
  hetero: 'heteroscedastic noise',
  linear: 'few points, straight line',
};

/** The x range the chart shows and predicts on. */
export const VIEW = { xMin: -3, xMax: 3 } as const;

/** mulberry32 with Box-Muller normals: small, seeded, good enough for a demo data set. */
export function seededRandom(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

export function preset(name: PresetName, seed = 1): Points {
  const r = seededRandom(seed);
  const x: number[] = [];
  const y: number[] = [];
  if (name === 'gap') {
    // Two clusters with a hole in between: epistemic uncertainty should open up in the gap and outside.
    for (let i = 0; i < 48; i++) {
      const u = r.uniform();
      const xi = i % 2 === 0 ? -2 + 1.4 * u : 0.8 + 1.2 * u;
      x.push(xi);
      y.push(Math.sin(2 * xi) + 0.1 * r.normal());
    }
  } else if (name === 'hetero') {
    // Noise grows with x: the aleatoric band should widen to the right.
    for (let i = 0; i < 60; i++) {
      const xi = -2 + 4 * r.uniform();
      x.push(xi);
      y.push(0.5 * xi + 0.3 * Math.sin(3 * xi) + (0.03 + 0.2 * (xi + 2)) * r.normal());
    }
  } else {
    for (let i = 0; i < 8; i++) {
      const xi = -1.5 + (3 * i) / 7 + 0.1 * r.normal();
      x.push(xi);
      y.push(0.6 * xi - 0.2 + 0.15 * r.normal());
    }
  }
  return { x, y };
}

export function addPoint(points: Points, x: number, y: number): Points {
  return { x: [...points.x, x], y: [...points.y, y] };
}

export function removePoint(points: Points, index: number): Points {
  return { x: points.x.filter((_, i) => i !== index), y: points.y.filter((_, i) => i !== index) };
}

/** The training data of a Pyro fixture's JSON (`train_x` rows of one input, `train_y`), or null when it has none. */
export function pointsFromFixtureJson(json: unknown): Points | null {
  if (typeof json !== 'object' || json === null) return null;
  const { train_x: tx, train_y: ty } = json as { train_x?: unknown; train_y?: unknown };
  if (!Array.isArray(tx) || !Array.isArray(ty) || tx.length !== ty.length) return null;
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < tx.length; i++) {
    const row: unknown = tx[i];
    const xi = Array.isArray(row) ? (row[0] as unknown) : row;
    const yi: unknown = ty[i];
    if (typeof xi !== 'number' || typeof yi !== 'number') return null;
    x.push(xi);
    y.push(yi);
  }
  return { x, y };
}

/** n evenly spaced x values over the view. */
export function grid(n: number, xMin: number = VIEW.xMin, xMax: number = VIEW.xMax): number[] {
  if (n < 2) return [xMin];
  return Array.from({ length: n }, (_, i) => xMin + ((xMax - xMin) * i) / (n - 1));
}
