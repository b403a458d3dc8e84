/** The demo page with WebGPU: adapter, bands on a fixture model, model formats, CSV, point editing. */
import { expect, test } from '@playwright/test';
import { allFinite, hook, openDemo, screenshot, SMALL, waitForPredictions, watchErrors } from './helpers.js';

test('the demo finds a WebGPU adapter and shows its architecture', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, model: 'none' });
  expect(await hook(page, 'status')).toBe('ready');
  const adapter = await hook(page, 'adapter');
  expect(adapter).not.toBeNull();
  expect(adapter?.architecture ?? '').not.toBe('');
  await expect(page.locator('#adapter dd[data-key="architecture"]')).toHaveText(adapter?.architecture ?? '');
  await expect(page.locator('#status')).toContainText('WebGPU ready');
  await expect(page.locator('#webgpu-missing')).toBeHidden();
  await screenshot(page, 'demo-adapter');
  expect(errors).toEqual([]);
});

test('predictions on the Pyro toy1d fixture render the mean, both bands and function samples', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, seed: 3 }); // loads models/pyro-toy1d.safetensors at start
  await waitForPredictions(page, 1);
  const model = await hook(page, 'model');
  expect(model).toMatchObject({ format: 'pyro-autonormal', architecture: '1 → 32 relu → 32 relu → 1', inputDim: 1 });
  const p = await hook(page, 'lastPredict');
  if (!p) throw new Error('no prediction');
  expect(p.n).toBe(SMALL.grid);
  expect(p.samples).toBe(SMALL.samples);
  for (const key of ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper'] as const) {
    expect(p[key]).toHaveLength(SMALL.grid);
    expect(allFinite(p[key]), key).toBe(true);
  }
  // total² = epistemic² + aleatoric²; both parts present.
  p.std.forEach((s, i) => {
    const e = p.epistemicStd[i] ?? NaN;
    const a = p.aleatoricStd[i] ?? NaN;
    expect(e).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(0);
    expect(Math.abs(s * s - (e * e + a * a))).toBeLessThan(1e-4 * s * s + 1e-7);
  });
  // Trained on x in about [-2, 2]: the epistemic part grows outside it.
  const mid = p.x.findIndex((x) => x >= 0);
  expect(p.epistemicStd[0] ?? 0).toBeGreaterThan(2 * (p.epistemicStd[mid] ?? Infinity));
  expect(p.epistemicStd[p.n - 1] ?? 0).toBeGreaterThan(2 * (p.epistemicStd[mid] ?? Infinity));

  const chart = await hook(page, 'chart');
  expect(chart).toMatchObject({ bands: 3, functions: 5, gridPoints: SMALL.grid });
  expect(chart?.points).toBeGreaterThan(10); // the fixture's training data

  // The bands are really painted: probe the canvas inside the epistemic band and in the aleatoric part.
  const x = p.x[mid] ?? 0;
  const mean = p.mean[mid] ?? 0;
  const z = 1.6448536269514722;
  const epiHalf = z * (p.epistemicStd[mid] ?? 0);
  const totalHalf = z * (p.std[mid] ?? 0);
  const inEpistemic = await page.evaluate(([px, py]) => window.__bnn?.pixelAt(px, py) ?? null, [x, mean - 0.5 * epiHalf] as const);
  const inAleatoric = await page.evaluate(([px, py]) => window.__bnn?.pixelAt(px, py) ?? null, [x, mean - 0.5 * (epiHalf + totalHalf)] as const);
  const outside = await page.evaluate(([px, py]) => window.__bnn?.pixelAt(px, py) ?? null, [x, mean - totalHalf - 0.5] as const);
  expect(inEpistemic && inAleatoric && outside).toBeTruthy();
  const sum = (c: readonly number[] | null) => (c ? (c[0] ?? 0) + (c[1] ?? 0) + (c[2] ?? 0) : 0);
  expect(inEpistemic?.[3], 'epistemic band painted').toBeGreaterThan(0);
  expect(inAleatoric?.[3], 'aleatoric band painted').toBeGreaterThan(0);
  expect(inEpistemic).not.toEqual(inAleatoric);
  // Blue-ish epistemic, orange-ish aleatoric.
  expect((inEpistemic?.[2] ?? 0) > (inEpistemic?.[0] ?? 0)).toBe(true);
  expect((inAleatoric?.[0] ?? 0) > (inAleatoric?.[2] ?? 0)).toBe(true);
  expect(sum(outside)).not.toBe(sum(inEpistemic));

  await expect(page.locator('#throughput')).toContainText('samples×inputs/s');
  await screenshot(page, 'demo-pyro-toy1d-bands');
  expect(errors).toEqual([]);
});

test('the webgpu-bnn format file of the same model predicts the same as the Pyro export', async ({ page }) => {
  await openDemo(page, { ...SMALL, model: 'none' });
  const x = Array.from({ length: 20 }, (_, i) => [-3 + (6 * i) / 19]);
  const run = async (id: string) =>
    page.evaluate(
      async ([modelId, rows]) => {
        const h = window.__bnn;
        if (!h) throw new Error('no hooks');
        const summary = await h.loadModel(modelId);
        return { summary, r: await h.predict(rows, { samples: 200, seed: 11 }) };
      },
      [id, x] as const,
    );
  const pyro = await run('pyro-toy1d');
  const native = await run('native-toy1d');
  expect(pyro.summary.format).toBe('pyro-autonormal');
  expect(native.summary.format).toBe('webgpu-bnn');
  expect(native.r.mean).toEqual(pyro.r.mean);
  expect(native.r.std).toEqual(pyro.r.std);
});

test('a Pyro fixture picked with the file input loads and predicts', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, model: 'none' });
  const before = await hook(page, 'predictCount');
  await page.locator('#model-file').setInputFiles('test/fixtures/pyro/seedquirk.safetensors');
  await waitForPredictions(page, before + 1);
  const model = await hook(page, 'model');
  expect(model).toMatchObject({ name: 'seedquirk.safetensors', format: 'pyro-autonormal', architecture: '1 → 32 tanh → 32 tanh → 1 dropout 0.1' });
  await expect(page.locator('#model-info')).toContainText('seedquirk.safetensors');
  const p = await hook(page, 'lastPredict');
  expect(p && allFinite(p.mean) && allFinite(p.std)).toBe(true);
  expect(Math.min(...(p?.std ?? [0]))).toBeGreaterThan(0);

  // The built-in button for the same fixture also brings its training data.
  await page.locator('button[data-model="pyro-seedquirk"]').click();
  await waitForPredictions(page, before + 2);
  expect(await hook(page, 'points')).toBeGreaterThan(10);
  await screenshot(page, 'demo-pyro-seedquirk');
  expect(errors).toEqual([]);
});

test('a CSV upload predicts a table with the log predictive density', async ({ page }) => {
  await openDemo(page, SMALL);
  await waitForPredictions(page, 1);
  const csv = ['x,y', '# a comment', '-1.0, 0.8', '0.0, 0.0', '0.5, 0.9', '2.5, -0.4', ''].join('\n');
  await page.locator('#csv-file').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => window.__bnn?.csv != null);
  const summary = await hook(page, 'csv');
  expect(summary).toMatchObject({ rows: 4, hasY: true });
  expect(Number.isFinite(summary?.meanLogPredictiveDensity)).toBe(true);
  await expect(page.locator('#csv-table tbody tr')).toHaveCount(4);
  await expect(page.locator('#csv-table thead')).toContainText('log p(y)');
});

test('clicking the chart adds a point, clicking it again removes it', async ({ page }) => {
  await openDemo(page, { ...SMALL, model: 'none', preset: 'linear' });
  const start = await hook(page, 'points');
  const over = page.locator('#chart .u-over');
  const box = await over.boundingBox();
  if (!box) throw new Error('no chart');
  // An empty spot near the top right.
  const at = { x: box.width * 0.9, y: box.height * 0.1 };
  await over.click({ position: at });
  await expect.poll(() => hook(page, 'points')).toBe(start + 1);
  await over.click({ position: at });
  await expect.poll(() => hook(page, 'points')).toBe(start);
  await page.locator('#preset').selectOption('hetero');
  await expect.poll(() => hook(page, 'points')).toBe(60);
  await page.locator('#clear-points').click();
  await expect.poll(() => hook(page, 'points')).toBe(0);
});
