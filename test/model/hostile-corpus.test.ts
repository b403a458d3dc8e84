/**
 * The hostile-input corpus (test/fixtures/hostile, written by scripts/hostile-corpus.ts): every case
 * through its reader (modelFromBytes, ensembleFromBytes, pointFromBytes, parseTable) and through
 * the CLI in process (`info`, `score --point`, `predict --x`), each within a time limit. An error
 * case must throw a BnnError with the expected code whose message has the expected fragment, and
 * the CLI must answer exit status 2 with exactly one short line on stderr; a valid case must load
 * with what its manifest says. Special files (/dev/zero, a FIFO, a directory) are refused before
 * anything is read. Cases too large to commit are generated here by the same code.
 *
 * No GPU is used: valid point and table cases run until the CLI asks for a GPU context, which this
 * test refuses with a GpuUnavailableError carrying a marker, proving every file was accepted.
 */
// The Node entry installs the bounded path reader that loadModel uses for files.
import '../../src/node/index.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_MODEL_CASE, fileName, hostileCases, manifestEntry, type HostileCase } from '../../scripts/hostile-cases.js';
import { parseTable } from '../../src/cli/matrix-file.js';
import { runCli } from '../../src/cli/run.js';
import { BnnError, GpuUnavailableError, InvalidInputError, MAX_MESSAGE_LENGTH } from '../../src/errors.js';
import { ensembleFromBytes, loadModel, modelFromBytes, pointFromBytes, type Model } from '../../src/model/index.js';

/**
 * Wall-clock limit for one case through one path (reader or CLI). The slowest case (65,536
 * tensors) takes 0.5-0.7 s on an idle 2-core machine and passed 2 s when the GPU tests shared the
 * cores; an unbounded read or a hang takes far longer than this.
 */
const CASE_TIME_LIMIT_MS = 10_000;
/** The CLI's one stderr line: 'webgpu-bnn: ' + a message of at most MAX_MESSAGE_LENGTH + a path prefix. */
const CLI_LINE_LIMIT = 1100;
const GPU_MARKER = 'hostile-corpus test: no GPU is lent here';

const corpusDir = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
const cases = hostileCases();
const byName = new Map(cases.map((c) => [c.name, c]));
const scratch = mkdtempSync(join(tmpdir(), 'webgpu-bnn-hostile-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Where a case's file is: the committed copy, or a copy generated into the scratch folder. */
function casePath(c: HostileCase): string {
  if (c.committed) return join(corpusDir, fileName(c));
  const path = join(scratch, fileName(c));
  writeFileSync(path, c.bytes());
  return path;
}

const caseBytes = (c: HostileCase): Uint8Array => (c.committed ? new Uint8Array(readFileSync(casePath(c))) : c.bytes());

const baseCase = byName.get(BASE_MODEL_CASE) as HostileCase;
const baseModelPath = casePath(baseCase);
const baseModel: Model = modelFromBytes(caseBytes(baseCase));
const xPath = join(scratch, 'x.csv');
const yPath = join(scratch, 'y.csv');
writeFileSync(xPath, 'a,b\n0.5,-1\n1,2\n');
writeFileSync(yPath, '0.25\n-1\n');

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the CLI in process; a GPU request is answered with GpuUnavailableError(GPU_MARKER). */
async function cli(argv: readonly string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const start = performance.now();
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    context: () => Promise.reject(new GpuUnavailableError(GPU_MARKER)),
  });
  return { code, stdout, stderr, ms: performance.now() - start };
}

/** The CLI command that reads a case's file the way a user would. */
function cliArgs(c: HostileCase, path: string): string[] {
  switch (c.loader) {
    case 'model':
    case 'ensemble':
      return ['info', path];
    case 'point':
      return ['score', baseModelPath, '--point', path, '--x', xPath, '--y', yPath];
    case 'table':
      return ['predict', baseModelPath, '--x', path];
  }
}

function read(c: HostileCase, bytes: Uint8Array): unknown {
  switch (c.loader) {
    case 'model':
      return modelFromBytes(bytes);
    case 'ensemble':
      return ensembleFromBytes(bytes);
    case 'point':
      return pointFromBytes(bytes, baseModel);
    case 'table':
      return parseTable(new TextDecoder().decode(bytes), c.name, c.extension === 'json');
  }
}

/** Checks a valid case's result against its manifest's `check`. */
function checkResult(c: HostileCase, result: unknown): void {
  const check = c.check ?? {};
  if (c.loader === 'model') expect((result as Model).spec.layers.length).toBe(check.layers);
  if (c.loader === 'ensemble') {
    const members = result as Model[];
    expect(members.length).toBe(check.members);
    expect(members[0]?.spec.layers.length).toBe(check.layers);
  }
  if (c.loader === 'point') expect((result as Map<string, Float32Array>).size).toBe(check.sites);
  if (c.loader === 'table') expect((result as { rows: number }).rows).toBe(check.rows);
}

/** Expected -> actual outcome of every reader run, printed at the end for the record. */
const outcomes: { expected: string; actual: string }[] = [];

function outcomeOf(error: unknown): string {
  if (error === undefined) return 'ok';
  return error instanceof BnnError ? error.code : `untyped ${error instanceof Error ? error.name : typeof error}`;
}

afterAll(() => {
  const counts = new Map<string, number>();
  for (const { expected, actual } of outcomes) counts.set(`${expected} -> ${actual}`, (counts.get(`${expected} -> ${actual}`) ?? 0) + 1);
  const rows = [...counts].sort().map(([key, n]) => `  ${key}: ${n}`);
  console.info(`hostile corpus: ${outcomes.length} cases through the readers\n${rows.join('\n')}`);
});

/** One line on stderr, short, a user error (not 'internal error'), containing `fragment`. */
function expectOneLineUserError(run: CliRun, fragment: string | undefined): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.slice(0, -1)).not.toContain('\n');
  expect(run.stderr.length).toBeLessThanOrEqual(CLI_LINE_LIMIT);
  expect(run.stderr).toMatch(/^webgpu-bnn: /);
  expect(run.stderr).not.toMatch(/^webgpu-bnn: internal error/);
  if (fragment !== undefined) expect(run.stderr).toContain(fragment);
}

describe('the committed corpus', () => {
  it('is what the generator writes: the manifest lists every case, each committed file has its bytes', () => {
    const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as { cases: unknown[] };
    expect(manifest.cases).toEqual(cases.map((c) => ({ ...manifestEntry(c), committed: c.committed })));
    const committed = cases.filter((c) => c.committed);
    expect(readdirSync(corpusDir).sort()).toEqual(['manifest.json', ...committed.map(fileName)].sort());
    for (const c of committed) expect(new Uint8Array(readFileSync(join(corpusDir, fileName(c)))), c.name).toEqual(c.bytes());
  });

  it('has error cases for every reader and valid edge cases', () => {
    for (const loader of ['model', 'ensemble', 'point', 'table'] as const) {
      expect(
        cases.some((c) => c.loader === loader && c.expected === 'ok'),
        loader,
      ).toBe(true);
      expect(
        cases.some((c) => c.loader === loader && c.expected !== 'ok'),
        loader,
      ).toBe(true);
    }
  });
});

describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it(`reader: ${c.expected === 'ok' ? 'loads' : `throws ${c.expected}`} (${c.exercises})`, () => {
    const bytes = caseBytes(c);
    let result: unknown;
    let error: unknown;
    const start = performance.now();
    try {
      result = read(c, bytes);
    } catch (thrown) {
      error = thrown;
    }
    const ms = performance.now() - start;
    outcomes.push({ expected: c.expected, actual: outcomeOf(error) });
    expect(ms).toBeLessThan(CASE_TIME_LIMIT_MS);
    if (c.expected === 'ok') {
      expect(error).toBeUndefined();
      checkResult(c, result);
      return;
    }
    expect(error).toBeInstanceOf(BnnError);
    const bnn = error as BnnError;
    expect(bnn.code, bnn.message).toBe(c.expected);
    expect(bnn.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(bnn.message).toContain(c.mentions);
  });

  it(`CLI: ${c.expected === 'ok' ? 'accepts the file' : 'exit 2, one line'}`, async () => {
    const run = await cli(cliArgs(c, casePath(c)));
    expect(run.ms).toBeLessThan(CASE_TIME_LIMIT_MS);
    if (c.expected !== 'ok') {
      expectOneLineUserError(run, c.mentions);
      return;
    }
    if (c.loader === 'model' || c.loader === 'ensemble') {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('parameters');
    } else {
      // Everything was read and checked; the next step is the GPU, which this test does not lend.
      expectOneLineUserError(run, GPU_MARKER);
    }
  });
});

describe('every truncation of a valid file is refused', () => {
  it.each(['valid-model', 'ensemble-valid', 'pyro-valid', 'point-valid'])('%s cut at every byte', (name) => {
    const c = byName.get(name) as HostileCase;
    const full = caseBytes(c);
    const start = performance.now();
    for (let cut = 0; cut < full.byteLength; cut++) {
      let error: unknown;
      try {
        read(c, full.subarray(0, cut));
      } catch (thrown) {
        error = thrown;
      }
      expect(outcomeOf(error), `cut at ${cut}`).toBe('MODEL_FORMAT');
    }
    expect(performance.now() - start).toBeLessThan(CASE_TIME_LIMIT_MS * 5);
  });
});

// Special files: a path that is not a regular file must be refused before it is read (reading
// /dev/zero never ends, opening a FIFO waits for a writer).
const fifoPath = join(scratch, 'fifo');
const fifoAvailable = ((): boolean => {
  try {
    execFileSync('mkfifo', [fifoPath]);
    return true;
  } catch {
    return false;
  }
})();

const specialFiles: [string, string, string][] = [
  ['/dev/zero', '/dev/zero', 'character device'],
  ['a directory', scratch, 'it is a directory'],
  ...(fifoAvailable ? [['a FIFO', fifoPath, 'FIFO'] as [string, string, string]] : []),
];

describe('special files as inputs', () => {
  it('mkfifo is available (Debian has it), so the FIFO cases run', () => {
    expect(fifoAvailable).toBe(true);
  });

  describe.each(specialFiles)('%s', (_what, path, fragment) => {
    it('as the model of info: exit 2, one line, at once', async () => {
      const run = await cli(['info', path]);
      expect(run.ms).toBeLessThan(CASE_TIME_LIMIT_MS);
      expectOneLineUserError(run, fragment);
      expect(run.stderr).toContain('cannot read model file');
    });

    it('as the x file of predict: exit 2, one line, at once', async () => {
      const run = await cli(['predict', baseModelPath, '--x', path]);
      expect(run.ms).toBeLessThan(CASE_TIME_LIMIT_MS);
      expectOneLineUserError(run, fragment);
      expect(run.stderr).toContain('cannot read x file');
    });

    it('as the point of score and as the y file: exit 2', async () => {
      expectOneLineUserError(await cli(['score', baseModelPath, '--point', path, '--x', xPath, '--y', yPath]), fragment);
      expectOneLineUserError(await cli(['predict', baseModelPath, '--x', xPath, '--y', path]), fragment);
    });

    it('through loadModel: InvalidInputError', async () => {
      const start = performance.now();
      await expect(loadModel(path)).rejects.toThrow(InvalidInputError);
      await expect(loadModel(path)).rejects.toThrow(fragment);
      expect(performance.now() - start).toBeLessThan(CASE_TIME_LIMIT_MS);
    });
  });
});
