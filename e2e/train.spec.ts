/**
 * Training in the page: a few hundred Adam steps (48 points of the 'gap' preset in minibatches of
 * 16: 3 steps per epoch) lower the loss, and the trained model's bands are drawn; the default
 * method and settings show epistemic uncertainty on the gap preset; Stop ends a run; a trained
 * ensemble saved with the Save button loads back through the file input as the same mixture.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { DEMO_METHODS, regressionMethod } from '../demo/regression-methods.js';
import { allFinite, bandsAt, expectClose, hook, openDemo, screenshot, SMALL, waitForPredictions, watchErrors } from './helpers.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The 'gap' preset's clusters are x in [-2, -0.6] and [0.8, 2]: grid points well inside them, and the gap's middle. */
const ON_GAP_DATA = [-1.8, -1.4, -1.0, 1.0, 1.4, 1.8];
const IN_GAP = 0.1;

test("the default method and settings draw a wider band in the gap preset's gap than on its data", async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, model: 'none', preset: 'gap' });
  await page.evaluate(() => window.__bnn?.runTraining()); // the panel as it opens: method, epochs, widths, rate
  const train = await hook(page, 'train');
  expect(train).toMatchObject({ state: 'done', method: 'ensemble', error: null });
  const losses = train?.losses ?? [];
  expect(losses).toHaveLength(train?.epochs ?? -1);
  expect(allFinite(losses)).toBe(true);
  expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 0.1);
  expect((await hook(page, 'model'))?.format).toBe('trained');
  expect(await hook(page, 'chart')).toMatchObject({ bands: 3, functions: 5 });
  await expect(page.locator('#train-progress')).toContainText('done');
  const onData = await bandsAt(page, ON_GAP_DATA);
  const [gap, left, right] = await bandsAt(page, [IN_GAP, -3, 3]);
  const widest = (key: 'epistemic' | 'total') => Math.max(...onData.map((b) => b[key]));
  expect(gap?.epistemic ?? 0, `epistemic band in the gap vs the widest on the data (${widest('epistemic')})`).toBeGreaterThan(2 * widest('epistemic'));
  expect(gap?.total ?? 0, `total band in the gap vs the widest on the data (${widest('total')})`).toBeGreaterThan(widest('total'));
  expect(left?.epistemic ?? 0, 'epistemic band at x = -3').toBeGreaterThan(2 * widest('epistemic'));
  expect(right?.epistemic ?? 0, 'epistemic band at x = 3').toBeGreaterThan(2 * widest('epistemic'));
  await screenshot(page, 'demo-trained-gap-default');
  expect(errors).toEqual([]);
});

test('Stop ends a training run: the loss stops updating, the page says so and stays usable', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, model: 'none', preset: 'gap' });
  const epochs = 5000; // far longer than the test: only Stop can end it in time
  await page.evaluate((e) => void window.__bnn?.runTraining(undefined, e), epochs);
  await page.waitForFunction(() => (window.__bnn?.train?.losses.length ?? 0) >= 5);
  await expect(page.locator('#train-progress')).toContainText(/epoch \d+\/5000 · loss .* left/); // the ETA
  expect((await hook(page, 'train'))?.etaMs ?? 0).toBeGreaterThan(0);
  await expect(page.locator('#train-stop')).toBeEnabled();
  // The chart stays in view when the panels are scrolled to their end.
  await page.locator('#gpu-panel').scrollIntoViewIfNeeded();
  const chart = await page.locator('#chart').boundingBox();
  const viewport = page.viewportSize();
  expect(chart && viewport && chart.y >= 0 && chart.y + chart.height <= viewport.height, `chart at ${JSON.stringify(chart)} in ${JSON.stringify(viewport)}`).toBe(true);
  await screenshot(page, 'demo-training-running');
  await page.locator('#train-stop').click();
  await page.waitForFunction(() => window.__bnn?.train?.state === 'stopped', undefined, { timeout: 10_000 });
  const stoppedAt = (await hook(page, 'train'))?.losses.length ?? 0;
  expect(stoppedAt).toBeLessThan(epochs);
  await page.waitForTimeout(500);
  expect((await hook(page, 'train'))?.losses.length).toBe(stoppedAt);
  await expect(page.locator('#train-progress')).toContainText(`stopped after epoch ${stoppedAt} of ${epochs}`);
  await expect(page.locator('#train-btn')).toBeEnabled();
  await expect(page.locator('#train-stop')).toBeDisabled();
  expect(await hook(page, 'model')).toBeNull(); // a stopped run makes no model
  expect(await hook(page, 'error')).toBeNull();

  // Still usable: a short run trains and predicts.
  await page.evaluate(() => window.__bnn?.runTraining('ensemble', 10));
  expect((await hook(page, 'train'))?.state).toBe('done');
  expect((await hook(page, 'model'))?.format).toBe('trained');
  expect(await hook(page, 'predictCount')).toBeGreaterThanOrEqual(1);
  expect(errors).toEqual([]);
});

// The default method (a deep ensemble) is trained by the gap test above.
for (const [method, epochs] of [['vi', 100]] as const) {
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

// Every other method of the page's table (regression-methods.ts): a short run trains in the page and
// predicts finite bands with epistemic spread and function samples. 40 epochs: SG-MCMC keeps epochs
// 30 and 40 of each chain, SWAG adds its SWA epochs.
const SHORT_RUN = 40;
for (const method of DEMO_METHODS.filter((m) => m !== 'ensemble' && m !== 'vi')) {
  test(`a short '${method}' run in the page predicts finite bands with function samples`, async ({ page }) => {
    const errors = watchErrors(page);
    await openDemo(page, { ...SMALL, model: 'none', preset: 'gap' });
    await page.evaluate(([m, e]) => window.__bnn?.runTraining(m, e), [method, SHORT_RUN] as const);
    const train = await hook(page, 'train');
    expect(train).toMatchObject({ state: 'done', method, error: null });
    expect(allFinite(train?.losses ?? [NaN])).toBe(true);
    expect((await hook(page, 'model'))?.format).toBe('trained');
    const p = await hook(page, 'lastPredict');
    if (!p) throw new Error('no prediction after training');
    expect(allFinite(p.mean) && allFinite(p.std) && allFinite(p.epistemicStd)).toBe(true);
    expect(Math.max(...p.epistemicStd)).toBeGreaterThan(0);
    expect(await hook(page, 'chart')).toMatchObject({ bands: 3 });
    expect((await hook(page, 'chart'))?.functions).toBeGreaterThan(0);
    await expect(page.locator('#model-info')).toContainText(regressionMethod(method).short);
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
