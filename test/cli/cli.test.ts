/**
 * The CLI, in process through runCli(argv, io): output shapes, agreement with the float64 oracle,
 * and every user mistake answered by exit status 2 and exactly one line on stderr, found before
 * the GPU is touched. GPU runs share the test context (test/support/gpu.ts); it is borrowed, so
 * the CLI must not destroy it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTable } from '../../src/cli/matrix-file.js';
import { GpuUnavailableError } from '../../src/errors.js';
import { modelFromBytes } from '../../src/model/format.js';
import { pointFromBytes } from '../../src/model/point.js';
import { oraclePredict, oracleScore } from '../../src/reference/index.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';

const MODEL = fileURLToPath(new URL('../../models/pyro-toy1d.safetensors', import.meta.url));
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/pyro/toy1d.json', import.meta.url), 'utf8')) as {
  train_x: number[][];
  train_y: number[];
};
const N = 12;
const X = FIXTURE.train_x.slice(0, N);
const Y = FIXTURE.train_y.slice(0, N);

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-cli-'));
  const files: Record<string, string | Uint8Array> = {
    'x.csv': `x\n${X.map((r) => String(r[0])).join('\n')}\n`,
    'y.json': JSON.stringify(Y),
    'x-rows.json': JSON.stringify(X),
    'y-short.csv': Y.slice(0, N - 1).join('\n'),
    'x-2cols.csv': 'a,b\n1,2\n3,4\n',
    'x-nan.csv': 'x\n0.5\nNaN\n1\n',
    'x-text.csv': 'x\n0.5\nabc\n',
    'x-ragged.csv': '1\n2 3\n',
    'x-empty.csv': 'x\n',
    'x-overflow.csv': 'x\n0\n1e39\n',
    'x-overflow.json': '[[0], [-1e39]]',
    'x-binary.csv': Buffer.from([0x78, 0x00, 0xff, 0x10, 0x0a, 0x31, 0x0a]),
    'x-bad.json': '[1, 2',
    'model-truncated.safetensors': readFileSync(MODEL).subarray(0, 3000),
    'not-a-model.safetensors': 'hello',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(file(name), content);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('user mistakes: exit 2, one line on stderr, no GPU', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no command', () => [], /no command/],
    ['unknown command', () => ['frobnicate'], /unknown command 'frobnicate'/],
    ['unknown flag', () => ['predict', MODEL, '--x', file('x.csv'), '--bogus'], /unknown option '--bogus'/],
    ['unknown flag of info', () => ['info', MODEL, '-q'], /unknown option '-q'/],
    ['flag without value', () => ['predict', MODEL, '--x'], /'--x' needs a value/],
    ['missing --x', () => ['predict', MODEL], /--x <file> is required/],
    ['missing model argument', () => ['predict', '--x', file('x.csv')], /missing <model>/],
    ['extra argument', () => ['info', MODEL, 'extra'], /unexpected argument 'extra'/],
    ['missing model file', () => ['predict', file('nope.safetensors'), '--x', file('x.csv')], /cannot read model file .*nope\.safetensors.*no such file/],
    ['truncated model file', () => ['predict', file('model-truncated.safetensors'), '--x', file('x.csv')], /model-truncated\.safetensors: safetensors/],
    ['not a model file', () => ['info', file('not-a-model.safetensors')], /not-a-model\.safetensors/],
    ['missing x file', () => ['predict', MODEL, '--x', file('nope.csv')], /cannot read x file .*no such file/],
    ['x with wrong column count', () => ['predict', MODEL, '--x', file('x-2cols.csv')], /has 2 columns, but the model has 1 input/],
    ['NaN in x', () => ['predict', MODEL, '--x', file('x-nan.csv')], /line 3 column 1: 'NaN' is not a finite number/],
    ['text in x', () => ['predict', MODEL, '--x', file('x-text.csv')], /line 3 column 1: 'abc' is not a finite number/],
    ['ragged CSV', () => ['predict', MODEL, '--x', file('x-ragged.csv')], /line 2: 2 values, but line 1 has 1/],
    ['x beyond float32 (CSV)', () => ['predict', MODEL, '--x', file('x-overflow.csv')], /x-overflow\.csv' line 3 column 1: '1e39' is beyond float32's range/],
    ['x beyond float32 (JSON)', () => ['predict', MODEL, '--x', file('x-overflow.json')], /x-overflow\.json' row 1 column 0: -1e\+39 is beyond float32's range/],
    ['binary x', () => ['predict', MODEL, '--x', file('x-binary.csv')], /x-binary\.csv' holds NUL bytes: it is binary, not a CSV or JSON table/],
    ['CSV without rows', () => ['predict', MODEL, '--x', file('x-empty.csv')], /has no data rows/],
    ['bad JSON', () => ['predict', MODEL, '--x', file('x-bad.json')], /is not valid JSON/],
    ['y rows mismatch', () => ['predict', MODEL, '--x', file('x.csv'), '--y', file('y-short.csv')], /has 11 rows, but x has 12/],
    ['samples=0', () => ['predict', MODEL, '--x', file('x.csv'), '--samples', '0'], /--samples must be an integer from 1/],
    ['samples=abc', () => ['predict', MODEL, '--x', file('x.csv'), '--samples', 'abc'], /--samples must be an integer from 1 .* got 'abc'/],
    ['samples=1.5', () => ['predict', MODEL, '--x', file('x.csv'), '--samples=1.5'], /--samples must be an integer/],
    ['negative seed', () => ['predict', MODEL, '--x', file('x.csv'), '--seed=-1'], /--seed must be an integer from 0/],
    ['level out of range', () => ['predict', MODEL, '--x', file('x.csv'), '--level', '1.5'], /--level must be a number between 0 and 1/],
    ['unknown path', () => ['predict', MODEL, '--x', file('x.csv'), '--path', 'sideways'], /--path must be 'auto', 'joint' or 'marginal'/],
    [
      'unknown kernel',
      () => ['predict', MODEL, '--x', file('x.csv'), '--kernel', 'magic'],
      /--kernel must be 'auto', 'fused', 'tiled', 'registers', 'materialized', 'lanes', 'subgroups', 'network' or 'calibrate'/,
    ],
    ['score without --point', () => ['score', MODEL, '--x', file('x.csv'), '--y', file('y.json')], /--point <file> is required/],
    ['score with a bad point file', () => ['score', MODEL, '--point', file('x.csv'), '--x', file('x.csv'), '--y', file('y.json')], /x\.csv: safetensors/],
    ['score without y', () => ['score', MODEL, '--point', MODEL, '--x', file('x.csv')], /--y <file> is required/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await cli(argv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^webgpu-bnn: /);
    expect(lines[0]).toMatch(message);
  });

  it('no adapter (GPU_UNAVAILABLE) is a user-facing error too', async () => {
    const r = await cli(['predict', MODEL, '--x', file('x.csv')], {
      context: () => Promise.reject(new GpuUnavailableError('no WebGPU adapter was found.\nInstall a driver.')),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('webgpu-bnn: no WebGPU adapter was found. Install a driver.\n');
  });
});

describe('internal errors: exit 1, one line; the stack only with DEBUG=webgpu-bnn', () => {
  it('one line without DEBUG', async () => {
    const r = await cli(['predict', MODEL, '--x', file('x.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^webgpu-bnn: internal error: Error: the GPU context was requested/);
  });

  it('the stack with DEBUG=webgpu-bnn', async () => {
    const r = await cli(['predict', MODEL, '--x', file('x.csv')], { env: { DEBUG: 'webgpu-bnn' } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').length).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('help and info (no GPU)', () => {
  it.each(['predict', 'score', 'info', 'demo'])('%s --help', async (command) => {
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: webgpu-bnn ${command}`);
  });

  it('--help lists the commands', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['predict', 'score', 'info', 'demo']) expect(r.stdout).toContain(`  ${c}`);
  });

  it('--help wins over other mistakes on the line', async () => {
    expect((await cli(['predict', '--bogus', '--help'])).code).toBe(0);
  });

  it('info describes the Pyro export', async () => {
    const r = await cli(['info', MODEL]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 -> 32 relu -> 32 relu -> 1');
    expect(r.stdout).toContain('1153 weights and biases + sigma');
    for (const site of ['0.weight', '1.bias', 'layers.2.weight', 'sigma']) expect(r.stdout).toContain(site);
    const j = JSON.parse((await cli(['info', MODEL, '--json'])).stdout) as { parameters: { network: number; latent: number } };
    expect(j.parameters).toMatchObject({ network: 1153, latent: 1154 });
  });
});

describe('table files', () => {
  it('CSV: header, commas or whitespace, comments and blank lines', () => {
    const t = parseTable('# inputs\na, b\n1, 2\n\n3 4\n', 'test');
    expect(t.header).toEqual(['a', 'b']);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    expect(parseTable('1e-3\t-2\n', 'test')).toMatchObject({ rows: 1, cols: 2, header: null });
  });

  it('JSON: rows, or a flat array as one column', () => {
    expect(parseTable('[[1, 2], [3, 4]]', 'test')).toMatchObject({ rows: 2, cols: 2 });
    expect(parseTable('[1, 2, 3]', 'test')).toMatchObject({ rows: 3, cols: 1 });
    expect(() => parseTable('[[1, 2], [3]]', 'test')).toThrow(/row 1 has 1 values/);
    expect(() => parseTable('[[1], 2]', 'test')).toThrow(/row 1 is not an array/);
  });
});

describeGpu('on the GPU', () => {
  const model = modelFromBytes(readFileSync(MODEL));

  it('predict --json: every array of length N, finite, matching the float64 oracle', async () => {
    const S = 200;
    const seed = 3;
    const r = await cli(['predict', MODEL, '--x', file('x.csv'), '--y', file('y.json'), '--samples', String(S), '--seed', String(seed), '--json'], withGpu());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ n: N, outputDim: 1, samples: S, seed, path: 'joint', kernel: 'auto', intervalLevel: 0.9 });
    // 'auto' resolved per layer: on this CPU adapter materialised weights, which a model this narrow runs in the network kernel (kernel-choice.ts).
    expect(j['kernels']).toEqual(model.spec.layers.map(() => 'network'));
    expect(j['adapter']).toHaveProperty('description');
    for (const key of ['mean', 'std', 'epistemicStd', 'aleatoricStd', 'lower', 'upper', 'logPredictiveDensity']) {
      const a = j[key] as number[];
      expect(a, key).toHaveLength(N);
      expect(a.every(Number.isFinite), key).toBe(true);
    }
    expect(j['sampleLogLikelihood']).toHaveLength(S);
    const timing = j['timing'] as { predictMs: number; sampleInputsPerSecond: number };
    expect(timing.predictMs).toBeGreaterThan(0);
    expect(timing.sampleInputsPerSecond).toBeGreaterThan(0);

    // Same seed, same random streams: the oracle reproduces the GPU's statistics.
    const o = oraclePredict(model, X, { samples: S, seed, y: Y });
    const close = (got: number[], want: ArrayLike<number>, tol: number) =>
      got.forEach((g, i) => expect(Math.abs(g - (want[i] ?? NaN)), `index ${i}`).toBeLessThan(tol * (1 + Math.abs(want[i] ?? 0))));
    close(j['mean'] as number[], o.mean, 1e-3);
    close(j['std'] as number[], o.std, 1e-3);
    close(j['logPredictiveDensity'] as number[], o.logPredictiveDensity ?? [], 1e-3);
    const mean = j['mean'] as number[];
    const std = j['std'] as number[];
    (j['lower'] as number[]).forEach((lo, i) => expect(lo).toBeLessThan(mean[i] ?? NaN));
    (j['upper'] as number[]).forEach((hi, i) => expect(hi).toBeGreaterThan(mean[i] ?? NaN));
    (j['epistemicStd'] as number[]).forEach((e, i) => expect(e).toBeLessThanOrEqual((std[i] ?? 0) * (1 + 1e-6)));
  });

  it('predict prints a table with one row per input', async () => {
    const r = await cli(['predict', MODEL, '--x', file('x-rows.json'), '--samples', '50', '--path', 'marginal'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#\s+x\s+mean\s+std\s+epistemic\s+aleatoric\s+90% lower\s+90% upper/);
    const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+-?\d/.test(l));
    expect(rows).toHaveLength(N);
    expect(r.stdout).toContain('sample-inputs/s');
  });

  it('score --json prints exactly the sites and log_joint, matching the oracle', async () => {
    const r = await cli(['score', MODEL, '--point', MODEL, '--x', file('x.csv'), '--y', file('y.json'), '--json'], withGpu());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { sites: Record<string, number>; log_joint: number };
    expect(Object.keys(j)).toEqual(['sites', 'log_joint']);
    const point = pointFromBytes(readFileSync(MODEL), model);
    const want = oracleScore(model, point, X, Y);
    expect(Object.keys(j.sites).sort()).toEqual(Object.keys(want.sites).sort());
    expect(Object.keys(j.sites)).toEqual(expect.arrayContaining(['0.weight', 'layers.2.bias', 'sigma', 'obs']));
    for (const [site, lp] of Object.entries(want.sites)) {
      expect(Math.abs((j.sites[site] ?? NaN) - lp), site).toBeLessThanOrEqual(1e-4 * Math.abs(lp));
    }
    expect(Math.abs(j.log_joint - want.logJoint)).toBeLessThanOrEqual(1e-4 * Math.abs(want.logJoint));
  });

  it('score without --json prints a table ending in the log joint', async () => {
    const r = await cli(['score', MODEL, '--point', MODEL, '--x', file('x.csv'), '--y', file('y.json')], withGpu());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/obs\s+likelihood\s+-?\d/);
    expect(r.stdout).toMatch(/log joint\s+-?\d/);
  });

  it('demo finds its model and grid from the package, not the working directory', async () => {
    const r = await cli(['demo', '--samples', '100'], withGpu());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('models/toy1d-ensemble.safetensors');
    expect(r.stdout).toMatch(/throughput:\s+\S+ .*samples x inputs per second/);
    const rows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+-?\d/.test(l));
    expect(rows).toHaveLength(25);
    // The shipped ensemble was trained on x in [-2, -0.5] and [0.5, 2]: its std grows in the gap and beyond.
    const std = (x: string) =>
      Number(
        rows
          .find((l) => l.trim().split(/\s+/)[1] === x)
          ?.trim()
          .split(/\s+/)[3],
      );
    expect(std('0.0000')).toBeGreaterThan(2 * std('-1.0000'));
    expect(std('-3.0000')).toBeGreaterThan(2 * std('-1.0000'));
    expect(std('3.0000')).toBeGreaterThan(2 * std('1.0000'));
  });

  it('demo --model pyro-toy1d samples the Pyro export; the ensemble takes S in multiples of its members', async () => {
    const r = await cli(['demo', '--model', 'pyro-toy1d', '--samples', '100'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('models/pyro-toy1d.safetensors');
    expect(r.stdout).toContain('100 (seed 0)');
    const refused = await cli(['demo', '--samples', '7'], withGpu());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^webgpu-bnn: demo: --samples 7: an ensemble of 5 members takes a multiple of 5/);
  });

  it('the borrowed context stays usable after the commands', () => {
    expect(() => gpu?.assertHealthy()).not.toThrow();
  });
});
