// Tiny static file server for the Chromium page (127.0.0.1 only). Serves the repository root (the page
// and data under bench/peers/, the harness's node_modules, and dist/ for webgpu-bnn itself) with
// COOP/COEP so the page is cross-origin isolated (wasm threads).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT as PEERS } from './node_data.mjs';

const ROOT = path.resolve(PEERS, '..', '..');

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.map': 'application/json',
};

export function startServer(port = 0) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const p = path.normalize(path.join(ROOT, decodeURIComponent(url.pathname)));
    if (!p.startsWith(ROOT + path.sep) || !fs.existsSync(p) || !fs.statSync(p).isFile()) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(p)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cache-Control': 'no-store',
    });
    fs.createReadStream(p).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { port } = await startServer(Number(process.argv[2] ?? 0));
  console.log(`serving ${ROOT} on http://127.0.0.1:${port}/bench/peers/src/page/index.html`);
}
