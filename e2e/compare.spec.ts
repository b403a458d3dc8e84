/**
 * The side-by-side comparison on the gap preset (`compare=<sampled>,vi`): both methods train and
 * are drawn on shared axes with bands and function samples, nothing is NaN, and the sampled
 * posterior's epistemic std in the middle of the gap exceeds mean-field VI's (the picture the view
 * is for); a malformed `compare` says what it expects.
 */
import { expect, test } from '@playwright/test';
import { allFinite, hook, openDemo, SCREENSHOT_DIR, SMALL, watchErrors } from './helpers.js';

/** The method drawn on the left: its members are point networks, samples of a posterior. */
const SAMPLED = 'hmc';

/** The 'gap' preset's clusters are x in [-2, -0.6] and [0.8, 2]; its gap's middle is near 0.1. */
const GAP_CENTRE = 0.1;
const ON_GAP_DATA = [-1.8, -1.4, -1.0, 1.0, 1.4, 1.8];

const nearest = (xs: readonly number[], x: number) => xs.reduce((best, g, i) => (Math.abs(g - x) < Math.abs((xs[best] ?? Infinity) - x) ? i : best), 0);

test(`${SAMPLED} vs VI side by side on the gap preset: two charts on shared axes, no NaN, the sampled band wider in the gap`, async ({ page }) => {
  const errors = watchErrors(page);
  await openDemo(page, { ...SMALL, preset: 'gap', compare: `${SAMPLED},vi` });
  await page.waitForFunction(() => ['done', 'error'].includes(window.__bnn?.compare?.state ?? ''), undefined, { timeout: 100_000 });
  const c = await hook(page, 'compare');
  if (!c) throw new Error('no comparison state');
  expect(c.error).toBeNull();
  expect(c.state).toBe('done');
  expect(c.methods).toEqual([SAMPLED, 'vi']);
  expect(await hook(page, 'model')).toBeNull(); // the URL's comparison loads no model: the preset's points stay
  expect(Math.abs((c.gapCentre ?? NaN) - GAP_CENTRE)).toBeLessThan(0.15);

  const [sampled, vi] = c.sides;
  if (!sampled || !vi) throw new Error(`expected two sides, got ${c.sides.length}`);
  for (const side of c.sides) {
    expect(side.chart).toMatchObject({ bands: 3, functions: 5, points: 48, gridPoints: SMALL.grid });
    expect(side.chart.yRange).toEqual(sampled.chart.yRange); // shared axes
    expect(allFinite(side.mean) && allFinite(side.std) && allFinite(side.epistemicStd) && allFinite(side.functions.flat()), `${side.method}: a prediction is not finite`).toBe(
      true,
    );
    expect(side.functions).toHaveLength(5);
    expect(Number.isFinite(side.finalLoss)).toBe(true);
    // Both fit the data (sin 2x plus noise of std 0.1): a posterior collapsed to the prior would be
    // wide in the gap too, and the comparison below would then say nothing about VI's fit.
    for (const x of ON_GAP_DATA) {
      const i = nearest(side.x, x);
      expect(Math.abs((side.mean[i] ?? NaN) - Math.sin(2 * (side.x[i] ?? NaN))), `${side.method}: mean at x = ${side.x[i]}`).toBeLessThan(0.3);
    }
  }
  expect(sampled.members).toBeGreaterThan(1);

  // Mean-field VI puts its narrowest band between the clusters (Foong et al. 2019: a factorised
  // Gaussian cannot make the weights covary, and the function stays pinned between two well-fitted
  // regions), while samples of the posterior (or independently fitted ensemble members) agree on the
  // data and part ways in the gap. Seed 0 on SwiftShader: HMC 0.198, VI 0.080 (its smallest anywhere),
  // 2.5x (a deep ensemble: 0.347). The bound asks for 1.5x, so a VI that opened up in the gap, or
  // samples that all agree there, fail it.
  const at = (side: typeof vi) => side.epistemicStd[nearest(side.x, GAP_CENTRE)] ?? NaN;
  expect(at(sampled), `epistemic std at x = ${GAP_CENTRE}: ${SAMPLED} ${at(sampled)}, vi ${at(vi)}`).toBeGreaterThan(1.5 * at(vi));

  await expect(page.locator('#compare-caption')).toContainText('epistemic std');
  await expect(page.locator('#compare-chart-0 canvas')).toBeVisible();
  await expect(page.locator('#compare-chart-1 canvas')).toBeVisible();
  await page.locator('#compare').screenshot({ path: `${SCREENSHOT_DIR}/demo-compare-gap.png` });
  expect(errors).toEqual([]);
});

test('a malformed compare parameter names the methods it takes and trains nothing', async ({ page }) => {
  await openDemo(page, { ...SMALL, preset: 'gap', compare: 'vi,nonsense' });
  await expect(page.locator('#compare-progress')).toContainText(/compare: expected two of .*\bvi\b.* separated by a comma/);
  expect((await hook(page, 'compare'))?.state).toBe('idle');
});
