/**
 * The benchmark page: a small grid of cases (URL parameters) produces finite throughput numbers,
 * plots and a JSON export, the TF.js peer's rows beside the engine's; the default workload finishes;
 * Stop cancels a run.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BenchReport } from '../demo/bench.js';
import { expectNothingOutsidePanels, screenshot, watchErrors } from './helpers.js';

const FINISHED = ['done', 'stopped', 'error', 'no-webgpu'];

test('the benchmark page produces throughput numbers and exports them as JSON', async ({ page }) => {
  const errors = watchErrors(page);
  const params = new URLSearchParams({
    arch: '1-16-1;4-32-32-1',
    samples: '64',
    inputs: '32,128',
    strategies: 'auto,calibrate,marginal,tfjs-webgpu',
    repeats: '2',
    autorun: '1',
  });
  await page.goto(`/bench.html?${params.toString()}`);
  await page.waitForFunction((end) => end.includes(window.__bnnBench?.status ?? ''), FINISHED, { timeout: 90_000 });
  const report = await page.evaluate(() => window.__bnnBench?.report() ?? null);
  if (!report) throw new Error('no report');
  expect(await page.evaluate(() => window.__bnnBench?.error ?? null)).toBeNull();
  expect(report.adapter?.architecture ?? '').not.toBe('');
  expect(report.results).toHaveLength(2 * 1 * 2 * 4);
  for (const r of report.results) {
    // The peer: TF.js on its own WebGPU device, timed by the wall clock (its passes are not on our timer).
    if (r.strategy === 'tfjs-webgpu') {
      expect(r.implementation).toMatch(/^TF\.js 4\.22\.0 \(webgpu\)$/);
      expect(r.timing).toBe('wall');
      expect(r.medianGpuMs).toBeNull();
      expect(r.kernels).toBeNull();
    } else {
      expect(r.implementation).toBe('webgpu-bnn');
      // The kernel each layer ran: 'auto' materialises on this CPU adapter and runs these narrow models in the network kernel; 'calibrate' ran one joint-path kernel.
      const ran = new Set(r.kernels ?? []);
      expect(ran.size, JSON.stringify(r.kernels)).toBe(1);
      if (r.strategy === 'auto') expect([...ran]).toEqual(['network']);
      if (r.strategy === 'marginal') expect([...ran]).toEqual(['marginal']);
      if (r.strategy === 'calibrate') expect(['materialized', 'lanes', 'network', 'fused', 'registers', 'tiled', 'subgroups']).toContain([...ran][0]);
    }
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
  await expect(page.locator('#results tbody tr')).toHaveCount(16);
  await expect(page.locator('#chart-rate canvas')).toHaveCount(1);
  await expect(page.locator('#chart-gflops canvas')).toHaveCount(1);

  const downloading = page.waitForEvent('download');
  await page.locator('#download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^webgpu-bnn-bench-.*\.json$/);
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, 'utf8')) as BenchReport;
  expect(exported.results).toHaveLength(16);
  expect(exported.timing).toBe(report.timing);
  await screenshot(page, 'bench');
  await expectNothingOutsidePanels(page);
  expect(errors).toEqual([]);
});

test('the default workload finishes on a CPU fallback adapter', async ({ page }) => {
  const errors = watchErrors(page);
  const start = Date.now();
  await page.goto('/bench.html?autorun=1');
  await page.waitForFunction((end) => end.includes(window.__bnnBench?.status ?? ''), FINISHED, { timeout: 100_000 });
  const seconds = (Date.now() - start) / 1000;
  test.info().annotations.push({ type: 'default workload', description: `${seconds.toFixed(1)} s` });
  const state = await page.evaluate(() => ({
    status: window.__bnnBench?.status,
    error: window.__bnnBench?.error,
    workload: window.__bnnBench?.workload,
    adapter: window.__bnnBench?.adapter,
  }));
  expect(state.error).toBeNull();
  expect(state.status).toBe('done');
  // SwiftShader here: the page starts from the quick workload (2 architectures x 3 strategies, the TF.js peer's among them, x 1 S x 2 N).
  expect(state.adapter?.cpuFallback).toBe(true);
  expect(state.workload).toBe('quick');
  const report = await page.evaluate(() => window.__bnnBench?.report() ?? null);
  expect(report?.results).toHaveLength(12);
  expect(report?.results.filter((r) => r.strategy === 'tfjs-webgpu')).toHaveLength(4);
  await expect(page.locator('#progress')).toContainText('12 cases done in');
  await screenshot(page, 'bench-default');
  expect(errors).toEqual([]);
});

test('Stop cancels a running benchmark and the page stays usable', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/bench.html?autorun=1');
  await page.waitForFunction(() => (window.__bnnBench?.results.length ?? 0) >= 1, undefined, { timeout: 60_000 });
  await page.locator('#stop').click();
  await page.waitForFunction(() => window.__bnnBench?.status === 'stopped', undefined, { timeout: 30_000 });
  const kept = (await page.evaluate(() => window.__bnnBench?.results.length)) ?? 0;
  expect(kept).toBeGreaterThanOrEqual(1);
  expect(kept).toBeLessThan(12);
  await expect(page.locator('#progress')).toContainText(`Stopped after ${kept} of 12 cases`);
  await expect(page.locator('#results tbody tr')).toHaveCount(kept);
  await expect(page.locator('#run')).toBeEnabled();
  await expect(page.locator('#stop')).toBeDisabled();
  await expect(page.locator('#download')).toBeEnabled();
  expect(await page.evaluate(() => window.__bnnBench?.error ?? null)).toBeNull();

  // A new run with other inputs works after the cancelled one.
  await page.locator('#arch').fill('1-16-1');
  await page.locator('#samples').fill('16');
  await page.locator('#inputs').fill('16');
  await page.locator('#strategies input[value="marginal"]').uncheck();
  await page.locator('#strategies input[value="tfjs-webgpu"]').uncheck();
  await page.locator('#run').click();
  await page.waitForFunction((end) => end.includes(window.__bnnBench?.status ?? ''), FINISHED, { timeout: 60_000 });
  expect(await page.evaluate(() => window.__bnnBench?.status)).toBe('done');
  await expect(page.locator('#results tbody tr')).toHaveCount(1);
  expect(errors).toEqual([]);
});
