/** Chromium started without --enable-unsafe-webgpu (project 'e2e-no-webgpu'): the pages (demo, classification, benchmark) say what to do. */
import { expect, test } from '@playwright/test';
import { screenshot } from './helpers.js';

test('without the WebGPU flag the demo shows what to do', async ({ page }) => {
  await page.goto('/index.html');
  await page.waitForFunction(() => window.__bnn?.status === 'no-webgpu', undefined, { timeout: 30_000 });
  const message = page.locator('#webgpu-missing');
  await expect(message).toBeVisible();
  await expect(message).toContainText('WebGPU is not available');
  await expect(message).toContainText('Chrome or Edge 113');
  await expect(message).toContainText('--enable-unsafe-webgpu');
  await expect(page.locator('#status')).toContainText('WebGPU is not available');
  await expect(page.locator('#predict-btn')).toBeDisabled();
  await screenshot(page, 'demo-no-webgpu');
});

test('without the WebGPU flag the benchmark page shows what to do', async ({ page }) => {
  await page.goto('/bench.html?autorun=1');
  await page.waitForFunction(() => window.__bnnBench?.status === 'no-webgpu', undefined, { timeout: 30_000 });
  await expect(page.locator('#webgpu-missing')).toContainText('--enable-unsafe-webgpu');
  await expect(page.locator('#run')).toBeDisabled();
});

test('without the WebGPU flag the classification page shows what to do, and its points still edit', async ({ page }) => {
  await page.goto('/classify.html');
  await page.waitForFunction(() => window.__bnnClassify?.status === 'no-webgpu', undefined, { timeout: 30_000 });
  await expect(page.locator('#webgpu-missing')).toContainText('--enable-unsafe-webgpu');
  await expect(page.locator('#train-btn')).toBeDisabled();
  await expect(page.locator('#predict-btn')).toBeDisabled();
  await expect(page.locator('button[data-model="pyro-blobs3"]')).toBeDisabled();
  await expect(page.locator('#train-note')).toHaveText('Training needs WebGPU.');
  await page.locator('#preset').selectOption('moons');
  await expect.poll(() => page.evaluate(() => window.__bnnClassify?.counts)).toEqual([40, 40]);
});
