/**
 * Training in the page: a few hundred Adam steps (48 points of the 'gap' preset in minibatches of
 * 16: 3 steps per epoch) lower the loss, and the trained model's bands are drawn.
 */
import { expect, test } from '@playwright/test';
import { allFinite, hook, openDemo, screenshot, SMALL, watchErrors } from './helpers.js';

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
