/**
 * `webgpu-bnn train --method laplace`: its flags' mistakes (exit 2, one line, before the GPU), and on
 * the GPU one small run per structure: 'diagonal' writes one model with normal posteriors,
 * 'last-layer' an ensemble file of --samples draws, and the JSON summary carries the posterior's
 * prior precision, σ and log evidence.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensembleFromBytes } from '../../src/model/ensemble-file.js';
import { modelFromBytes } from '../../src/model/format.js';
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
  it('laplace flags on another method', async () => {
    const r = await cli(['train', '--data', file('data.csv'), '--target', 'y', '--method', 'map', '--structure', 'diagonal', '--out', file('m.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--structure does not apply to --method map/);
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
});
