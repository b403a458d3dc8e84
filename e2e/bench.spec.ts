/** The benchmark page: a small grid of cases produces finite throughput numbers, plots and a JSON export. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BenchReport } from '../demo/bench.js';
import { screenshot, watchErrors } from './helpers.js';

test('the benchmark page produces throughput numbers and exports them as JSON', async ({ page }) => {
  const errors = watchErrors(page);
  const params = new URLSearchParams({
    arch: '1-16-1;4-32-32-1',
    samples: '64',
    inputs: '32,128',
    strategies: 'auto,marginal',
    repeats: '2',
    autorun: '1',
  });
  await page.goto(`/bench.html?${params.toString()}`);
  await page.waitForFunction(() => ['done', 'error', 'no-webgpu'].includes(window.__bnnBench?.status ?? ''), undefined, { timeout: 90_000 });
  const report = await page.evaluate(() => window.__bnnBench?.report() ?? null);
  if (!report) throw new Error('no report');
  expect(await page.evaluate(() => window.__bnnBench?.error ?? null)).toBeNull();
  expect(report.adapter?.architecture ?? '').not.toBe('');
  expect(report.results).toHaveLength(2 * 1 * 2 * 2);
  for (const r of report.results) {
    expect(r.sampleInputsPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.sampleInputsPerSecond)).toBe(true);
    expect(r.gflops).toBeGreaterThan(0);
    expect(r.wallMs).toHaveLength(2);
    // GFLOP/s is 2·S·N·Σ(in·out) / time.
    expect(r.gflops).toBeCloseTo((2 * r.samples * r.inputs * r.macsPerForward) / (r.timeMs / 1000) / 1e9, 6);
    if (report.adapter?.timestampQuery && r.timing === 'gpu-timestamp') {
      expect(r.medianGpuMs).not.toBeNull();
      expect(r.medianGpuMs ?? 0).toBeGreaterThan(0);
    }
  }
  expect(report.results.find((r) => r.architecture === '4-32-32-1')?.macsPerForward).toBe(4 * 32 + 32 * 32 + 32);
  await expect(page.locator('#results tbody tr')).toHaveCount(8);
  await expect(page.locator('#chart-rate canvas')).toHaveCount(1);
  await expect(page.locator('#chart-gflops canvas')).toHaveCount(1);

  const downloading = page.waitForEvent('download');
  await page.locator('#download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^webgpu-bnn-bench-.*\.json$/);
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  expect(exported.results).toHaveLength(8);
  expect(exported.timing).toBe(report.timing);
  await screenshot(page, 'bench');
  expect(errors).toEqual([]);
});
