/** Shared by the classification page's specs: opening it, its hooks (window.__bnnClassify), reading its maps. */
import type { Page } from '@playwright/test';
import type { ClassifyHooks } from '../demo/classify-hooks.js';
import type { Probe } from '../demo/class-grid.js';
import type { MapName } from '../demo/class-maps.js';
import type { Rgb } from '../demo/colour-maps.js';

/** Small workloads: SwiftShader runs WebGPU on the CPU. */
export const SMALL_MAPS = { samples: 50, grid: 32 } as const;

/** Opens classify.html with URL parameters and waits until it has started. */
export async function openClassify(page: Page, params: Record<string, string | number> = {}): Promise<void> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  await page.goto(`/classify.html?${query.toString()}`);
  await page.waitForFunction(() => window.__bnnClassify !== undefined);
  await page.evaluate(() => window.__bnnClassify?.ready);
}

/** Reads a field of window.__bnnClassify (plain values). */
export async function classifyHook<K extends keyof ClassifyHooks>(page: Page, key: K): Promise<ClassifyHooks[K]> {
  const value: unknown = await page.evaluate((k: string) => {
    const h = window.__bnnClassify as unknown as Record<string, unknown> | undefined;
    if (!h) throw new Error('window.__bnnClassify is missing');
    return h[k];
  }, key as string);
  return value as ClassifyHooks[K];
}

export async function waitForMaps(page: Page, count: number): Promise<void> {
  await page.waitForFunction((c) => (window.__bnnClassify?.predictCount ?? 0) >= c, count, { timeout: 90_000 });
}

/** RGB of a map's canvas at the centres of an n × n lattice over the view (row 0 at the top). */
export async function mapLattice(page: Page, map: MapName, n: number): Promise<Rgb[]> {
  return page.evaluate(
    ([name, size]) => {
      const h = window.__bnnClassify;
      if (!h) throw new Error('window.__bnnClassify is missing');
      const { xMin, xMax, yMin, yMax } = h.view;
      const out: [number, number, number][] = [];
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          const p = h.pixelAt(name, xMin + ((c + 0.5) * (xMax - xMin)) / size, yMax - ((r + 0.5) * (yMax - yMin)) / size);
          if (!p) throw new Error('pixel outside the map');
          out.push([p[0], p[1], p[2]]);
        }
      }
      return out;
    },
    [map, n] as const,
  );
}

/** RGB of a map at a point of the plane. */
export async function mapPixel(page: Page, map: MapName, x: number, y: number): Promise<Rgb> {
  const p = await page.evaluate(([name, px, py]) => window.__bnnClassify?.pixelAt(name, px, py) ?? null, [map, x, y] as const);
  if (!p) throw new Error(`no pixel at (${x}, ${y})`);
  return [p[0], p[1], p[2]];
}

/** Where a point of the plane is on a map, as a position for locator.click / hover. */
export async function mapPosition(page: Page, map: MapName, x: number, y: number): Promise<{ x: number; y: number }> {
  const [px, py] = await page.evaluate(([name, dx, dy]) => window.__bnnClassify?.canvasPoint(name, dx, dy) ?? [NaN, NaN], [map, x, y] as const);
  return { x: px, y: py };
}

/** The prediction at a point of the plane (window.__bnnClassify.probeAt). */
export async function probe(page: Page, x: number, y: number): Promise<Probe | null> {
  return page.evaluate(([px, py]) => window.__bnnClassify?.probeAt(px, py) ?? null, [x, y] as const);
}
