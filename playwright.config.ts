/**
 * End-to-end tests of the demo and the benchmark page in a real Chromium.
 *
 * - The browser is the system's Chromium (CHROMIUM_PATH, default /usr/bin/chromium); nothing is
 *   downloaded. Without a GPU, Chromium's WebGPU runs on SwiftShader (CPU) with
 *   --enable-unsafe-webgpu, on pages served from http://127.0.0.1 (a secure context).
 * - The web server builds the pages (vite build -> demo-dist/) and serves the build with
 *   `vite preview` on 127.0.0.1:4173.
 * - Projects: 'e2e' (WebGPU on) and 'e2e-no-webgpu' (the same browser without the flag: the pages
 *   must say what to do).
 * - Screenshots the tests take are written to artifacts/screenshots/; failures keep a screenshot
 *   and a trace under test-results/e2e/.
 */
import { defineConfig } from '@playwright/test';

const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const PORT = 4173;

/** Flags for a closed network, running as root, and no first-run UI. */
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  // SwiftShader runs WebGPU on the CPU: generous per-test time, one worker (2 cores).
  timeout: 120_000,
  expect: { timeout: 60_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/index.html`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  projects: [
    {
      name: 'e2e',
      testIgnore: /no-webgpu\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath, args: [...BASE_ARGS, '--enable-unsafe-webgpu'] },
      },
    },
    {
      name: 'e2e-no-webgpu',
      testMatch: /no-webgpu\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath, args: BASE_ARGS },
      },
    },
  ],
});
