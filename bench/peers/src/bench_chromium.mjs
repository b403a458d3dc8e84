// Headless Chromium (Debian /usr/bin/chromium, SwiftShader WebGPU) driven by playwright-core.
//   node src/bench_chromium.mjs [--impls tfjs-webgpu,wgsl,engine,tfjs-wasm] [--configs ...]
// 'engine' is webgpu-bnn from the repository's dist/ (npm run build first); ENGINE_STRATEGIES picks its strategies.
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';
import { writeResults, selectedConfigs, timingOpts, ROOT } from './node_data.mjs';
import fs from 'node:fs';
import path from 'node:path';

const argv = process.argv;
const iI = argv.indexOf('--impls');
const impls = iI >= 0 ? argv[iI + 1].split(',') : ['tfjs-webgpu', 'wgsl', 'engine', 'tfjs-wasm'];
const configs = selectedConfigs().map((c) => c.id);
// webgpu-bnn's strategies (bench/peers/lib/engine-run.ts ENGINE_STRATEGIES), slowest last.
const ENGINE_STRATEGIES = ['default', 'materialized', 'subgroups', 'marginal', 'registers', 'fused'];
const ARGS = ['--no-sandbox', '--headless=new', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
if (process.env.CHROMIUM_EXTRA_ARGS) ARGS.push(...process.env.CHROMIUM_EXTRA_ARGS.split(' ').filter(Boolean));

const { server, port } = await startServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS, timeout: 60000 });
const status = { chromium: browser.version(), args: ARGS, impls: {} };
try {
  for (const impl of impls) {
    const page = await browser.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    page.on('pageerror', (e) => console.log(`  [pageerror] ${e.message}`));
    try {
      await page.goto(`http://127.0.0.1:${port}/bench/peers/src/page/index.html`);
      await page.waitForFunction(() => window.pageReady === true, null, { timeout: 60000 });
      if (!status.page) status.page = await page.evaluate(() => window.pageInfo());
      const opts = {
        configs,
        timing: timingOpts(),
        wgslVariants: (process.env.WGSL_VARIANTS_CHROMIUM ?? 'v3').split(','),
        wasmThreads: 2,
        engineStrategies: process.env.ENGINE_STRATEGIES ? process.env.ENGINE_STRATEGIES.split(',') : null,
      };
      if (impl === 'engine') {
        // One (strategy, configuration) per evaluation, written as it ends: a step cut by its time limit keeps what finished.
        const done = {};
        for (const strategy of opts.engineStrategies ?? ENGINE_STRATEGIES) {
          for (const config of configs) {
            const out = await page.evaluate(([n, o]) => window.runImpl(n, o), [impl, { ...opts, engineStrategies: [strategy], configs: [config] }]);
            for (const [name, records] of Object.entries(out)) {
              done[name] = (done[name] ?? []).concat(records);
              writeResults(name, done[name]);
            }
          }
        }
      } else {
        const out = await page.evaluate(([n, o]) => window.runImpl(n, o), [impl, opts]);
        for (const [name, records] of Object.entries(out)) writeResults(name, records);
      }
      status.impls[impl] = 'ok';
    } catch (e) {
      console.log(`chromium ${impl} FAILED: ${e.message.split('\n')[0]}`);
      status.impls[impl] = `failed: ${e.message.split('\n')[0]}`;
    }
    await page.close();
  }
} finally {
  fs.writeFileSync(path.join(ROOT, 'results', 'chromium-status.json'), JSON.stringify(status, null, 1));
  await browser.close();
  server.close();
}
console.log(JSON.stringify({ chromium: status.chromium, page: status.page, impls: status.impls }));
