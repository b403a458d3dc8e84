/** The classification maps' colours: region colours map back to their class, the heat map brightens monotonically. */
import { describe, expect, it } from 'vitest';
import { brightness, CLASS_COLOURS, classColour, classOfPixel, heatColour, REGION_ALPHA, regionColour } from '../../demo/colour-maps.js';

describe('regionColour', () => {
  it('is the most probable class, more saturated the surer it is', () => {
    for (let k = 0; k < 3; k++) {
      const sure = [0.02, 0.02, 0.02];
      sure[k] = 0.96;
      const unsure = [0.3, 0.3, 0.3];
      unsure[k] = 0.4;
      expect(classOfPixel(regionColour(sure))).toBe(k);
      expect(classOfPixel(regionColour(unsure))).toBe(k);
      // Paler (brighter, nearer white) when unsure.
      expect(brightness(regionColour(unsure))).toBeGreaterThan(brightness(regionColour(sure)));
    }
  });

  it('spans REGION_ALPHA exactly: max p = 1 gives the class colour at alpha max, a coin toss alpha min', () => {
    const c = classColour(1);
    const at = (a: number) => c.map((v) => Math.round(255 + (v - 255) * a));
    expect(regionColour([0, 1])).toEqual(at(REGION_ALPHA.max));
    expect(regionColour([0.5, 0.5])).toEqual(at(REGION_ALPHA.min).map((_, i) => Math.round(255 + ((classColour(0)[i] ?? 0) - 255) * REGION_ALPHA.min)));
  });

  it('draws NaN probabilities black, never as a class', () => {
    expect(regionColour([NaN, NaN, NaN])).toEqual([0, 0, 0]);
    expect(classOfPixel([0, 0, 0])).toBe(-1);
  });
});

describe('classOfPixel', () => {
  it('recognises every class colour, and not white or grey', () => {
    CLASS_COLOURS.forEach((c, k) => expect(classOfPixel(c)).toBe(k));
    expect(classOfPixel([255, 255, 255])).toBe(-1);
    expect(classOfPixel([128, 128, 128])).toBe(-1);
  });
});

describe('heatColour', () => {
  it('gets brighter from 0 to 1 and clamps outside', () => {
    let last = -Infinity;
    for (let i = 0; i <= 100; i++) {
      const b = brightness(heatColour(i / 100));
      expect(b).toBeGreaterThan(last);
      last = b;
    }
    expect(heatColour(-1)).toEqual(heatColour(0));
    expect(heatColour(2)).toEqual(heatColour(1));
    expect(heatColour(0)).toEqual([68, 1, 84]);
    expect(heatColour(1)).toEqual([253, 231, 37]);
    expect(heatColour(NaN)).toEqual([0, 0, 0]);
  });
});
