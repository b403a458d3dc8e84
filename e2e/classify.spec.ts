/**
 * The classification page (demo/classify.html) with WebGPU: adapter and links; a deep ensemble
 * trained on the blobs preset draws a region of every class, an entropy map higher between the
 * blobs than at their centres, and a mutual-information map; Stop ends a run; clicking adds a
 * point of the selected class; the Pyro blobs3 classifier loads with its training points, and the
 * probabilities shown under the cursor sum to 1.
 */
import { expect, test } from '@playwright/test';
import { blobCentres } from '../demo/class-data.js';
import { brightness, classOfPixel } from '../demo/colour-maps.js';
import { classifyHook, mapLattice, mapPixel, mapPosition, openClassify, probe, SMALL_MAPS, waitForMaps } from './classify-helpers.js';
import { allFinite, expectNothingOutsidePanels, screenshot, watchErrors } from './helpers.js';

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** How many lattice pixels of a map show each class (index K: no class colour). */
function classShares(pixels: readonly (readonly [number, number, number])[], classes: number): number[] {
  const counts = new Array<number>(classes + 1).fill(0);
  for (const p of pixels) {
    const k = classOfPixel(p, classes);
    counts[k < 0 ? classes : k] = (counts[k < 0 ? classes : k] ?? 0) + 1;
  }
  return counts.map((c) => c / pixels.length);
}

test('the classification page finds a WebGPU adapter, opens on the blobs preset and links to the regression page and back', async ({ page }) => {
  const errors = watchErrors(page);
  await openClassify(page, { ...SMALL_MAPS, model: 'none' });
  expect(await classifyHook(page, 'status')).toBe('ready');
  expect((await classifyHook(page, 'adapter'))?.architecture ?? '').not.toBe('');
  await expect(page.locator('#status')).toContainText('WebGPU ready');
  expect(await classifyHook(page, 'classes')).toBe(3);
  expect(await classifyHook(page, 'counts')).toEqual([40, 40, 40]);
  await expect(page.locator('#class-picker input[type=radio]')).toHaveCount(3);
  await expect(page.locator('#train-btn')).toBeEnabled();
  await expect(page.locator('#train-method option')).toHaveText(['deep ensemble (5)', 'VI (Bayes by backprop)', 'MC dropout', 'MAP (one network)']);
  // Moons always has two classes; spirals take K from the select.
  await page.locator('#preset').selectOption('moons');
  expect(await classifyHook(page, 'counts')).toEqual([40, 40]);
  await page.locator('#classes').selectOption('4');
  await page.locator('#preset').selectOption('spirals');
  expect(await classifyHook(page, 'counts')).toEqual([40, 40, 40, 40]);
  await screenshot(page, 'classify-adapter-spirals');
  await page.locator('a[href="./index.html"]').click();
  await expect(page).toHaveURL(/index\.html/);
  await expect(page.locator('a[href="./classify.html"]')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a deep ensemble trained on the blobs preset: a region per class, entropy higher between the blobs than at their centres, mutual information drawn', async ({ page }) => {
  const errors = watchErrors(page);
  await openClassify(page, { ...SMALL_MAPS, model: 'none', preset: 'blobs', classes: 3 });
  await page.evaluate(() => window.__bnnClassify?.runTraining('ensemble', 40));
  const train = await classifyHook(page, 'train');
  expect(train).toMatchObject({ state: 'done', method: 'ensemble', error: null });
  const losses = train?.losses ?? [];
  expect(losses).toHaveLength(40);
  expect(allFinite(losses)).toBe(true);
  expect(mean(losses.slice(-5))).toBeLessThan(0.5 * mean(losses.slice(0, 5)));
  expect(await classifyHook(page, 'model')).toMatchObject({ format: 'trained', classes: 3, members: 5, architecture: '2 → 32 relu → 32 relu → 3' });
  const last = await classifyHook(page, 'lastPredict');
  expect(last).toMatchObject({ grid: SMALL_MAPS.grid, classes: 3, samples: 5 });

  // Pixels of the maps themselves: hide the points drawn over them.
  await page.locator('#show-points').uncheck();
  const shares = classShares(await mapLattice(page, 'regions', 24), 3);
  for (let k = 0; k < 3; k++) expect(shares[k], `share of the decision map in class ${k}'s colour (${shares.join(', ')})`).toBeGreaterThan(0.1);

  const centres = blobCentres(3);
  const between = centres.map((c, i) => {
    const d = centres[(i + 1) % 3] ?? c;
    return [(c[0] + d[0]) / 2, (c[1] + d[1]) / 2] as const;
  });
  for (let i = 0; i < 3; i++) {
    const [cx, cy] = centres[i] ?? [NaN, NaN];
    const [bx, by] = between[i] ?? [NaN, NaN];
    const atCentre = await probe(page, cx, cy);
    const atBetween = await probe(page, bx, by);
    expect(atCentre?.predicted, `the most probable class at blob ${i}'s centre`).toBe(i);
    expect(atCentre?.probs[i]).toBeGreaterThan(0.9);
    expect(atBetween?.entropy ?? 0, `entropy between blobs ${i} and ${(i + 1) % 3} vs at blob ${i}'s centre (${atCentre?.entropy})`).toBeGreaterThan(
      3 * (atCentre?.entropy ?? Infinity),
    );
    // The map shows it: brighter (higher on the colour scale) between the blobs.
    expect(brightness(await mapPixel(page, 'entropy', bx, by))).toBeGreaterThan(brightness(await mapPixel(page, 'entropy', cx, cy)));
  }
  // Mutual information: drawn (not one flat colour), finite, and between 0 and the entropy.
  expect(last?.miRange[0]).toBeGreaterThanOrEqual(-1e-6);
  expect(last?.miRange[1]).toBeGreaterThan(1e-3);
  expect(last?.miRange[1]).toBeLessThanOrEqual((last?.entropyRange[1] ?? 0) + 1e-6);
  const mi = await mapLattice(page, 'mi', 24);
  expect(new Set(mi.map((p) => p.join(','))).size, 'distinct colours on the mutual-information map').toBeGreaterThan(10);
  await expect(page.locator('#legend-mi')).toContainText('nats');
  await page.locator('#show-points').check();
  await screenshot(page, 'classify-trained-blobs-ensemble');
  await expectNothingOutsidePanels(page);
  expect(errors).toEqual([]);
});

test('Stop ends a training run on the page, which stays usable', async ({ page }) => {
  const errors = watchErrors(page);
  await openClassify(page, { ...SMALL_MAPS, model: 'none', preset: 'moons' });
  await page.evaluate(() => void window.__bnnClassify?.runTraining('map', 5000));
  await page.waitForFunction(() => (window.__bnnClassify?.train?.losses.length ?? 0) >= 3);
  await page.locator('#train-stop').click();
  await page.waitForFunction(() => window.__bnnClassify?.train?.state === 'stopped', undefined, { timeout: 10_000 });
  const stoppedAt = (await classifyHook(page, 'train'))?.losses.length ?? 0;
  expect(stoppedAt).toBeLessThan(5000);
  await expect(page.locator('#train-progress')).toContainText(`stopped after epoch ${stoppedAt} of 5000`);
  expect(await classifyHook(page, 'model')).toBeNull();
  await page.evaluate(() => window.__bnnClassify?.runTraining('map', 5));
  expect(await classifyHook(page, 'model')).toMatchObject({ format: 'trained', classes: 2, members: 1 });
  expect(await classifyHook(page, 'lastPredict')).toMatchObject({ samples: 1, classes: 2 }); // one network: one pass
  expect(errors).toEqual([]);
});

test('clicking a map adds a point of the selected class; clicking it again removes it', async ({ page }) => {
  await openClassify(page, { ...SMALL_MAPS, model: 'none', preset: 'blobs', classes: 3 });
  await page.locator('#class-picker input[value="2"]').check();
  const canvas = page.locator('#map-entropy canvas');
  const at = await mapPosition(page, 'entropy', 3.5, -3.5); // an empty corner
  await canvas.click({ position: at });
  await expect.poll(() => classifyHook(page, 'counts')).toEqual([40, 40, 41]);
  expect(await mapPixel(page, 'regions', 3.5, -3.5)).not.toEqual(await mapPixel(page, 'regions', 3.5, 3.5)); // drawn on every map
  await canvas.click({ position: at });
  await expect.poll(() => classifyHook(page, 'counts')).toEqual([40, 40, 40]);
  await page.locator('#classes').selectOption('5');
  await page.locator('#class-picker input[value="4"]').check();
  await page.locator('#map-regions canvas').click({ position: at });
  await expect.poll(() => classifyHook(page, 'counts')).toEqual([40, 40, 40, 40, 41]);
  await page.locator('#clear-points').click();
  await expect.poll(() => classifyHook(page, 'points')).toBe(0);
});

test('the Pyro blobs3 classifier loads with one button, with its training points, and renders; the probabilities under the cursor sum to 1', async ({ page }) => {
  const errors = watchErrors(page);
  await openClassify(page, { ...SMALL_MAPS, model: 'none' });
  await page.locator('button[data-model="pyro-blobs3"]').click();
  await waitForMaps(page, 1);
  expect(await classifyHook(page, 'model')).toMatchObject({ format: 'pyro-autonormal', classes: 3, members: 1, architecture: '2 → 32 tanh → 32 tanh → 3' });
  expect(await classifyHook(page, 'points')).toBe(300);
  await expect(page.locator('#preset')).toHaveValue('model');
  await expect(page.locator('#model-info')).toContainText('Pyro blobs3 classifier');
  expect(await classifyHook(page, 'lastPredict')).toMatchObject({ grid: SMALL_MAPS.grid, samples: SMALL_MAPS.samples, classes: 3 });

  await page.locator('#show-points').uncheck();
  const shares = classShares(await mapLattice(page, 'regions', 24), 3);
  for (let k = 0; k < 3; k++) expect(shares[k], `share of class ${k}'s colour (${shares.join(', ')})`).toBeGreaterThan(0.05);
  await page.locator('#show-points').check();

  const view = await classifyHook(page, 'view');
  const canvas = page.locator('#map-regions canvas');
  for (const [fx, fy] of [
    [0.2, 0.3],
    [0.5, 0.5],
    [0.8, 0.6],
  ] as const) {
    const x = view.xMin + fx * (view.xMax - view.xMin);
    const y = view.yMin + fy * (view.yMax - view.yMin);
    await canvas.hover({ position: await mapPosition(page, 'regions', x, y) });
    await expect(page.locator('#probe')).toContainText('class 2');
    const text = (await page.locator('#probe').textContent()) ?? '';
    const shown = [...text.matchAll(/class \d+ (\d\.\d{3})/g)].map((m) => Number(m[1]));
    expect(shown).toHaveLength(3);
    // Three numbers rounded to 3 decimals: their sum is within 1.5e-3 of the probabilities' sum.
    expect(Math.abs(shown.reduce((a, b) => a + b, 0) - 1), text).toBeLessThanOrEqual(1.5e-3 + 1e-6);
    const p = await classifyHook(page, 'probe');
    expect(p && Math.abs(p.probs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    expect(p?.x).toBeCloseTo(x, 1);
    expect(p?.y).toBeCloseTo(y, 1);
  }
  await screenshot(page, 'classify-pyro-blobs3');
  expect(errors).toEqual([]);
});
