/**
 * `webgpu-bnn predict` and `info` for classifiers: the JSON fields the issue names (probs as N rows,
 * entropy, expectedEntropy, mutualInformation, metrics with y), the same numbers as the library,
 * the table and CSV, the blobs3 Pyro export, and bad labels (exit 2, one line).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { modelToBytes, modelFromBytes } from '../../src/model/format.js';
import type { Model } from '../../src/model/spec.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { buildModel } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);
const base = buildModel({ inputDim: 2, units: [6, 3], seed: 14, scale: 0.5 });
const model: Model = { spec: { ...base.spec, likelihood: { kind: 'categorical', classes: 3 } }, tensors: base.tensors };
const bernoulliBase = buildModel({ inputDim: 2, units: [5, 1], seed: 15 });
const bernoulli: Model = { spec: { ...bernoulliBase.spec, likelihood: { kind: 'bernoulli' } }, tensors: bernoulliBase.tensors };
const x = [
  [0.5, -1],
  [1.5, 0.25],
  [-0.75, 2],
  [0.1, 0.1],
];
const labels = [0, 2, 1, 2];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-classify-'));
  await writeFile(file('c.safetensors'), modelToBytes(model));
  await writeFile(file('b.safetensors'), modelToBytes(bernoulli));
  await writeFile(file('x.csv'), x.map((r) => r.join(',')).join('\n') + '\n');
  await writeFile(file('y.csv'), labels.join('\n') + '\n');
  await writeFile(file('y-bad.csv'), '0\n3\n1\n2\n');
  await writeFile(file('y-frac.csv'), '0\n1\n0.5\n2\n');
  await writeFile(file('y-bern.csv'), '0\n1\n2\n1\n');
  await writeFile(file('y-two.csv'), labels.map((l) => `${l},0`).join('\n') + '\n');
  const betaBase = buildModel({ inputDim: 2, units: [5, 2], seed: 16 });
  await writeFile(file('beta.safetensors'), modelToBytes({ spec: { ...betaBase.spec, likelihood: { kind: 'beta', minConcentration: 0.01 } }, tensors: betaBase.tensors }));
  await writeFile(file('y-beta.csv'), '0.5\n1\n0.2\n0.3\n');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('classifier model files and info', () => {
  it('round-trip every likelihood kind through our format', () => {
    const kinds = [
      { kind: 'categorical', classes: 3 },
      { kind: 'bernoulli' },
      { kind: 'dirichlet', classes: 3, minConcentration: 1e-3 },
      { kind: 'beta', minConcentration: 0.01 },
      { kind: 'student-t', noise: { kind: 'fixed', sigma: 0.5 }, link: 'sigma', sigmaPrior: null, df: 4 },
    ] as const;
    for (const likelihood of kinds) {
      const units = likelihood.kind === 'beta' ? [6, 2] : likelihood.kind === 'student-t' ? [6, 1] : likelihood.kind === 'bernoulli' ? [6, 2] : [6, 3];
      const b = buildModel({ inputDim: 2, units, seed: 3 });
      const m: Model = { spec: { ...b.spec, likelihood }, tensors: b.tensors };
      const back = modelFromBytes(modelToBytes(m));
      expect(back.spec.likelihood).toEqual(likelihood);
      expect([...back.tensors.keys()].sort()).toEqual([...m.tensors.keys()].sort());
    }
  });

  it('info describes the likelihood', async () => {
    const r = await cli(['info', file('c.safetensors')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/likelihood:\s+y ~ Categorical\(softmax\(f\(x\)\)\) over 3 classes/);
    expect(r.stdout).not.toMatch(/noise:/);
    const b = await cli(['info', file('b.safetensors')]);
    expect(b.stdout).toMatch(/Bernoulli\(sigmoid/);
    const pyro = await cli(['info', new URL('../fixtures/pyro/blobs3.safetensors', import.meta.url).pathname]);
    expect(pyro.code).toBe(0);
    expect(pyro.stdout).toMatch(/over 3 classes/);
  });
});

describe('predict: bad labels exit 2 with one line, before the GPU', () => {
  it.each([
    ['c.safetensors', 'y-bad.csv', /y row 1 is 3: a categorical model's y is a class index, an integer in 0\.\.2/],
    ['c.safetensors', 'y-frac.csv', /y row 2 is 0\.5/],
    ['c.safetensors', 'y-two.csv', /y file .* has 2 columns/],
    ['b.safetensors', 'y-bern.csv', /y row 2 is 2: a bernoulli model's y is a label, 0 or 1/],
    ['beta.safetensors', 'y-beta.csv', /y row 1 is 1: a beta model's y lies strictly between 0 and 1/],
  ])('%s with %s', async (m, y, message) => {
    const r = await cli(['predict', file(m), '--x', file('x.csv'), '--y', file(y), '--samples', '4']);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describeGpu('predict a classifier on the GPU', () => {
  it('--json has probs rows, the entropies, mutual information and metrics, as the library', async () => {
    const r = await cli(['predict', file('c.safetensors'), '--x', file('x.csv'), '--y', file('y.csv'), '--samples', '64', '--seed', '2', '--json'], withGpu());
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { probs: number[][]; metrics: Record<string, number> };
    const engine = Engine.create(gpu!, model);
    const want = await engine.predict(x, { samples: 64, seed: 2, y: labels });
    engine.dispose();
    expect(doc.probs).toHaveLength(4);
    // The JSON numbers are the shortest decimals of the float32 results: they read back exactly.
    expect(doc.probs.flat().map(Math.fround)).toEqual(Array.from(want.probs!));
    for (const key of ['entropy', 'expectedEntropy', 'mutualInformation', 'variationRatio'] as const) {
      expect((doc[key] as number[]).map(Math.fround)).toEqual(Array.from(want[key]!));
    }
    for (const key of ['accuracy', 'nll', 'brier', 'ece'] as const) expect(doc.metrics[key]).toBe(want.metrics![key]);
    expect(doc['likelihood']).toBe('categorical');
  });

  it('the table shows the class probabilities, the split of the entropy and the metrics; csv one line per input', async () => {
    const r = await cli(['predict', file('c.safetensors'), '--x', file('x.csv'), '--y', file('y.csv'), '--samples', '16'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/p\(0\)\s+p\(1\)\s+p\(2\)\s+class\s+entropy\s+aleatoric \(E\[H\]\)\s+epistemic \(MI\)/);
    expect(r.stdout).toMatch(/classes:\s+3/);
    expect(r.stdout).toMatch(/accuracy:\s+\d/);
    expect(r.stdout).toMatch(/ece \(15 bins\):\s+\d/);
    const csv = await cli(['predict', file('c.safetensors'), '--x', file('x.csv'), '--samples', '16', '--output', 'csv'], withGpu());
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('x0,x1,p_0,p_1,p_2,p_std_0,p_std_1,p_std_2,entropy,expected_entropy,mutual_information,variation_ratio');
    expect(lines).toHaveLength(5);
  });

  it('the blobs3 Pyro export predicts from its metadata alone', async () => {
    const r = await cli(
      ['predict', new URL('../fixtures/pyro/blobs3.safetensors', import.meta.url).pathname, '--x', file('x.csv'), '--y', file('y.csv'), '--samples', '32', '--json'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { probs: number[][]; metrics: { accuracy: number } };
    expect(doc.probs[0]).toHaveLength(3);
    expect(doc.metrics.accuracy).toBeGreaterThanOrEqual(0);
  });
});
