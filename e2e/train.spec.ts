/**
 * Training in the page: a few hundred Adam steps (48 points of the 'gap' preset in minibatches of
 * 16: 3 steps per epoch) lower the loss, and the trained model's bands are drawn; a trained
 * ensemble saved with the Save button loads back through the file input as the same mixture.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { allFinite, expectClose, hook, openDemo, screenshot, SMALL, waitForPredictions, watchErrors } from './helpers.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

for (const [method, epochs] of [
  ['vi', 100],
  ['ensemble', 100],
] as const) {
  test(`training '${method}' in the page lowers the loss and draws the bands`, async ({ page }) => {
    const errors = watchErrors(page);
    await openDemo(page, { ...SMALL, model: 'none', preset: 'gap' });
    const points = await hook(page, 'points');
    expect(points).toBe(48);
    await page.evaluate(([m, e]) => window.__bnn?.runTraining(m, e), [method, epochs] as const);
    const train = await hook(page, 'train');
    expect(train?.error ?? null).toBeNull();
    expect(train?.state).toBe('done');
    const losses = train?.losses ?? [];
    expect(losses).toHaveLength(epochs);
    expect(allFinite(losses)).toBe(true);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.1);

    const model = await hook(page, 'model');
    expect(model?.format).toBe('trained');
    const p = await hook(page, 'lastPredict');
    if (!p) throw new Error('no prediction after training');
    expect(allFinite(p.mean) && allFinite(p.std) && allFinite(p.epistemicStd)).toBe(true);
    expect(Math.min(...p.aleatoricStd)).toBeGreaterThan(0);
    expect(Math.max(...p.epistemicStd)).toBeGreaterThan(0);
    const chart = await hook(page, 'chart');
    expect(chart?.bands).toBe(3);
    expect(chart?.functions).toBeGreaterThan(0);
    await expect(page.locator('#train-progress')).toContainText('done');
    await screenshot(page, `demo-trained-${method}`);
    expect(errors).toEqual([]);
  });
}

test('a deep ensemble trained in the page is saved as one file that loads back to the same mixture', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, model: 'none', preset: 'gap' });
  await page.evaluate(() => window.__bnn?.runTraining('ensemble', 20));
  expect((await hook(page, 'train'))?.state).toBe('done');
  const x = [[-1.5], [0], [0.7], [2]];
  const predict = () => page.evaluate((rows) => window.__bnn?.predict(rows, { samples: 1, y: rows.map(() => [0.5]) }), x);
  const trained = await predict();

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save-model').click()]);
  const path = await download.path();
  expect(download.suggestedFilename()).toMatch(/\.safetensors$/);
  const before = await hook(page, 'predictCount');
  await page.locator('#model-file').setInputFiles({ name: 'ensemble.safetensors', mimeType: 'application/octet-stream', buffer: readFileSync(path) });
  await waitForPredictions(page, before + 1);
  expect(await hook(page, 'model')).toMatchObject({ format: 'webgpu-bnn-ensemble', members: 5 });
  await expect(page.locator('#model-info')).toContainText('deep ensemble of 5');
  const loaded = await predict();
  if (!trained || !loaded) throw new Error('no prediction');
  // Same members, same point predictions: the file round trip is exact up to float32 storage.
  expectClose(loaded.mean, trained.mean, 1e-6, 1e-6, 'mixture mean');
  expectClose(loaded.std, trained.std, 1e-6, 1e-6, 'mixture std');
  expectClose(loaded.logPredictiveDensity ?? [], trained.logPredictiveDensity ?? [], 1e-6, 1e-6, 'log density');
  expect(errors).toEqual([]);
});
