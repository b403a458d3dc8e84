/**
 * `webgpu-bnn predict` as a user chains it with `train`: the training CSV with --target, the
 * output formats (table, csv, json), exact quantiles, results alone on stdout, and the mistakes
 * (exit 2, one line, before the GPU).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { modelToBytes } from '../../src/model/format.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);
const model = buildModel({ inputDim: 2, units: [6, 1], noise: { kind: 'lognormal', site: 'sigma' }, seed: 12 });
const rows = [
  [0.5, -1, 0.2],
  [1.5, 0.25, -0.4],
  [-0.75, 2, 1.1],
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-predict-'));
  await writeFile(file('m.safetensors'), modelToBytes(model));
  // The training layout: a header, the target among the inputs.
  await writeFile(file('data.csv'), 'a,y,b\n' + rows.map(([a, y, b]) => `${a},${y},${b}`).join('\n') + '\n');
  await writeFile(file('x.csv'), 'a,b\n' + rows.map(([a, , b]) => `${a},${b}`).join('\n') + '\n');
  await writeFile(file('y.csv'), rows.map(([, y]) => String(y)).join('\n') + '\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('predict: mistakes exit 2 with one line, before the GPU', () => {
  it.each([
    [['--target', 'y', '--y', 'y.csv'], /either as --y <file> or as --target <column>/],
    [['--target', 'z'], /--target 'z' is not a column of x file .*columns: a, y, b/],
    [['--output', 'xml'], /--output must be table, csv or json, got 'xml'/],
    [['--output', 'csv', '--json'], /--json and --output csv disagree/],
    [['--quantiles', '0.5,1'], /--quantiles must be levels in \(0, 1\)/],
    [['--quantiles', ''], /--quantiles must be levels in \(0, 1\)/],
  ])('%j', async (extra, message) => {
    const argv = ['predict', file('m.safetensors'), '--x', file('data.csv'), ...extra.map((a) => (a.endsWith('.csv') ? file(a) : a))];
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describeGpu('predict on the GPU', () => {
  it('--target reads the training CSV: the same numbers as --x and --y files', async () => {
    const common = ['--samples', '64', '--seed', '3', '--json'];
    const byTarget = await cli(['predict', file('m.safetensors'), '--x', file('data.csv'), '--target', 'y', ...common], withGpu());
    const byFiles = await cli(['predict', file('m.safetensors'), '--x', file('x.csv'), '--y', file('y.csv'), ...common], withGpu());
    expect(byTarget.code).toBe(0);
    expect(byTarget.stderr).toBe('');
    const a = JSON.parse(byTarget.stdout) as Record<string, number[]>;
    const b = JSON.parse(byFiles.stdout) as Record<string, number[]>;
    for (const key of ['mean', 'std', 'logPredictiveDensity']) expect(a[key], key).toEqual(b[key]);
  });

  it('--output csv: a header and one line per input with x, the statistics, quantiles and the density', async () => {
    const r = await cli(['predict', file('m.safetensors'), '--x', file('data.csv'), '--target', 'y', '--samples', '40', '--quantiles', '0.05,0.95', '--output', 'csv'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('a,b,mean,std,epistemic_std,aleatoric_std,lower,upper,q0.05,q0.95,log_predictive_density');
    expect(lines).toHaveLength(4);
    const engine = Engine.create(gpu!, model);
    const want = await engine.predict(
      rows.map(([a, , b]) => [a!, b!]),
      { samples: 40, quantiles: [0.05, 0.95], y: rows.map(([, y]) => [y!]) },
    );
    engine.dispose();
    lines.slice(1).forEach((line, n) => {
      const cells = line.split(',').map(Number);
      expect(cells.slice(0, 2)).toEqual([rows[n]![0], rows[n]![2]]);
      expect(Math.fround(cells[2]!)).toBe(want.mean[n]);
      expect(Math.fround(cells[8]!)).toBe(want.quantiles![n]);
      expect(Math.fround(cells[9]!)).toBe(want.quantiles![3 + n]);
      expect(Math.fround(cells[10]!)).toBe(want.logPredictiveDensity![n]);
    });
  });

  it('the table shows the quantile columns; --json carries them', async () => {
    const table = await cli(['predict', file('m.safetensors'), '--x', file('x.csv'), '--samples', '40', '--quantiles', '0.1,0.9'], withGpu());
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/q 10%\s+q 90%/);
    const json = await cli(['predict', file('m.safetensors'), '--x', file('x.csv'), '--samples', '40', '--quantiles', '0.1,0.9', '--json'], withGpu());
    const j = JSON.parse(json.stdout) as { quantileLevels: number[]; quantiles: number[] };
    expect(j.quantileLevels).toEqual([0.1, 0.9]);
    expect(j.quantiles).toHaveLength(6);
    expect(j.quantiles.slice(0, 3).every((q, i) => q < j.quantiles[3 + i]!)).toBe(true);
  });
});
