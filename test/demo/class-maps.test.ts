/** The three map images from a classifier's prediction on the grid. */
import { describe, expect, it } from 'vitest';
import { classMapsFrom, type GridSpec } from '../../demo/class-grid.js';
import { heatImage, mapImages, MI_SCALE_FLOOR } from '../../demo/class-maps.js';
import { brightness, classOfPixel, heatColour } from '../../demo/colour-maps.js';
import { fakeCategorical } from '../support/fake-categorical.js';

const GRID: GridSpec = { view: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, size: 8 };

const pixel = (rgba: Uint8ClampedArray, i: number) => [rgba[4 * i] ?? NaN, rgba[4 * i + 1] ?? NaN, rgba[4 * i + 2] ?? NaN] as const;

describe('mapImages', () => {
  const maps = classMapsFrom(fakeCategorical(GRID), GRID);
  const images = mapImages(maps);

  it('one opaque pixel per cell in each image', () => {
    for (const image of [images.regions, images.entropy, images.mi]) {
      expect(image).toHaveLength(4 * 64);
      for (let i = 0; i < 64; i++) expect(image[4 * i + 3]).toBe(255);
    }
  });

  it('regions: class 1 where p1 > p0 (cells 0..31), class 0 after', () => {
    expect(classOfPixel(pixel(images.regions, 1))).toBe(1);
    expect(classOfPixel(pixel(images.regions, 62))).toBe(0);
  });

  it('entropy on [0, ln K], MI on [0, its max]: brighter where larger', () => {
    expect(images.entropyScale).toEqual({ min: 0, max: Math.log(2) });
    expect(images.miScale.max).toBeCloseTo(6.3, 5);
    expect(pixel(images.entropy, 0)).toEqual(heatColour(0));
    expect(pixel(images.entropy, 63)).toEqual(heatColour(1)); // entropy 63 nats is clamped to the top
    expect(brightness(pixel(images.mi, 40))).toBeGreaterThan(brightness(pixel(images.mi, 20)));
    expect(pixel(images.mi, 63)).toEqual(heatColour(1));
  });

  it('MI that is zero everywhere (one network) is drawn on [0, MI_SCALE_FLOOR], all dark', () => {
    const flat = mapImages({ ...maps, mutualInformation: new Float32Array(64) });
    expect(flat.miScale.max).toBe(MI_SCALE_FLOOR);
    for (let i = 0; i < 64; i++) expect(pixel(flat.mi, i)).toEqual(heatColour(0));
  });
});

describe('heatImage', () => {
  it('draws NaN black', () => {
    expect(Array.from(heatImage([NaN], { min: 0, max: 1 }))).toEqual([0, 0, 0, 255]);
  });
});
