/**
 * Bounded reads: files are refused by size before they are read (sparse files stand in for huge
 * ones, so no disk is used), never read past their size, and fetched bodies stop at the cap whether
 * or not the server declares a Content-Length.
 */
// The Node entry installs the bounded path reader that loadModel uses for files.
import '../../src/node/index.js';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TABLE_FILE_BYTES } from '../../src/cli/matrix-file.js';
import { runCli } from '../../src/cli/run.js';
import { InvalidInputError } from '../../src/errors.js';
import { fetchBounded, readStreamBounded } from '../../src/model/fetch-bounded.js';
import { MAX_MODEL_FILE_BYTES } from '../../src/model/limits.js';
import { loadModel } from '../../src/model/index.js';
import { readFileBounded } from '../../src/node/read-file.js';

const dir = mkdtempSync(join(tmpdir(), 'webgpu-bnn-bounded-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** A sparse file of `size` bytes: its size is what fstat reports, and it takes no disk. */
function sparseFile(name: string, size: number): string {
  const path = join(dir, name);
  writeFileSync(path, '');
  truncateSync(path, size);
  return path;
}

async function cli(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await runCli(argv, {
    stdout: () => undefined,
    stderr: (t) => {
      stderr += t;
    },
    context: () => Promise.reject(new Error('the GPU context was requested')),
  });
  return { code, stderr };
}

const options = { what: 'test file', maxBytes: 10, capName: 'TEST_CAP' };

describe('readFileBounded', () => {
  it('reads a regular file whole', async () => {
    const path = join(dir, 'ten.bin');
    writeFileSync(path, '0123456789');
    expect(new TextDecoder().decode(await readFileBounded(path, options))).toBe('0123456789');
  });

  it('refuses a file over the cap by its size, naming the cap', async () => {
    const path = join(dir, 'eleven.bin');
    writeFileSync(path, '0123456789A');
    await expect(readFileBounded(path, options)).rejects.toThrow(InvalidInputError);
    await expect(readFileBounded(path, options)).rejects.toThrow(`cannot read test file '${path}': it is 11 bytes, more than the limit of 10 bytes (TEST_CAP)`);
  });

  it('says what is wrong with a missing file', async () => {
    await expect(readFileBounded(join(dir, 'nope'), options)).rejects.toThrow('no such file');
  });

  it.skipIf(process.platform !== 'linux')('refuses a file that yields more than its size (procfs reports 0 bytes)', async () => {
    await expect(readFileBounded('/proc/self/status', { ...options, maxBytes: 1 << 20 })).rejects.toThrow('it grew beyond its 0 bytes while it was read');
  });
});

describe('the caps on real inputs', () => {
  it(`a model file over MAX_MODEL_FILE_BYTES (${MAX_MODEL_FILE_BYTES}) is refused before reading, by info and loadModel`, async () => {
    const path = sparseFile('huge.safetensors', MAX_MODEL_FILE_BYTES + 1);
    const start = performance.now();
    const run = await cli(['info', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`it is ${MAX_MODEL_FILE_BYTES + 1} bytes, more than the limit of ${MAX_MODEL_FILE_BYTES} bytes (MAX_MODEL_FILE_BYTES)`);
    await expect(loadModel(path)).rejects.toThrow('MAX_MODEL_FILE_BYTES');
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it(`an x file over MAX_TABLE_FILE_BYTES (${MAX_TABLE_FILE_BYTES}) is refused before reading`, async () => {
    const model = new URL('../../models/pyro-toy1d.safetensors', import.meta.url).pathname;
    const path = sparseFile('huge.csv', MAX_TABLE_FILE_BYTES + 1);
    const start = performance.now();
    const run = await cli(['predict', model, '--x', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read x file');
    expect(run.stderr).toContain('(MAX_TABLE_FILE_BYTES)');
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

/** A body that never ends: 64-byte chunks on demand; records how many were pulled and whether it was cancelled. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let wasCancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array(64));
    },
    cancel() {
      wasCancelled = true;
    },
  });
  return { stream, pulled: () => pulls, cancelled: () => wasCancelled };
}

describe('fetchBounded', () => {
  const url = new URL('https://example.com/model.safetensors');

  it('returns a body under the cap', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(new Uint8Array([1, 2, 3])))),
    );
    expect([...(await fetchBounded(url, 3, 'TEST_CAP'))]).toEqual([1, 2, 3]);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const body = endlessBody();
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(body.stream, { headers: { 'content-length': '1000' } }))),
    );
    await expect(fetchBounded(url, 100, 'TEST_CAP')).rejects.toThrow('the response is 1000 bytes, more than the limit of 100 bytes (TEST_CAP)');
    expect(body.cancelled()).toBe(true);
  });

  it('stops an endless body without Content-Length at the cap and cancels it', async () => {
    const body = endlessBody();
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(body.stream))),
    );
    await expect(fetchBounded(url, 1000, 'TEST_CAP')).rejects.toThrow('more than the limit of 1000 bytes (TEST_CAP)');
    expect(body.cancelled()).toBe(true);
    expect(body.pulled()).toBeLessThan(40);
  });

  it('readStreamBounded concatenates chunks exactly up to the cap', async () => {
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5])];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    expect([...(await readStreamBounded(stream, 5, () => new Error('too large')))]).toEqual([1, 2, 3, 4, 5]);
  });

  it('loadModel refuses a URL whose body exceeds MAX_MODEL_FILE_BYTES, as an InvalidInputError naming the URL', async () => {
    const declared = String(MAX_MODEL_FILE_BYTES + 1);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(endlessBody().stream, { headers: { 'content-length': declared } }))),
    );
    await expect(loadModel(url)).rejects.toThrow(InvalidInputError);
    await expect(loadModel(url)).rejects.toThrow(`cannot fetch model '${url.href}': the response is ${declared} bytes`);
  });
});
