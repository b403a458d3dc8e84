/**
 * `webgpu-bnn train`, in process through runCli: user mistakes (exit 2, one line, found before the
 * GPU), and small real runs (60 rows, a few epochs) that write model files the engine loads,
 * with plain progress lines off a terminal and a redrawn bar on one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/infer/engine.js';
import { predictEnsemble } from '../../src/infer/ensemble.js';
import { ensembleFromBytes } from '../../src/model/ensemble-file.js';
import { modelFromBytes } from '../../src/model/format.js';
import { expectScaleLikelihood } from '../../src/model/spec.js';
import { cli, withGpu } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

let dir = '';
const file = (name: string) => join(dir, name);

/** 60 rows: y = 3 + 2 sin(a) + b/2 + noise, with a constant column c. */
function dataCsv(): string {
  const rand = testRng(3);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < 60; i++) {
    const a = 4 * rand() - 2;
    const b = 2 * rand() - 1;
    lines.push(`${a},${b},1,${3 + 2 * Math.sin(a) + b / 2 + 0.1 * (rand() - 0.5)}`);
  }
  return lines.join('\n') + '\n';
}

/** 60 rows of 3 separable blobs in (a, b), the class index in 'label'. */
function labelsCsv(): string {
  const rand = testRng(5);
  const centres = [
    [0, 3],
    [-3, -2],
    [3, -2],
  ];
  const lines = ['a,b,label'];
  for (let i = 0; i < 60; i++) {
    const c = centres[i % 3] ?? [0, 0];
    lines.push(`${(c[0] ?? 0) + 0.5 * (rand() - 0.5)},${(c[1] ?? 0) + 0.5 * (rand() - 0.5)},${i % 3}`);
  }
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgpu-bnn-train-'));
  const files: Record<string, string> = {
    'data.csv': dataCsv(),
    'one-column.csv': 'y\n1\n2\n3\n',
    'one-row.csv': 'a,y\n1,2\n',
    'nan.csv': 'a,y\n1,2\nNaN,3\n',
    'no-header.csv': '1,2\n3,4\n5,6\n',
    'labels.csv': labelsCsv(),
    'bad-labels.csv': 'a,label\n0.1,0\n0.2,1\n0.3,1.5\n0.4,2\n',
    'negative-labels.csv': 'a,label\n0.1,0\n0.2,-1\n0.3,1\n',
    'props.csv': 'a,p,q,r\n0.1,0.2,0.3,0.5\n0.2,0.1,0.1,0.8\n0.3,0.5,0.25,0.25\n0.4,0.6,0.2,0.2\n',
    'bad-props.csv': 'a,p,q,r\n0.1,0.2,0.3,0.5\n0.2,0.1,0.1,0.7\n',
    'bad-beta.csv': 'a,p\n0.1,0.2\n0.2,1\n',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(file(name), content);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const base = () => ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'mc-dropout', '--out', file('m.safetensors')];

describe('train: user mistakes exit 2 with one line, before the GPU', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['missing --data', () => ['train', '--target', 'y', '--method', 'map', '--out', file('m.safetensors')], /--data <file> is required/],
    ['missing --target', () => ['train', '--data', file('data.csv'), '--method', 'map', '--out', file('m.safetensors')], /--target <column> is required/],
    ['missing --method', () => ['train', '--data', file('data.csv'), '--target', 'y', '--out', file('m.safetensors')], /--method .* is required/],
    ['missing --out', () => ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'map'], /--out <file> is required/],
    ['unknown method', () => [...base(), '--method', 'magic'], /--method must be one of vi, mc-dropout, ensemble, map, hmc, sgmcmc, swag, concrete-dropout, laplace, got 'magic'/],
    ['a swag flag for another method', () => [...base(), '--swa-epochs', '5'], /--swa-epochs does not apply to --method mc-dropout/],
    ['--swa-epochs 1', () => [...base(), '--method', 'swag', '--swa-epochs', '1'], /--swa-epochs must be an integer from 2/],
    ['unknown --swag-variant', () => [...base(), '--method', 'swag', '--swag-variant', 'full'], /--swag-variant must be low-rank or diagonal, got 'full'/],
    ['--swag-samples beyond an ensemble file', () => [...base(), '--method', 'swag', '--swag-samples', '2000'], /swag.samples must be an integer in \[1, 1024\]/],
    ['a sampler flag for another method', () => [...base(), '--cycles', '2'], /--cycles does not apply to --method mc-dropout/],
    ['an unknown sampler', () => [...base(), '--method', 'sgmcmc', '--sampler', 'nuts'], /--sampler must be one of sgld, sghmc, got 'nuts'/],
    ['a warm start outside sgmcmc', () => [...base(), '--method', 'map', '--warm-start', '5'], /--warm-start does not apply to --method map/],
    ['a warm start of no whole epochs', () => [...base(), '--method', 'sgmcmc', '--warm-start', '2.5'], /--warm-start/],
    ['cycles that do not divide the epochs', () => [...base(), '--method', 'sgmcmc', '--epochs', '10', '--cycles', '3'], /sampler.cycles \(3\) must divide epochs \(10\)/],
    [
      'more samples than an ensemble file holds',
      () => [...base(), '--method', 'sgmcmc', '--epochs', '600', '--chains', '4'],
      /keeps 4 chains x 300 samples = 1200; the file holds at most 1024/,
    ],
    ['unknown target name', () => [...base(), '--target', 'z'], /--target 'z' is not a column of .*columns: a, b, c, y/],
    ['target index out of range', () => [...base(), '--target', '4'], /--target 4: .* has 4 columns \(indices 0\.\.3\)/],
    [
      'target name without a header',
      () => ['train', '--data', file('no-header.csv'), '--target', 'y', '--method', 'map', '--out', file('m.safetensors')],
      /no header row; give the target as a 0-based column index/,
    ],
    ['missing data file', () => [...base(), '--data', file('nope.csv')], /cannot read data file .*nope\.csv.*no such file/],
    ['NaN in the data', () => [...base(), '--data', file('nan.csv')], /line 3 column 1: 'NaN' is not a finite number/],
    ['only the target column', () => [...base(), '--data', file('one-column.csv')], /needs the target and at least one input/],
    ['one row', () => [...base(), '--data', file('one-row.csv')], /training needs at least 2/],
    ['bad hidden', () => [...base(), '--hidden', '50,,50'], /--hidden must be comma-separated layer widths/],
    ['zero width', () => [...base(), '--hidden', '0'], /--hidden must be an integer from 1/],
    ['bad activation', () => [...base(), '--activation', 'swish'], /--activation must be one of relu/],
    ['bad epochs', () => [...base(), '--epochs', '0'], /--epochs must be an integer from 1/],
    ['bad lr', () => [...base(), '--lr=-1'], /--lr must be a positive number/],
    ['dropout out of range', () => [...base(), '--dropout', '1'], /--dropout must be a number in \[0, 1\)/],
    ['option of another method', () => [...base(), '--members', '3'], /--members does not apply to --method mc-dropout/],
    ['concrete dropout starting at rate 0', () => [...base(), '--method', 'concrete-dropout', '--dropout', '0'], /--dropout must be a number in \(0, 1\), got '0'/],
    ['tau for concrete dropout (its noise is learnt)', () => [...base(), '--method', 'concrete-dropout', '--tau', '4'], /--tau does not apply to --method concrete-dropout/],
    ['length scale for map', () => [...base(), '--method', 'map', '--length-scale', '0.1'], /--length-scale does not apply to --method map/],
    ['length scale 0', () => [...base(), '--length-scale', '0'], /--length-scale must be a positive number, got '0'/],
    ['adversarial training for mc-dropout', () => [...base(), '--adversarial-epsilon', '0.01'], /--adversarial-epsilon does not apply to --method mc-dropout/],
    ['adversarial epsilon 0', () => [...base(), '--method', 'ensemble', '--adversarial-epsilon', '0'], /--adversarial-epsilon must be a positive number, got '0'/],
    ['output folder missing', () => [...base(), '--out', file('no/such/dir/m.safetensors')], /--out .*cannot write into .*no such file/],
    ['unknown flag', () => [...base(), '--bogus'], /unknown option '--bogus'/],
    ['unknown likelihood', () => [...base(), '--likelihood', 'poisson'], /--likelihood must be one of normal, student-t, categorical, bernoulli, beta, dirichlet, got 'poisson'/],
    [
      'a label that is not an integer',
      () => [...base(), '--data', file('bad-labels.csv'), '--target', 'label', '--likelihood', 'categorical'],
      /y row 2 is 1\.5: categorical labels must be integers/,
    ],
    ['a negative label', () => [...base(), '--data', file('negative-labels.csv'), '--target', 'label', '--likelihood', 'categorical'], /y row 1 is -1/],
    [
      'a label beyond --classes',
      () => [...base(), '--data', file('bad-labels.csv'), '--target', 'label', '--likelihood', 'bernoulli'],
      /y row 2 is 1\.5: bernoulli labels must be 0 or 1/,
    ],
    [
      'labels beyond --classes',
      () => [...base(), '--data', file('labels.csv'), '--target', 'label', '--likelihood', 'categorical', '--classes', '2'],
      /y row 2 is 2: categorical labels must be in 0\.\.1/,
    ],
    ['--classes 1', () => [...base(), '--data', file('labels.csv'), '--target', 'label', '--likelihood', 'categorical', '--classes', '1'], /--classes must be an integer from 2/],
    [
      '--classes for bernoulli',
      () => [...base(), '--data', file('labels.csv'), '--target', 'label', '--likelihood', 'bernoulli', '--classes', '3'],
      /--classes does not apply to --likelihood bernoulli/,
    ],
    [
      '--tau for a classifier',
      () => [...base(), '--data', file('labels.csv'), '--target', 'label', '--likelihood', 'categorical', '--tau', '3'],
      /--tau does not apply to --likelihood categorical/,
    ],
    [
      '--heteroscedastic for a classifier',
      () => [...base(), '--data', file('labels.csv'), '--target', 'label', '--likelihood', 'categorical', '--heteroscedastic'],
      /--heteroscedastic does not apply to --likelihood categorical/,
    ],
    ['--heteroscedastic with --tau', () => [...base(), '--heteroscedastic', '--tau', '3'], /--tau does not apply with --heteroscedastic/],
    [
      '--beta-nll without a heteroscedastic head',
      () => [...base(), '--beta-nll', '0.5'],
      /--beta-nll weights a heteroscedastic head's NLL: add --heteroscedastic for --method mc-dropout/,
    ],
    ['--beta-nll for vi', () => [...base(), '--method', 'vi', '--heteroscedastic', '--beta-nll', '0.5'], /--beta-nll does not apply to --method vi/],
    ['--beta-nll out of [0, 1]', () => [...base(), '--heteroscedastic', '--beta-nll', '2'], /--beta-nll.*a number in \[0, 1\]/],
    [
      'a beta target of 1',
      () => [...base(), '--data', file('bad-beta.csv'), '--target', 'p', '--likelihood', 'beta'],
      /y row 1 is 1: beta targets must lie strictly between 0 and 1/,
    ],
    ['a composition not summing to 1', () => [...base(), '--data', file('bad-props.csv'), '--target', 'p,q,r', '--likelihood', 'dirichlet'], /y row 1 sums to 0\.9/],
    ['dirichlet with one target column', () => [...base(), '--data', file('props.csv'), '--target', 'p', '--likelihood', 'dirichlet'], /--likelihood dirichlet needs --target a,b/],
    ['several targets for categorical', () => [...base(), '--data', file('props.csv'), '--target', 'p,q', '--likelihood', 'categorical'], /--target names one column/],
    ['--df for a normal', () => [...base(), '--df', '4'], /--df does not apply to --likelihood normal/],
    ['--df 0', () => [...base(), '--likelihood', 'student-t', '--df', '0'], /--df must be a positive number, got '0'/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await cli(argv());
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^webgpu-bnn: /);
    expect(lines[0]).toMatch(message);
  });

  it('--help says an ensemble goes into one file', async () => {
    const r = await cli(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: webgpu-bnn train');
    expect(r.stdout).toContain("An ensemble's members go into one");
    expect((await cli(['--help'])).stdout).toContain('  train');
  });
});

describeGpu('train on the GPU (60 rows, a few epochs)', () => {
  it('categorical map: the model file records the likelihood and its classes, 3 logits, y unstandardised', async () => {
    const out = file('cat.safetensors');
    const r = await cli(
      [
        'train',
        '--data',
        file('labels.csv'),
        '--target',
        'label',
        '--likelihood',
        'categorical',
        '--method',
        'map',
        '--hidden',
        '8',
        '--epochs',
        '5',
        '--lr',
        '0.01',
        '--out',
        out,
      ],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/^training map \(categorical, 3 classes\), 2-8-3 relu, on 60 rows/);
    const model = modelFromBytes(readFileSync(out));
    expect(model.spec.likelihood).toEqual({ kind: 'categorical', classes: 3 });
    expect(model.spec.layers.at(-1)?.units).toBe(3);
    expect(model.spec.standardization?.yMean).toEqual([0, 0, 0]);
  });

  it('student-t map with --df 4: the model file records df 4 and the learnt sigma', async () => {
    const out = file('st.safetensors');
    const r = await cli(
      ['train', '--data', file('data.csv'), '--target', 'y', '--likelihood', 'student-t', '--df', '4', '--method', 'map', '--hidden', '4', '--epochs', '2', '--out', out],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(modelFromBytes(readFileSync(out)).spec.likelihood).toMatchObject({ kind: 'student-t', df: 4, noise: { kind: 'fixed' } });
  });

  it('dirichlet vi: --target p,q,r gives a 3-component model', async () => {
    const out = file('dir.safetensors');
    const r = await cli(
      ['train', '--data', file('props.csv'), '--target', 'p,q,r', '--likelihood', 'dirichlet', '--method', 'vi', '--hidden', '4', '--epochs', '2', '--out', out, '--json'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ likelihood: 'dirichlet', architecture: '1-4-3 relu', target: 'p,q,r' });
    expect(modelFromBytes(readFileSync(out)).spec.likelihood).toEqual({ kind: 'dirichlet', classes: 3, minConcentration: 1e-3 });
  });

  it('mc-dropout: plain progress lines on stderr (compilation said apart), one result line on stdout, a model file with the standardisation and the dropout', async () => {
    const out = file('mcd.safetensors');
    const r = await cli(
      [
        'train',
        '--data',
        file('data.csv'),
        '--target',
        'y',
        '--method',
        'mc-dropout',
        '--hidden',
        '16',
        '--epochs',
        '20',
        '--batch-size',
        '16',
        '--dropout',
        '0.1',
        '--tau',
        '25',
        '--out',
        out,
      ],
      withGpu(),
    );
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines[1]).toBe('compiling GPU kernels...');
    expect(lines[2]).toMatch(/^kernels compiled in \d+\.\d s$/);
    const progress = lines.filter((l) => l.startsWith('epoch '));
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)).toMatch(/^epoch 20\/20 {2}loss \S+ {2}elapsed .* ETA /);
    expect(r.stderr).not.toContain('\r');
    expect(r.stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: trained in .*, final loss \\S+\\n$`));
    const model = modelFromBytes(readFileSync(out));
    expect(model.spec.inputDim).toBe(3);
    expect(model.spec.layers.map((l) => l.units)).toEqual([16, 1]);
    expect(model.spec.layers[0]?.dropout).toBe(0.1);
    const std = model.spec.standardization;
    expect(std?.yMean[0]).toBeGreaterThan(2);
    expect(expectScaleLikelihood(model.spec).noise).toEqual({ kind: 'fixed', sigma: expect.closeTo(1 / (5 * (std?.yStd[0] ?? 1)), 6) as number });
    const engine = Engine.create(gpu!, model);
    const p = await engine.predict([[0, 0, 1]], { samples: 200 });
    engine.dispose();
    expect(Number.isFinite(p.mean[0])).toBe(true);
  });

  it('vi with --activation silu: the model file keeps the activation, and predict reads it back', async () => {
    const out = file('vi-silu.safetensors');
    const r = await cli(
      ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'vi', '--activation', 'silu', '--hidden', '8', '--epochs', '4', '--batch-size', '16', '--out', out],
      withGpu(),
    );
    expect(r.code).toBe(0);
    const model = modelFromBytes(readFileSync(out));
    expect(model.spec.layers.map((l) => l.activation)).toEqual(['silu', 'identity']);
    const p = await cli(['predict', out, '--x', file('data.csv'), '--target', 'y', '--samples', '50', '--output', 'json'], withGpu());
    expect(p.code).toBe(0);
    const mean = (JSON.parse(p.stdout) as { mean: number[] }).mean;
    expect(mean.length).toBeGreaterThan(0);
    expect(mean.every(Number.isFinite)).toBe(true);
  });

  it('map with --adversarial-epsilon: said in the first line, and the model differs from the one trained without it', async () => {
    const argv = (out: string) => ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'map', '--hidden', '8', '--epochs', '4', '--batch-size', '16', '--out', out];
    const r = await cli([...argv(file('map-adv.safetensors')), '--adversarial-epsilon', '0.01', '--json'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toContain(', adversarial epsilon 0.01;');
    const summary = JSON.parse(r.stdout) as { out: string; method: string; epochs: number; lossHistory: number[]; finalLoss: number };
    expect(summary).toMatchObject({ out: file('map-adv.safetensors'), method: 'map', epochs: 4 });
    expect(summary.lossHistory).toHaveLength(4);
    expect(summary.finalLoss).toBe(summary.lossHistory[3]);
    const plain = await cli(argv(file('map-plain.safetensors')), withGpu());
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toContain('adversarial');
    expect(readFileSync(file('map-adv.safetensors')).equals(readFileSync(file('map-plain.safetensors')))).toBe(false);
  });

  it('mc-dropout with --heteroscedastic: said in the first line and the summary, the model has the heteroscedastic head', async () => {
    const out = file('mcd-hetero.safetensors');
    const r = await cli(
      ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'mc-dropout', '--hidden', '8', '--epochs', '3', '--heteroscedastic', '--out', out, '--json'],
      withGpu(),
    );
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toContain(', heteroscedastic noise;');
    expect(r.stderr.split('\n')[0]).not.toContain('tau');
    expect(JSON.parse(r.stdout)).toMatchObject({ method: 'mc-dropout', heteroscedastic: true, architecture: '3-8-2 relu' });
    const model = modelFromBytes(readFileSync(out));
    expect(expectScaleLikelihood(model.spec).noise).toEqual({ kind: 'heteroscedastic', minScale: 1e-3 });
    expect(model.spec.layers.at(-1)?.units).toBe(2);
  });

  it("ensemble with --beta-nll 0.5: said in the first line and the summary; the members differ from the plain NLL's", async () => {
    const run = async (name: string, extra: string[]) => {
      const out = file(name);
      const r = await cli(
        ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'ensemble', '--members', '2', '--hidden', '6', '--epochs', '3', '--out', out, '--json', ...extra],
        withGpu(),
      );
      expect(r.code).toBe(0);
      return { r, bytes: readFileSync(out) };
    };
    const beta = await run('ens-beta.safetensors', ['--beta-nll', '0.5']);
    expect(beta.r.stderr.split('\n')[0]).toContain(', beta-NLL 0.5;');
    expect(JSON.parse(beta.r.stdout)).toMatchObject({ method: 'ensemble', heteroscedastic: true, betaNll: 0.5 });
    const plain = await run('ens-plain.safetensors', []);
    expect(plain.r.stderr).not.toContain('beta-NLL');
    expect('betaNll' in JSON.parse(plain.r.stdout)).toBe(false);
    expect(beta.bytes.equals(plain.bytes)).toBe(false);
  });

  it('concrete-dropout: the first line gives the initial rate, the result line and the summary the learnt ones, which the model file holds', async () => {
    const out = file('concrete.safetensors');
    const argv = [
      'train',
      '--data',
      file('data.csv'),
      '--target',
      'y',
      '--method',
      'concrete-dropout',
      '--hidden',
      '8',
      '--epochs',
      '3',
      '--dropout',
      '0.2',
      '--length-scale',
      '0.1',
    ];
    const r = await cli([...argv, '--out', out, '--json'], withGpu());
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n')[0]).toContain(', initial dropout 0.2;');
    const summary = JSON.parse(r.stdout) as { method: string; dropoutRates: number[] };
    expect(summary.method).toBe('concrete-dropout');
    const model = modelFromBytes(readFileSync(out));
    const rates = model.spec.layers.map((l) => l.dropout);
    expect(summary.dropoutRates).toHaveLength(2);
    summary.dropoutRates.forEach((p, l) => expect(p).toBeCloseTo(rates[l] ?? NaN, 6));
    // Three epochs of Adam at lr 1e-3 move each logit by at most ~0.01 from logit(0.2).
    for (const p of rates) expect(Math.abs(p - 0.2)).toBeLessThan(0.01);
    expect(expectScaleLikelihood(model.spec).noise.kind).toBe('fixed');
    const plain = await cli([...argv, '--out', file('concrete2.safetensors')], withGpu());
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/, learnt dropout rates 0\.\d+, 0\.\d+\n$/);
  });

  it("sgmcmc: every chain's samples in one ensemble file of delta members with the fixed noise of --tau, and R-hat/ESS across the chains", async () => {
    const out = file('sgmcmc.safetensors');
    const argv = ['train', '--data', file('data.csv'), '--target', 'y', '--method', 'sgmcmc', '--chains', '2', '--hidden', '8', '--epochs', '8'];
    const r = await cli([...argv, '--cycles', '2', '--exploration', '0.25', '--samples-per-cycle', '2', '--tau', '16', '--warm-start', '3', '--out', out, '--json'], withGpu());
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toContain('SGHMC step 0.001 (2 cycles, friction 0.1, temperature 1), 4 samples per chain, from a map fit of 3 epochs (Adam lr 0.01)');
    expect(r.stderr).toMatch(/chains 2 x 4 samples: split R-hat\/ESS mean\(x0\) \d\.\d{3}\/\d+, mean\(x1\) .*, mean\(x2\) /);
    const summary = JSON.parse(r.stdout) as { diagnostics: { quantities: { name: string; rHat: number }[] } };
    expect(summary).toMatchObject({ method: 'sgmcmc', chains: 2, members: 8, warmStartEpochs: 3, sampler: { kind: 'sghmc', cycles: 2, sampleEpochs: [3, 4, 7, 8] } });
    // The noise is fixed by --tau: no log sigma among the diagnosed quantities.
    expect(summary.diagnostics.quantities.map((q) => q.name)).toEqual(['mean(x0)', 'mean(x1)', 'mean(x2)']);
    for (const q of summary.diagnostics.quantities) expect(q.rHat).toBeGreaterThan(0);
    const members = ensembleFromBytes(readFileSync(out));
    expect(members).toHaveLength(8);
    for (const model of members) {
      expect(model.spec.layers[0]!.weight.posterior).toBe('delta');
      expect(expectScaleLikelihood(model.spec).noise).toEqual({ kind: 'fixed', sigma: 1 / (4 * model.spec.standardization!.yStd[0]!) });
    }
  });

  it('ensemble: one file holding the members; on a terminal, a redrawn bar; predict and info read it as the mixture', async () => {
    const out = file('ens.safetensors');
    const r = await cli(
      ['train', '--data', file('data.csv'), '--target', '3', '--method', 'ensemble', '--members', '2', '--hidden', '8,8', '--epochs', '3', '--out', out],
      withGpu({ stderrIsTTY: true }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('compiling GPU kernels...\r\u001b[2Kepoch 1/3 [');
    expect(r.stderr).toMatch(/epoch 3\/3 \[#+\] mean loss \S+ {2}done in .* \(kernels compiled in /);
    expect(r.stdout).toContain(`wrote ${out} (ensemble of 2 members)`);
    const members = ensembleFromBytes(readFileSync(out));
    expect(members).toHaveLength(2);
    for (const model of members) expect(expectScaleLikelihood(model.spec).noise.kind).toBe('heteroscedastic');
    expect(() => modelFromBytes(readFileSync(out))).toThrow(/holds a deep ensemble/);

    writeFileSync(file('ens-x.csv'), '0,0,1\n1,2,0\n');
    writeFileSync(file('ens-y.csv'), '3\n4\n');
    const p = await cli(['predict', out, '--x', file('ens-x.csv'), '--y', file('ens-y.csv'), '--json'], withGpu());
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const j = JSON.parse(p.stdout) as { mean: number[]; std: number[]; logPredictiveDensity: number[]; samples: number; path: string };
    const want = await predictEnsemble(
      gpu!,
      members,
      [
        [0, 0, 1],
        [1, 2, 0],
      ],
      { y: [3, 4] },
    );
    // One pass per member: the exact mixture.
    expect(j.samples).toBe(2);
    expect(j.path).toBe('ensemble');
    for (let i = 0; i < 2; i++) {
      expect(j.mean[i]).toBeCloseTo(want.mean[i] as number, 4);
      expect(j.std[i]).toBeCloseTo(want.std[i] as number, 4);
      expect(j.logPredictiveDensity[i]).toBeCloseTo(want.logPredictiveDensity![i] as number, 4);
    }
    // More samples of deterministic members change nothing but the count; an odd count is refused.
    const more = await cli(['predict', out, '--x', file('ens-x.csv'), '--samples', '10', '--json'], withGpu());
    expect(more.code).toBe(0);
    expect((JSON.parse(more.stdout) as { samples: number; mean: number[] }).mean).toEqual(j.mean);
    const bad = await cli(['predict', out, '--x', file('ens-x.csv'), '--samples', '9'], withGpu());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/an ensemble of 2 members takes a multiple of 2/);
    const info = await cli(['info', out]);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain('deep ensemble of 2 members');
  });
});
