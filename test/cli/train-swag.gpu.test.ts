/**
 * `webgpu-bnn train --method swag`: the low-rank variant writes its draws as one ensemble file that
 * predict reads as the mixture; --swag-variant diagonal writes one mean-field model.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensembleFromBytes } from '../../src/model/ensemble-file.js';
import { modelFromBytes } from '../../src/model/format.js';
import { expectScaleLikelihood } from '../../src/model/spec.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-swag-'));
  const rand = testRng(3);
  const lines = ['a,b,y'];
  for (let i = 0; i < 40; i++) {
    const a = 4 * rand() - 2;
    const b = 2 * rand() - 1;
    lines.push(`${a},${b},${3 + 2 * Math.sin(a) + b / 2 + 0.1 * (rand() - 0.5)}`);
  }
  await writeFile(file('data.csv'), lines.join('\n') + '\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const argv = (out: string) => ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'swag', '--hidden', '8', '--epochs', '5', '--batch-size', '10', '--out', out];

describeGpu('train --method swag', () => {
  it('low-rank: the draws go into one ensemble file that predict reads as the mixture', async () => {
    const out = file('swag.safetensors');
    const r = await cli([...argv(out), '--lr', '0.01', '--swa-epochs', '3', '--swa-lr', '0.001', '--swag-samples', '4', '--json'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/^training swag, 2-8-1 relu, .*; then SWA: SGD lr 0\.001 for 3 epochs, rank 20, 4 draws; adapter/);
    const summary = JSON.parse(r.stdout) as { members: number; lossHistory: number[]; swag: { swaEpochs: number; samples: number; scale: number } };
    expect(summary.members).toBe(4);
    expect(summary.lossHistory).toHaveLength(8);
    expect(summary.swag).toMatchObject({ swaEpochs: 3, samples: 4, scale: 1 });
    const members = ensembleFromBytes(readFileSync(out));
    expect(members).toHaveLength(4);
    expect(members.every((m) => m.spec.layers.every((l) => l.weight.posterior === 'delta'))).toBe(true);
    // Distinct draws: the members' noise scales (exp of each draw's log σ) differ.
    const sigmas = members.map((m) => expectScaleLikelihood(m.spec).noise).map((n) => (n.kind === 'fixed' ? n.sigma : NaN));
    expect(new Set(sigmas).size).toBe(4);
    const p = await cli(['predict', out, '--x', file('data.csv'), '--target', 'y', '--output', 'json'], withGpu());
    expect(p.code).toBe(0);
    const mean = (JSON.parse(p.stdout) as { mean: number[] }).mean;
    expect(mean).toHaveLength(40);
    expect(mean.every(Number.isFinite)).toBe(true);
  });

  it('diagonal: one model with normal posteriors and a LogNormal noise posterior', async () => {
    const out = file('swag-diag.safetensors');
    const r = await cli([...argv(out), '--swa-epochs', '3', '--swag-variant', 'diagonal'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*swag-diag\.safetensors: trained in/);
    const model = modelFromBytes(readFileSync(out));
    expect(model.spec.layers.every((l) => l.weight.posterior === 'normal')).toBe(true);
    expect(expectScaleLikelihood(model.spec).noise.kind).toBe('lognormal');
  });
});
