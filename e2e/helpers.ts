/** Shared by the e2e specs: opening the pages, waiting on their hooks, screenshots, comparisons. */
import { mkdirSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
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

/** |a - b| <= rel * max(|a|, |b|) + abs, elementwise; reports the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    const excess = Math.abs(a - b) - (rel * Math.max(Math.abs(a), Math.abs(b)) + abs);
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  expect(worst, worst >= 0 ? `${what}[${worst}]: browser ${String(actual[worst])} vs node ${String(expected[worst])}` : what).toBe(-1);
}

export function allFinite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}
