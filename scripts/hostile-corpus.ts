/**
 * Writes the hostile-input corpus (scripts/hostile-cases.ts) to test/fixtures/hostile/: one file per
 * committed case and manifest.json describing every case, the generated-in-test ones included.
 * Files of cases that no longer exist are removed. Run with `npm run hostile-corpus`.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileName, hostileCases, manifestEntry } from './hostile-cases.js';

const MANIFEST = 'manifest.json';

/** The repository root: this file runs from dist/scripts/, its source is scripts/. */
function repositoryRoot(): string {
  const here = new URL('.', import.meta.url).pathname;
  return resolve(here, here.includes('/dist/') ? '../..' : '..');
}

function main(): void {
  const dir = join(repositoryRoot(), 'test', 'fixtures', 'hostile');
  mkdirSync(dir, { recursive: true });
  const cases = hostileCases();
  const committed = cases.filter((c) => c.committed);
  const keep = new Set([MANIFEST, ...committed.map(fileName)]);
  for (const entry of readdirSync(dir)) {
    if (!keep.has(entry)) rmSync(join(dir, entry));
  }
  let bytes = 0;
  for (const c of committed) {
    const data = c.bytes();
    writeFileSync(join(dir, fileName(c)), data);
    bytes += data.byteLength;
  }
  const manifest = {
    about:
      'Hostile inputs for the model, ensemble, point and table readers, written by scripts/hostile-corpus.ts ' +
      '(npm run hostile-corpus) from scripts/hostile-cases.ts. expected: the BnnError code the reader must throw, ' +
      "or 'ok'; mentions: a fragment of its message; committed: false means the test generates the file " +
      '(too large to commit).',
    cases: cases.map((c) => ({ ...manifestEntry(c), committed: c.committed })),
  };
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${committed.length} files (${bytes} bytes) and ${MANIFEST} (${cases.length} cases) to ${dir}`);
}

main();
