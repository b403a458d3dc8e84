/** Legends under the classification maps: the class colours, and the heat maps' colour bar with its range. */
import type { HeatScale } from './class-maps.js';
import { classColour, cssColour, heatGradientCss, REGION_ALPHA, mix } from './colour-maps.js';

function swatch(colour: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = 'swatch';
  s.style.background = colour;
  return s;
}

/** One swatch per class, and what the fading means. */
export function renderClassLegend(el: HTMLElement, classes: number): void {
  el.replaceChildren();
  for (let k = 0; k < classes; k++) {
    const item = document.createElement('span');
    item.className = 'legend-item';
    item.append(swatch(cssColour(classColour(k))), `class ${k}`);
    el.append(item);
  }
  const faded = document.createElement('span');
  faded.className = 'legend-item';
  faded.append(swatch(cssColour(mix([255, 255, 255], classColour(0), REGION_ALPHA.min))), `paler: less sure (max p → 1/${classes})`);
  el.append(faded);
}

/** The colour bar from scale.min to scale.max, labelled with the numbers and the unit. */
export function renderHeatLegend(el: HTMLElement, scale: HeatScale | null, unit: string): void {
  el.replaceChildren();
  const low = document.createElement('span');
  const bar = document.createElement('span');
  const high = document.createElement('span');
  bar.className = 'heat-bar';
  bar.style.background = heatGradientCss();
  low.textContent = scale ? scale.min.toFixed(2) : '–';
  high.textContent = scale ? `${scale.max.toPrecision(3)} ${unit}` : unit;
  high.dataset['max'] = scale ? String(scale.max) : '';
  el.append(low, bar, high);
}
