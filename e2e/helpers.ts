/** Shared by the e2e specs: opening the pages, waiting on their hooks, screenshots, comparisons. */
import { mkdirSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { compareClose, describeMismatches, relativeBound } from '../test/support/compare-close.js';
import type { BandWidths } from '../demo/chart.js';
import type { BnnHooks } from '../demo/hooks.js';

export const SCREENSHOT_DIR = 'artifacts/screenshots';

/** Small workloads: SwiftShader runs WebGPU on the CPU. */
export const SMALL = { samples: 200, grid: 50 } as const;

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Every visible element inside a panel (.panel, not a scrolling one) lies within it, to the pixel: a select
 * as wide as its longest option, or a chart whose axes fall out of their box, sticks out.
 */
export async function expectNothingOutsidePanels(page: Page): Promise<void> {
  const outside = await page.evaluate(() => {
    const found: string[] = [];
    for (const panel of Array.from(document.querySelectorAll('.panel'))) {
      // A scrolling panel (the benchmark's results table) holds more than it shows by design.
      if (getComputedStyle(panel).overflowX !== 'visible') continue;
      const box = panel.getBoundingClientRect();
      for (const el of Array.from(panel.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
          found.push(
            `${name} [${Math.round(r.left)}, ${Math.round(r.right)}] x [${Math.round(r.top)}, ${Math.round(r.bottom)}] outside its panel [${Math.round(box.left)}, ${Math.round(box.right)}] x [${Math.round(box.top)}, ${Math.round(box.bottom)}]`,
          );
        }
      }
    }
    return found;
  });
  expect(outside).toEqual([]);
}

/** Collects page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Opens the demo with URL parameters and waits until it has started. */
export async function openDemo(page: Page, params: Record<string, string | number> = {}): Promise<void> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  await page.goto(`/index.html?${query.toString()}`);
  await page.waitForFunction(() => window.__bnn !== undefined);
  await page.evaluate(() => window.__bnn?.ready);
}

/** Reads a field of window.__bnn (a plain value: the hooks keep them serialisable). */
export async function hook<K extends keyof BnnHooks>(page: Page, key: K): Promise<BnnHooks[K]> {
  const value: unknown = await page.evaluate((k: string) => {
    const h = window.__bnn as unknown as Record<string, unknown> | undefined;
    if (!h) throw new Error('window.__bnn is missing');
    return h[k];
  }, key as string);
  return value as BnnHooks[K];
}

/** Waits until the demo has completed at least `count` chart predictions. */
export async function waitForPredictions(page: Page, count: number): Promise<void> {
  await page.waitForFunction((c) => (window.__bnn?.predictCount ?? 0) >= c, count, { timeout: 90_000 });
}

/** The bands the chart draws at the grid points nearest each x (window.__bnn.bandsAt). */
export async function bandsAt(page: Page, xs: readonly number[]): Promise<BandWidths[]> {
  return page.evaluate((points) => {
    const h = window.__bnn;
    if (!h) throw new Error('window.__bnn is missing');
    return points.map((x) => {
      const b = h.bandsAt(x);
      if (!b) throw new Error('the chart has no prediction');
      return b;
    });
  }, xs);
}

/**
 * |actual - expected| <= rel |expected| + abs elementwise, and no NaN or infinity that the other
 * side lacks (the comparison of test/support/compare-close.ts, shared with the unit tests).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string): void {
  const report = compareClose(actual, expected, relativeBound(expected, rel, abs));
  expect(report.mismatches.length === 0, describeMismatches(what, report)).toBe(true);
}

export function allFinite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}
