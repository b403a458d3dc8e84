/**
 * Vite: the browser demo (demo/index.html), the classification demo (demo/classify.html) and the
 * GPU benchmark page (demo/bench.html), built into demo-dist/. `npm run demo` serves demo/ in dev mode; `npm run build:demo` builds; `vite preview`
 * serves the build (what the Playwright tests use).
 *
 * Model files are static assets under the same paths in dev and in the build (see STATIC_FILES):
 *   models/pyro-toy1d.safetensors          the shipped Pyro AutoNormal export
 *   models/toy1d-native.safetensors        the same model in the webgpu-bnn format (written here with
 *                                          modelToBytes, so it always matches the current format)
 *   fixtures/pyro/{toy1d,seedquirk,blobs3}.{safetensors,json}  the Pyro fixtures (the JSON holds
 *                                          their training data, drawn as points; blobs3 is the
 *                                          classifier of the classification page)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { modelFromBytes, modelToBytes } from './src/model/index.js';

const repo = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** URL path (relative to the site root) -> file in the repository. */
const STATIC_FILES: Record<string, string> = {
  'models/pyro-toy1d.safetensors': 'models/pyro-toy1d.safetensors',
  'fixtures/pyro/toy1d.safetensors': 'test/fixtures/pyro/toy1d.safetensors',
  'fixtures/pyro/toy1d.json': 'test/fixtures/pyro/toy1d.json',
  'fixtures/pyro/seedquirk.safetensors': 'test/fixtures/pyro/seedquirk.safetensors',
  'fixtures/pyro/seedquirk.json': 'test/fixtures/pyro/seedquirk.json',
  'fixtures/pyro/blobs3.safetensors': 'test/fixtures/pyro/blobs3.safetensors',
  'fixtures/pyro/blobs3.json': 'test/fixtures/pyro/blobs3.json',
};

/** Files made at build time: URL path -> bytes. */
const GENERATED_FILES: Record<string, () => Uint8Array> = {
  // Our own format, converted from the shipped Pyro export (same weights, same predictions).
  'models/toy1d-native.safetensors': () => modelToBytes(modelFromBytes(new Uint8Array(readFileSync(repo('models/pyro-toy1d.safetensors'))))),
};

function assetBytes(path: string): Uint8Array | null {
  const file = STATIC_FILES[path];
  if (file) return new Uint8Array(readFileSync(repo(file)));
  const make = GENERATED_FILES[path];
  return make ? make() : null;
}

/** Serves the model files in dev/preview and writes them into the build. */
function modelAssets(): Plugin {
  const paths = [...Object.keys(STATIC_FILES), ...Object.keys(GENERATED_FILES)];
  return {
    name: 'webgpu-bnn-model-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '').replace(/^\/+/, '');
        const bytes = paths.includes(path) ? assetBytes(path) : null;
        if (!bytes) return next();
        res.setHeader('Content-Type', path.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(Buffer.from(bytes));
      });
    },
    generateBundle() {
      for (const path of paths) {
        const source = assetBytes(path);
        if (source) this.emitFile({ type: 'asset', fileName: path, source });
      }
    },
  };
}

export default defineConfig({
  root: repo('demo'),
  // Relative URLs: demo-dist/ works from any sub-path (and the pages fetch models relative to themselves).
  base: './',
  publicDir: false,
  plugins: [modelAssets()],
  build: {
    outDir: repo('demo-dist'),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      input: {
        index: repo('demo/index.html'),
        bench: repo('demo/bench.html'),
        classify: repo('demo/classify.html'),
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
