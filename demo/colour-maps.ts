/**
 * The classification maps' colours: one colour per class (decision regions: the most probable
 * class's colour, faded towards white as its probability falls to 1/K), and a sequential heat map
 * (viridis) for the entropy and mutual information maps. Pure functions of numbers, so the unit
 * tests and the Playwright spec can check pixels against them.
 */

export type Rgb = readonly [number, number, number];

/** Class colours (Tableau 10's first five): distinct in hue, readable on white. */
export const CLASS_COLOURS: readonly Rgb[] = [
  [78, 121, 167], // blue
  [242, 142, 43], // orange
  [89, 161, 79], // green
  [225, 87, 89], // red
  [176, 122, 161], // purple
];

const WHITE: Rgb = [255, 255, 255];

export function classColour(k: number): Rgb {
  const c = CLASS_COLOURS[k % CLASS_COLOURS.length];
  if (!c) throw new RangeError(`no colour for class ${k}`);
  return c;
}

export function cssColour([r, g, b]: Rgb, alpha = 1): string {
  return alpha === 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** a·to + (1 − a)·from, rounded to bytes. */
export function mix(from: Rgb, to: Rgb, a: number): Rgb {
  const t = Math.min(1, Math.max(0, a));
  return [Math.round(from[0] + (to[0] - from[0]) * t), Math.round(from[1] + (to[1] - from[1]) * t), Math.round(from[2] + (to[2] - from[2]) * t)];
}

/** Strength of the region colour at the least (max p = 1/K) and the most confident (max p = 1) cell. */
export const REGION_ALPHA = { min: 0.12, max: 0.85 } as const;

/**
 * The decision-region colour of one cell from its K class probabilities: the most probable class's
 * colour over white, its alpha growing linearly from REGION_ALPHA.min at max p = 1/K (a coin toss)
 * to REGION_ALPHA.max at max p = 1.
 */
export function regionColour(probs: ArrayLike<number>): Rgb {
  const k = probs.length;
  let best = 0;
  for (let i = 1; i < k; i++) if ((probs[i] ?? -Infinity) > (probs[best] ?? -Infinity)) best = i;
  const pMax = probs[best] ?? NaN;
  const confidence = k > 1 ? (pMax - 1 / k) / (1 - 1 / k) : 1;
  if (!Number.isFinite(confidence)) return [0, 0, 0]; // NaN shows as black, never as a plausible class
  return mix(WHITE, classColour(best), REGION_ALPHA.min + (REGION_ALPHA.max - REGION_ALPHA.min) * Math.min(1, Math.max(0, confidence)));
}

/**
 * The class whose colour a pixel shows, -1 for white-ish or grey pixels (no clear hue): the class
 * colour c with the smallest angle between (pixel − white) and (c − white). Region colours are
 * exactly such mixes, so every region pixel maps back to its class.
 */
export function classOfPixel(rgb: Rgb, classes = CLASS_COLOURS.length): number {
  const d = [rgb[0] - 255, rgb[1] - 255, rgb[2] - 255];
  const norm = Math.hypot(d[0] ?? 0, d[1] ?? 0, d[2] ?? 0);
  if (norm < 20) return -1;
  let best = -1;
  let bestCos = 0.99; // within about 8°: region colours are exact mixes (cos ≈ 1); the palette is 17° or more apart, grey 12.6° from purple
  for (let k = 0; k < classes; k++) {
    const c = classColour(k);
    const e = [c[0] - 255, c[1] - 255, c[2] - 255];
    const cos = ((d[0] ?? 0) * (e[0] ?? 0) + (d[1] ?? 0) * (e[1] ?? 0) + (d[2] ?? 0) * (e[2] ?? 0)) / (norm * Math.hypot(e[0] ?? 0, e[1] ?? 0, e[2] ?? 0));
    if (cos > bestCos) {
      bestCos = cos;
      best = k;
    }
  }
  return best;
}

/** Viridis at 9 evenly spaced stops (matplotlib's values), dark blue-purple (0) to yellow (1). */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** The heat-map colour of t in [0, 1] (clamped; NaN is drawn black). Brightness rises with t. */
export function heatColour(t: number): Rgb {
  if (Number.isNaN(t)) return [0, 0, 0];
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  return mix(VIRIDIS[i] ?? [0, 0, 0], VIRIDIS[i + 1] ?? [0, 0, 0], u - i);
}

/** Relative luminance-like brightness (Rec. 709 weights, 0..255): the heat map's order. */
export function brightness([r, g, b]: Rgb): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** CSS linear-gradient through the heat map, left (0) to right (1), for a legend bar. */
export function heatGradientCss(): string {
  return `linear-gradient(to right, ${VIRIDIS.map((c, i) => `${cssColour(c)} ${((100 * i) / (VIRIDIS.length - 1)).toFixed(1)}%`).join(', ')})`;
}
