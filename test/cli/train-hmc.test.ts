/**
 * `webgpu-bnn train --method hmc`: the sampler's flags and their mistakes (exit 2, one line, before
 * the GPU), and a small real run (60 rows) whose ensemble file holds chains x samples point
 * networks that the engine predicts as a mixture, with the diagnostics on standard error and in
 * the JSON summary.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { ensembleFromBytes } from '../../src/model/ensemble-file.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bnn-train-hmc-'));
  const rand = testRng(3);
  const lines = ['a,b,y'];
  for (let i = 0; i < 60; i++) {
    const a = 4 * rand() - 2;
    const b = 2 * rand() - 1;
    lines.push(`${a},${b},${3 + 2 * Math.sin(a) + b / 2 + 0.1 * (rand() - 0.5)}`);
  }
  await writeFile(file('data.csv'), lines.join('\n') + '\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = () => ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'hmc', '--out', file('h.safetensors')];

describe('train --method hmc: mistakes exit 2 with one line', () => {
  it.each([
    ['a sampler flag on another method', ['--method', 'map', '--chains', '2'], /--chains does not apply to --method map/],
    ['an hmc-only flag on sgmcmc', ['--method', 'sgmcmc', '--warmup', '2'], /--warmup does not apply to --method sgmcmc/],
    ['--batch-size', ['--batch-size', '8'], /--batch-size does not apply to --method hmc/],
    ['--leapfrog-steps 0', ['--leapfrog-steps', '0'], /--leapfrog-steps must be an integer from 1/],
    ['--target-accept 1', ['--target-accept', '1'], /--target-accept must be a number strictly between 0 and 1/],
    ['--step-size 0', ['--step-size', '0'], /--step-size must be a positive number/],
    ['--nuts with --leapfrog-steps', ['--nuts', '--leapfrog-steps', '5'], /--leapfrog-steps does not apply with --nuts/],
    ['--max-tree-depth without --nuts', ['--max-tree-depth', '5'], /--max-tree-depth applies with --nuts/],
    ['--max-tree-depth beyond the limit', ['--nuts', '--max-tree-depth', '13'], /--max-tree-depth must be an integer from 1 to 12/],
    ['--nuts on another method', ['--method', 'map', '--nuts'], /--nuts does not apply to --method map/],
    ['more samples than an ensemble file holds', ['--chains', '8', '--samples', '200'], /8 x .*1600 samples; an ensemble file holds at most 1024/],
  ])('%s', async (_, extra, message) => {
    const r = await cli([...base(), ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describeGpu('train --method hmc on the GPU', () => {
  it('writes chains x samples point networks, prints the diagnostics, and the file predicts as a mixture', async () => {
    const out = file('h.safetensors');
    const args = [...base(), '--hidden', '4', '--activation', 'tanh', '--epochs', '30', '--chains', '2', '--warmup', '30', '--samples', '8', '--leapfrog-steps', '5', '--json'];
    const r = await cli(args, withGpu());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^training hmc, 2-4-1 tanh, on 60 rows .*2 chains x \(30 warm-up \+ 8 kept\) transitions of 5 leapfrog steps after 30 full-batch MAP steps/,
    );
    expect(r.stderr).toMatch(/chain 1: acceptance [0-9.]+ \(mean probability [0-9.]+\), step size [0-9.e-]+, divergences \d+ \(warm-up \d+\)\n/);
    expect(r.stderr).toMatch(/chains 0,1: potential R-hat [0-9.]+ ESS \d+, log sigma R-hat/);
    const summary = JSON.parse(r.stdout) as { samples: number; mcmc: { chains: { stepSize: number }[]; posteriors: { probes: unknown[] }[] } };
    expect(summary.samples).toBe(16);
    expect(summary.mcmc.chains).toHaveLength(2);
    expect(summary.mcmc.posteriors[0]!.probes).toHaveLength(3);
    const members = ensembleFromBytes(readFileSync(out));
    expect(members).toHaveLength(16);
    expect(members.every((m) => m.spec.layers.every((l) => l.weight.posterior === 'delta'))).toBe(true);
    const engine = Engine.create(gpu!, members);
    const got = await engine.predict([[0.5, 0]], { samples: 16, seed: 1 });
    engine.dispose();
    // y = 3 + 2 sin(0.5) ≈ 3.96 at (0.5, 0): a few dozen full-batch steps and samples land near it.
    expect(Math.abs(got.mean[0]! - (3 + 2 * Math.sin(0.5)))).toBeLessThan(0.5);
  });

  it('--nuts: the No-U-Turn sampler, its tree depth in the diagnostics', async () => {
    const out = file('n.safetensors');
    const args = [
      'train',
      '--data',
      file('data.csv'),
      '--target',
      'y',
      '--method',
      'hmc',
      '--out',
      out,
      '--hidden',
      '4',
      '--activation',
      'tanh',
      '--epochs',
      '30',
      '--chains',
      '2',
      '--warmup',
      '10',
      '--samples',
      '4',
      '--nuts',
      '--max-tree-depth',
      '4',
      '--json',
    ];
    const r = await cli(args, withGpu());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/2 chains x \(10 warm-up \+ 4 kept\) transitions of NUTS \(tree depth at most 4\) after 30 full-batch MAP steps/);
    expect(r.stderr).toMatch(
      /chain 1: moved [0-9.]+ \(mean probability [0-9.]+\), step size [0-9.e-]+, divergences \d+ \(warm-up \d+\), tree depth [1-4]\.\d \([0-9.]+ leapfrog steps, \d+ at the limit\)/,
    );
    const summary = JSON.parse(r.stdout) as { samples: number; mcmc: { chains: { tree: { meanDepth: number } }[] } };
    expect(summary.samples).toBe(8);
    expect(summary.mcmc.chains[0]!.tree.meanDepth).toBeGreaterThanOrEqual(1);
    expect(ensembleFromBytes(readFileSync(out))).toHaveLength(8);
  });
});
