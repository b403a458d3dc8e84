/**
 * The demo page with WebGPU: the shipped model it opens on, adapter, bands on a fixture model,
 * model formats, errors by name, CSV, point editing.
 */
import { expect, test } from '@playwright/test';
import { allFinite, bandsAt, expectNothingOutsidePanels, hook, openDemo, screenshot, SMALL, waitForPredictions, watchErrors } from './helpers.js';

test('the demo opens on the shipped deep ensemble: its mean follows the data and its bands grow away from it', async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, SMALL); // no model parameter: the default
  await waitForPredictions(page, 1);
  expect(await hook(page, 'model')).toMatchObject({ format: 'webgpu-bnn-ensemble', members: 5, inputDim: 1, architecture: '1 → 32 relu → 32 relu → 2' });
  // Its training data (data/toy1d-gap.csv): 80 points of sin(2x) + noise, x in [-2, -0.5] and [0.5, 2].
  expect(await hook(page, 'points')).toBe(80);
  await expect(page.locator('#preset')).toHaveValue('model');
  const p = await hook(page, 'lastPredict');
  if (!p) throw new Error('no prediction');
  const onData = p.x.flatMap((x, i) => (Math.abs(x) >= 0.6 && Math.abs(x) <= 1.9 ? [i] : []));
  expect(onData.length).toBeGreaterThan(10);
  for (const i of onData) expect(Math.abs((p.mean[i] ?? NaN) - Math.sin(2 * (p.x[i] ?? NaN))), `mean at x = ${p.x[i]}`).toBeLessThan(0.25);
  const dataBand = Math.max(
    ...(
      await bandsAt(
        page,
        onData.map((i) => p.x[i] ?? NaN),
      )
    ).map((b) => b.epistemic),
  );
  const [gap, left, right] = await bandsAt(page, [0, -3, 3]);
  for (const [where, band] of [
    ['gap (x = 0)', gap],
    ['x = -3', left],
    ['x = 3', right],
  ] as const) {
    expect(band?.epistemic ?? 0, `epistemic band in the ${where} vs the widest on the data (${dataBand})`).toBeGreaterThan(3 * dataBand);
  }
  await expect(page.locator('#model-info')).toContainText('deep ensemble of 5');
  await screenshot(page, 'demo-default-ensemble');
  await expectNothingOutsidePanels(page);
  expect(errors).toEqual([]);
});

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
  await openDemo(page, { ...SMALL, seed: 3, model: 'pyro-toy1d' }); // loads models/pyro-toy1d.safetensors at start
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

test('a model file that is not one shows the error by name', async ({ page }) => {
  await openDemo(page, { ...SMALL, model: 'none' });
  await page.locator('#model-file').setInputFiles({ name: 'notes.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not a safetensors file at all') });
  await expect(page.locator('#model-error')).toBeVisible();
  // The library's error classes keep their names in the minified build.
  await expect(page.locator('#model-error')).toHaveText(/^ModelFormatError: /);
  expect(await hook(page, 'error')).toMatch(/^ModelFormatError: /);
});

test('a CSV upload predicts a readable table with the log predictive density', async ({ page }) => {
  await openDemo(page, SMALL);
  await waitForPredictions(page, 1);
  const csv = ['x,y', '# a comment', '-1.0, 0.8', '0.0, 0.0', '0.5, 0.9', '2.5, -0.4', ''].join('\n');
  await page.locator('#csv-file').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction(() => window.__bnn?.csv != null);
  const summary = await hook(page, 'csv');
  expect(summary).toMatchObject({ rows: 4, hasY: true });
  expect(Number.isFinite(summary?.meanLogPredictiveDensity)).toBe(true);
  await expect(page.locator('#csv-results')).toBeVisible();
  await expect(page.locator('#csv-info')).toContainText('points.csv: 4 rows');
  await expect(page.locator('#csv-table tbody tr')).toHaveCount(4);
  await expect(page.locator('#csv-table thead th')).toHaveText(['#', 'x', 'y', 'mean', 'std', 'epistemic', 'aleatoric', '90% lower', '90% upper', 'log p(y)']);
  await expect(page.locator('#csv-table caption')).toContainText('total predictive std');
  // Every number of a column has the same number of decimals, so the column lines up.
  const means = await page.locator('#csv-table tbody tr td:nth-child(4)').allTextContents();
  expect(new Set(means.map((m) => m.split('.')[1]?.length)).size).toBe(1);
  await screenshot(page, 'demo-csv-table');
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
