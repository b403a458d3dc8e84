/**
 * The browser's engine and the Node engine give the same predictions on the same model, inputs and
 * seed: the draws are a pure function of (seed, sample, stream, element), so the two differ only
 * by float32 rounding. The Node side runs here, in the Playwright test process (Dawn through npm
 * `webgpu`, SwiftShader when there is no GPU).
 */
import { expect, test } from '@playwright/test';
// The Node entry: it installs the filesystem reader that loadModel uses for paths.
import { createNodeContext, Engine, loadModel, type GpuContext, type PredictOptions } from '../src/node/index.js';
import { expectClose, openDemo } from './helpers.js';

const REL = 1e-4;
/** For values that are ~0 (a mean crossing zero), relative error means nothing: a float32-sized floor. */
const ABS = 1e-6;
const STATS = ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper'] as const;

let node: GpuContext | null = null;

test.beforeAll(async () => {
  node = await createNodeContext();
});

test.afterAll(() => {
  node?.destroy();
  node = null;
});

interface Case {
  readonly name: string;
  readonly file: string;
  readonly builtin: string;
  readonly options: Omit<PredictOptions, 'y' | 'returnSamples'>;
}

const CASES: readonly Case[] = [
  { name: 'Pyro toy1d, joint path', file: 'models/pyro-toy1d.safetensors', builtin: 'pyro-toy1d', options: { samples: 200, seed: 7 } },
  { name: 'Pyro toy1d, marginal path', file: 'models/pyro-toy1d.safetensors', builtin: 'pyro-toy1d', options: { samples: 200, seed: 8, path: 'marginal' } },
  {
    name: 'Pyro seedquirk (dropout, sigma²), joint, materialized',
    file: 'test/fixtures/pyro/seedquirk.safetensors',
    builtin: 'pyro-seedquirk',
    options: { samples: 200, seed: 9, kernel: 'materialized' },
  },
];

test('browser predictions equal the Node engine on the same model and seed', async ({ page }) => {
  await openDemo(page, { model: 'none' });
  const x = Array.from({ length: 50 }, (_, i) => [-3 + (6 * i) / 49]);
  const y = x.map(([v]) => [Math.sin(2 * (v ?? 0))]);
  for (const c of CASES) {
    const inBrowser = await page.evaluate(
      async ([id, rows, targets, options]) => {
        const h = window.__bnn;
        if (!h) throw new Error('no hooks');
        await h.loadModel(id);
        return h.predict(rows, { ...options, y: targets });
      },
      [c.builtin, x, y, c.options] as const,
    );
    if (!node) throw new Error('no node context');
    const engine = Engine.create(node, await loadModel(c.file));
    try {
      const inNode = await engine.predict(x, { ...c.options, y });
      for (const key of STATS) expectClose(inBrowser[key], inNode[key], REL, ABS, `${c.name}: ${key}`);
      expect(inBrowser.logPredictiveDensity).not.toBeNull();
      expectClose(inBrowser.logPredictiveDensity ?? [], inNode.logPredictiveDensity ?? new Float32Array(), REL, ABS, `${c.name}: logPredictiveDensity`);
    } finally {
      engine.dispose();
    }
  }
});
