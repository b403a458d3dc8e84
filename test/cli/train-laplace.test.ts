/**
 * `webgpu-bnn train --method laplace`: its flags' mistakes (exit 2, one line, before the GPU), and on
 * the GPU one small run per structure: 'diagonal' writes one model with normal posteriors,
 * 'last-layer' an ensemble file of --samples draws, and the JSON summary carries the posterior's
 * prior precision, σ and log evidence. `--posterior-out` writes the posterior itself, and `predict`
 * of that file gives the linearised predictive (closed form, no sampling flags).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensembleFromBytes } from '../../src/model/ensemble-file.js';
import { modelFromBytes } from '../../src/model/format.js';
import { laplaceFitFromBytes, linearizedPredict } from '../../src/laplace/index.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-laplace-'));
  const rand = testRng(9);
  const lines = ['a,b,y'];
  for (let i = 0; i < 40; i++) {
    const a = 4 * rand() - 2;
    const b = 2 * rand() - 1;
    lines.push(`${a},${b},${1 + Math.sin(a) + b / 2 + 0.1 * (rand() - 0.5)}`);
  }
  await writeFile(file('data.csv'), lines.join('\n') + '\n');
  await writeFile(file('labels.csv'), 'a,c\n0.1,0\n0.2,1\n0.3,0\n0.4,1\n');
  await writeFile(file('props.csv'), 'a,p\n0.1,0.2\n0.2,0.4\n0.3,0.5\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = () => [
  'train',
  '--data',
  file('data.csv'),
  '--target',
  'y',
  '--method',
  'laplace',
  '--hidden',
  '6',
  '--epochs',
  '5',
  '--batch-size',
  '10',
  '--out',
  file('l.safetensors'),
];

describe('train --method laplace: mistakes exit 2 with one line, before the GPU', () => {
  it.each([
    ['unknown structure', () => ['--structure', 'kron'], /--structure must be one of last-layer, diagonal, kfac, got 'kron'/],
    ['bad prior precision', () => ['--prior-precision=-2'], /--prior-precision must be a positive number or 'marglik', got '-2'/],
    ['samples 0', () => ['--samples', '0'], /--samples must be an integer from 1/],
    ['samples with diagonal', () => ['--structure', 'diagonal', '--samples', '5'], /--samples applies to --structure last-layer and kfac/],
    [
      'a likelihood without curvature',
      () => ['--data', file('props.csv'), '--target', 'p', '--likelihood', 'beta'],
      /supports the normal, categorical, bernoulli likelihoods, not 'beta'/,
    ],
  ] as const)('%s', async (_name, extra, message) => {
    const r = await cli([...base(), ...extra()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  it.each([
    [
      '--posterior-out with a classifier',
      () => ['--data', file('labels.csv'), '--target', 'c', '--likelihood', 'categorical', '--posterior-out', file('p.safetensors')],
      /--posterior-out holds a normal likelihood's Laplace posterior \(regression\), not --likelihood categorical/,
    ],
    ['--posterior-out the same file as --out', () => ['--posterior-out', file('l.safetensors')], /--posterior-out and --out name the same file/],
    ['--posterior-out in a missing folder', () => ['--posterior-out', file('nowhere/p.safetensors')], /nowhere/],
  ] as const)('%s', async (_name, extra, message) => {
    const r = await cli([...base(), ...extra()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  it('laplace flags on another method', async () => {
    const r = await cli(['train', '--data', file('data.csv'), '--target', 'y', '--method', 'map', '--structure', 'diagonal', '--out', file('m.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--structure does not apply to --method map/);
    const p = await cli(['train', '--data', file('data.csv'), '--target', 'y', '--method', 'map', '--posterior-out', file('p.safetensors'), '--out', file('m.safetensors')]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--posterior-out does not apply to --method map/);
  });
});

describeGpu('train --method laplace on the GPU (40 rows, 5 epochs)', () => {
  it('diagonal: one model with normal posteriors; the summary has the tuned prior precision and σ', async () => {
    const r = await cli([...base(), '--structure', 'diagonal', '--json'], withGpu());
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      method: string;
      laplace: { structure: string; samples: number; priorPrecision: number; priorPrecisionTuned: boolean; sigma: number; logEvidence: number };
    };
    expect(summary.method).toBe('laplace');
    expect(summary.laplace).toMatchObject({ structure: 'diagonal', samples: 1, priorPrecisionTuned: true });
    expect(summary.laplace.priorPrecision).toBeGreaterThan(0);
    expect(summary.laplace.sigma).toBeGreaterThan(0);
    expect(Number.isFinite(summary.laplace.logEvidence)).toBe(true);
    const model = modelFromBytes(readFileSync(file('l.safetensors')));
    expect(model.spec.layers.map((l) => l.weight.posterior)).toEqual(['normal', 'normal']);
  });

  it('last-layer with a fixed prior precision: an ensemble file of the draws', async () => {
    const r = await cli([...base(), '--samples', '6', '--prior-precision', '2'], withGpu());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\(laplace last-layer, 6 draws, prior precision 2\.000, log evidence -?\d/);
    const members = ensembleFromBytes(readFileSync(file('l.safetensors')));
    expect(members).toHaveLength(6);
    // The draws share the hidden layer (θ*) and differ in the last one.
    expect(Array.from(members[1]!.tensors.get('layers.0.weight.loc')!.data)).toEqual(Array.from(members[0]!.tensors.get('layers.0.weight.loc')!.data));
    expect(Array.from(members[1]!.tensors.get('layers.1.weight.loc')!.data)).not.toEqual(Array.from(members[0]!.tensors.get('layers.1.weight.loc')!.data));
    expect(members[0]!.spec.layers[1]!.weight.prior.scale).toBeCloseTo(1 / Math.sqrt(2), 6);
  });

  it('kfac with --posterior-out: predict of the posterior file is the linearised predictive; sampling flags are refused', async () => {
    const r = await cli([...base(), '--structure', 'kfac', '--samples', '3', '--posterior-out', file('post.safetensors'), '--json'], withGpu());
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { laplace: { posteriorOut: string } }).laplace.posteriorOut).toBe(file('post.safetensors'));
    const fit = laplaceFitFromBytes(readFileSync(file('post.safetensors')));
    expect(fit.posterior.structure).toBe('kfac');
    // Closed form on the host: no GPU flags needed.
    const p = await cli(['predict', file('post.safetensors'), '--x', file('data.csv'), '--target', 'y', '--json']);
    expect(p.code, p.stderr).toBe(0);
    const doc = JSON.parse(p.stdout) as {
      predictive: string;
      n: number;
      mean: number[];
      std: number[];
      epistemicStd: number[];
      meanLogPredictiveDensity: number;
      posterior: { structure: string };
    };
    expect(doc.predictive).toBe('linearized');
    expect(doc.posterior.structure).toBe('kfac');
    expect(doc.n).toBe(40);
    // The CLI's numbers are linearizedPredict's on the file's posterior (raw units, float32 in JSON).
    const rows = readFileSync(file('data.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const want = linearizedPredict(
      fit,
      rows.map((r) => [r[0]!, r[1]!]),
      rows.map((r) => r[2]!),
    );
    doc.mean.forEach((m, i) => expect(Math.abs(m - want.mean[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want.mean[i]!))));
    doc.std.forEach((s, i) => expect(Math.abs(s - want.std[i]!)).toBeLessThanOrEqual(1e-6 * (1 + want.std[i]!)));
    expect(Math.min(...doc.epistemicStd)).toBeGreaterThan(0);
    const lpd = want.logPredictiveDensity!.reduce((s, v) => s + v, 0) / 40;
    expect(Math.abs(doc.meanLogPredictiveDensity - lpd)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(lpd)));
    const table = await cli(['predict', file('post.safetensors'), '--x', file('data.csv'), '--target', 'y']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/laplace kfac, prior precision/);
    expect(table.stdout).toMatch(/linearised \(GLM\)/);
    expect(table.stdout).toMatch(/mean log predictive density/);
    const bad = await cli(['predict', file('post.safetensors'), '--x', file('data.csv'), '--target', 'y', '--samples', '10']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--samples does not apply to a Laplace posterior file/);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
