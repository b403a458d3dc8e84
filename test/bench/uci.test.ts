/**
 * The UCI benchmark plumbing on a tiny synthetic folder in the UCI layout (60 rows, 2 splits, a
 * 2-point grid, a few epochs): the loader and its errors, the split logic, the model batching,
 * the published-table parser, and the protocol end to end with the JSON shape. No full runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { chunkByEpochs, chunkEvenly, maxModelsPerCall } from '../../bench/uci/batching.js';
import { runUciCli } from '../../bench/uci/command.js';
import { loadUciDataset } from '../../bench/uci/dataset.js';
import {
  CONCRETE_DROPOUT_RATES,
  ENSEMBLE_ADVERSARIAL_EPSILON,
  MC_DROPOUT_LR,
  MC_DROPOUT_RATES,
  SGMCMC_STEP_SIZES,
  SGMCMC_WARM_STEP_SIZES,
  methodPlan,
  sgmcmcSampler,
  type HyperPoint,
} from '../../bench/uci/methods.js';
import { runUciProtocol, scoreOrNaN, searchRateSeedOffset } from '../../bench/uci/protocol.js';
import { parseMeanSe, publishedFor } from '../../bench/uci/published.js';
import { validationSplit } from '../../bench/uci/splits.js';
import { meanSe, methodLabel, summarize, summaryJson, summaryMarkdown, type UciSummary } from '../../bench/uci/summary.js';
import { mergeRateSearches } from '../../bench/uci/merge.js';
import { InvalidInputError, ModelFormatError, NumericalError } from '../../src/errors.js';
import { bestPerDataSetMarkdown, checkTarget } from '../../bench/uci/table.js';
import { captureRun, type CliRun } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const ROWS = 60;
const PROTOCOL = `# Protocol

Test RMSE, lower is better:
| data set | VI | MC dropout |
|---|---|---|
| Toy (small) | 1.50±0.10 | 1.20±0.05 |
| Other | 9.00±1.00 | 8.00±1.00 |

Test log-likelihood, higher is better:
| data set | VI | MC dropout |
|---|---|---|
| Toy (small) | -2.00±0.02 | −1.90±0.03 |
`;

let root = '';
let good = '';

/** The files of a valid folder: 4 columns (inputs 0, 2, 3; target 1), 2 splits of 48 / 12 rows. */
function folderFiles(): Record<string, string> {
  const rand = testRng(11);
  const rows: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const a = 2 * rand() - 1;
    const b = 2 * rand() - 1;
    const y = 10 + 3 * a - 2 * b * b + 0.1 * (rand() - 0.5);
    rows.push(`${a.toFixed(5)}\t${y.toFixed(5)}\t${b.toFixed(5)}  ${(5 * rand()).toFixed(3)}`);
  }
  const files: Record<string, string> = {
    'data.txt': rows.join('\n') + '\n\n',
    'index_features.txt': '0\n2\n3\n',
    'index_target.txt': '1\n',
    'n_splits.txt': '2\n',
    'n_hidden.txt': '8\n',
    'n_epochs.txt': '1\n',
    'dropout_rates.txt': '0.01 0.05\n',
    'tau_values.txt': '4.0\n',
  };
  for (let k = 0; k < 2; k++) {
    const order = Array.from({ length: ROWS }, (_, i) => (i * (k === 0 ? 7 : 13) + k) % ROWS);
    files[`index_train_${k}.txt`] = order.slice(0, 48).join('\n') + '\n';
    files[`index_test_${k}.txt`] =
      order
        .slice(48)
        .map((v) => `${v}.0`)
        .join('\n') + '\n';
  }
  return files;
}

async function writeFolder(name: string, change: (files: Record<string, string>) => void = () => undefined): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const files = folderFiles();
  change(files);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'webgpu-bnn-uci-'));
  await writeFile(join(root, 'PROTOCOL.md'), PROTOCOL);
  good = await writeFolder('toy-small');
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('loading a UCI folder', () => {
  it('reads inputs, target, splits and the grid', async () => {
    const d = await loadUciDataset(good);
    expect(d).toMatchObject({ name: 'toy-small', rows: ROWS, inputDim: 3, nHidden: 8, nEpochs: 1, dropoutRates: [0.01, 0.05], tauValues: [4] });
    expect(d.splits).toHaveLength(2);
    expect(d.splits[0]?.train).toHaveLength(48);
    expect(d.splits[1]?.test).toHaveLength(12);
    const first = folderFiles()['data.txt']?.split('\n')[0]?.trim().split(/\s+/).map(Number) ?? [];
    expect(Array.from(d.x.subarray(0, 3))).toEqual([first[0], first[2], first[3]]);
    expect(d.y[0]).toBe(first[1]);
  });

  const bad: [string, (f: Record<string, string>) => void, RegExp][] = [
    ['missing data.txt', (f) => delete f['data.txt'], /data\.txt missing/],
    ['missing test index of a split', (f) => delete f['index_test_1.txt'], /index_test_1\.txt missing/],
    ['row index out of range', (f) => (f['index_train_0.txt'] = '0\n1\n60\n'), /index_train_0\.txt line 3: row 60 is out of range \(0\.\.59\)/],
    ['fractional index', (f) => (f['index_test_0.txt'] = '1.5\n'), /row 1\.5 is out of range/],
    ['feature column out of range', (f) => (f['index_features.txt'] = '0 2 4'), /index_features\.txt line 1: column 4 is out of range \(0\.\.3\)/],
    ['target among the features', (f) => (f['index_features.txt'] = '0 1 2'), /includes the target column 1/],
    ['two targets', (f) => (f['index_target.txt'] = '1 2'), /must name one column, got 2/],
    ['ragged data', (f) => (f['data.txt'] = '1 2 3 4\n1 2 3\n'), /data\.txt line 2: 3 values, but the first row has 4/],
    ['text in data', (f) => (f['data.txt'] = '1 2 3 x\n'), /data\.txt line 1: 'x' is not a finite number/],
    ['bad n_splits', (f) => (f['n_splits.txt'] = '2.5'), /n_splits\.txt must hold one positive integer/],
    ['train and test overlap', (f) => (f['index_test_0.txt'] = f['index_train_0.txt']?.split('\n')[0] ?? '0'), /split 0: row \d+ is in both/],
    ['dropout rate of 1', (f) => (f['dropout_rates.txt'] = '0.1 1'), /dropout_rates\.txt: 1 is out of range \[0, 1\)/],
  ];
  it.each(bad)('%s', async (name, change, message) => {
    const dir = await writeFolder(`bad-${name.replace(/\W+/g, '-')}`, change);
    await expect(loadUciDataset(dir)).rejects.toThrow(message);
  });

  it('a missing folder', async () => {
    await expect(loadUciDataset(join(root, 'nope'))).rejects.toThrow(/data\.txt missing/);
  });

  it('MC dropout needs the grid files; the other methods do not', async () => {
    const dir = await writeFolder('no-grid', (f) => {
      delete f['dropout_rates.txt'];
      delete f['tau_values.txt'];
    });
    const d = await loadUciDataset(dir);
    expect(d.dropoutRates).toBeNull();
    expect(() => methodPlan(d, 'mc-dropout')).toThrow(/needs dropout_rates\.txt and tau_values\.txt/);
    expect(methodPlan(d, 'vi').grid).toEqual([{ priorScale: 0.1 }, { priorScale: 0.3 }, { priorScale: 1 }]);
    expect(methodPlan(d, 'vi', { priorScales: [2] }).grid).toEqual([{ priorScale: 2 }]);
    expect(methodPlan(d, 'ensemble').members).toBe(5);
    // Concrete dropout learns the rates and the noise: its grid is the Adam rates alone.
    const concrete = methodPlan(d, 'concrete-dropout');
    expect(concrete).toMatchObject({ trainMethod: 'concrete-dropout', schedule: 'cosine', members: 1 });
    expect(concrete.grid).toEqual(CONCRETE_DROPOUT_RATES.map((lr) => ({ lr })));
    expect(concrete.hyper(concrete.grid[0]!, 0)).toEqual({ lr: 1e-2 });
    expect(methodPlan(d, 'concrete-dropout', { lr: 3e-3 }).grid).toEqual([{}]);
    expect(methodPlan(d, 'concrete-dropout', { heteroscedastic: true, lr: 1e-2 }).heteroscedastic).toBe(true);
  });
});

describe('protocol pieces', () => {
  it('validation: the last 20% of the training rows, in file order', () => {
    const rows = Array.from({ length: 455 }, (_, i) => 1000 + i);
    const v = validationSplit(rows);
    expect(v.fit).toHaveLength(364); // int(0.8 * 455)
    expect(v.validation[0]).toBe(1364);
    expect(v.validation).toHaveLength(91);
    expect(validationSplit([5, 6])).toEqual({ fit: [5], validation: [6] });
  });

  it('the MC-dropout grid is dropout_rates x tau_values x the rates {3e-2, 1e-1}, 10 x n_epochs epochs', async () => {
    const d0 = await loadUciDataset(good);
    const plan = methodPlan(d0, 'mc-dropout');
    expect(MC_DROPOUT_RATES).toEqual([MC_DROPOUT_LR, 1e-1]);
    expect(plan.grid).toEqual([
      { dropout: 0.01, tau: 4, lr: MC_DROPOUT_LR },
      { dropout: 0.01, tau: 4, lr: 1e-1 },
      { dropout: 0.05, tau: 4, lr: MC_DROPOUT_LR },
      { dropout: 0.05, tau: 4, lr: 1e-1 },
    ]);
    expect(plan).toMatchObject({ baseEpochs: 10, batchSize: 128, lr: MC_DROPOUT_LR, schedule: 'cosine', members: 1 });
    // A rate given: that rate alone, no rate search.
    const fixed = methodPlan(d0, 'mc-dropout', { lr: 1e-3, schedule: 'constant' });
    expect(fixed).toMatchObject({ lr: 1e-3, schedule: 'constant' });
    expect(fixed.grid).toEqual([
      { dropout: 0.01, tau: 4 },
      { dropout: 0.05, tau: 4 },
    ]);
    expect(methodPlan(d0, 'ensemble')).toMatchObject({ schedule: 'constant', members: 5, searchMembers: 5 });
    // A learning-rate grid crosses the method's grid; each model trains at its point's rate.
    const crossed = methodPlan(d0, 'mc-dropout', { learningRates: [1e-2, 3e-2] });
    expect(crossed.grid).toEqual([
      { dropout: 0.01, tau: 4, lr: 1e-2 },
      { dropout: 0.01, tau: 4, lr: 3e-2 },
      { dropout: 0.05, tau: 4, lr: 1e-2 },
      { dropout: 0.05, tau: 4, lr: 3e-2 },
    ]);
    expect(crossed.hyper(crossed.grid[3]!, 0)).toEqual({ dropout: 0.05, tau: 4, lr: 3e-2 });
    expect(() => methodPlan(d0, 'vi', { learningRates: [1e-2], lr: 1e-3 })).toThrow(/either a learning rate or learning rates/);
    expect(() => methodPlan(d0, 'vi', { learningRates: [] })).toThrow(/learning rates must be positive/);
  });

  it("sgmcmc: the step sizes {1e-3, 3e-3, 1e-2} searched ({3e-4, 1e-4, 1e-3} from a MAP warm start), one chain, and cyclical SGHMC's cycles fitted to the epochs", async () => {
    const d0 = await loadUciDataset(good);
    const plan = methodPlan(d0, 'sgmcmc');
    expect(SGMCMC_STEP_SIZES).toEqual([1e-3, 3e-3, 1e-2]);
    expect(plan.grid).toEqual([{ lr: 1e-3 }, { lr: 3e-3 }, { lr: 1e-2 }]);
    expect(plan).toMatchObject({ trainMethod: 'sgmcmc', lr: 1e-3, members: 1, searchMembers: 1, batchSize: 128 });
    expect(plan.warmStart).toBeUndefined();
    const warm = methodPlan(d0, 'sgmcmc', { warmStart: true });
    expect(warm.grid).toEqual(SGMCMC_WARM_STEP_SIZES.map((lr) => ({ lr })));
    expect(warm).toMatchObject({ lr: 3e-4, warmStart: true });
    expect(() => methodPlan(d0, 'vi', { warmStart: true })).toThrow(/MAP warm start applies to method 'sgmcmc', not 'vi'/);
    expect(methodPlan(d0, 'sgmcmc', { lr: 3e-3, members: 3 })).toMatchObject({ grid: [{}], lr: 3e-3, members: 3 });
    expect(methodPlan(d0, 'sgmcmc', { heteroscedastic: true }).heteroscedastic).toBe(true);
    expect(() => methodPlan(d0, 'sgmcmc', { schedule: 'cosine' })).toThrow(/takes no schedule/);
    // 400 epochs: 4 cycles of 100, the last 20 noisy, 5 samples each; 30: 2 cycles of 15 (3 sampling epochs); 6: no whole sampling epoch in a cycle, a constant step.
    expect(sgmcmcSampler(400)).toEqual({ kind: 'sghmc', cycles: 4, explorationFraction: 0.8, samplesPerCycle: 5 });
    expect(sgmcmcSampler(30)).toEqual({ kind: 'sghmc', cycles: 2, explorationFraction: 0.8, samplesPerCycle: 3 });
    expect(sgmcmcSampler(6)).toEqual({ kind: 'sghmc', cycles: 1, explorationFraction: 0.8, samplesPerCycle: 1 });
    expect(sgmcmcSampler(3)).toEqual({ kind: 'sghmc' });
  });

  it("the ensemble's density: the moment-matched normal by default (the paper's), the mixture on request, for ensembles only", async () => {
    const d0 = await loadUciDataset(good);
    expect(methodPlan(d0, 'ensemble').ensembleDensity).toBe('moment-matched');
    expect(methodPlan(d0, 'ensemble', { ensembleDensity: 'mixture' }).ensembleDensity).toBe('mixture');
    expect(methodPlan(d0, 'vi').ensembleDensity).toBeUndefined();
    expect(() => methodPlan(d0, 'mc-dropout', { ensembleDensity: 'mixture' })).toThrow(/applies to method 'ensemble', not 'mc-dropout'/);
    // Adversarial training: on for ensembles by default (the paper's 0.01), for ensembles only; 0 turns it off.
    expect(ENSEMBLE_ADVERSARIAL_EPSILON).toBe(0.01);
    expect(methodPlan(d0, 'ensemble').adversarialEpsilon).toBe(0.01);
    expect(methodPlan(d0, 'ensemble', { adversarialEpsilon: 0.05 }).adversarialEpsilon).toBe(0.05);
    expect(methodPlan(d0, 'ensemble', { adversarialEpsilon: 0 }).adversarialEpsilon).toBeUndefined();
    expect(() => methodPlan(d0, 'vi', { adversarialEpsilon: 0.01 })).toThrow(/adversarial training applies to method 'ensemble', not 'vi'/);
    expect(() => methodPlan(d0, 'ensemble', { adversarialEpsilon: -1 })).toThrow(/adversarial epsilon must be a number >= 0/);
  });

  it('the heteroscedastic variant: for mc-dropout (grid without tau) and vi, refused for ensembles; named in summaries', async () => {
    const d0 = await loadUciDataset(good);
    const mcd = methodPlan(d0, 'mc-dropout', { heteroscedastic: true, lr: 1e-2 });
    expect(mcd.heteroscedastic).toBe(true);
    expect(mcd.grid).toEqual([{ dropout: 0.01 }, { dropout: 0.05 }]);
    expect(mcd.hyper(mcd.grid[0]!, 0)).toEqual({ dropout: 0.01 });
    expect(methodPlan(d0, 'vi', { heteroscedastic: true }).heteroscedastic).toBe(true);
    expect(methodPlan(d0, 'vi').heteroscedastic).toBeUndefined();
    expect(() => methodPlan(d0, 'ensemble', { heteroscedastic: true })).toThrow(/'ensemble' members always have the head/);
    expect(methodPlan(d0, 'swag', { heteroscedastic: true }).heteroscedastic).toBe(true);
    const settings = { heteroscedastic: true } as UciSummary['settings'];
    expect(methodLabel({ method: 'vi', settings })).toBe('vi heteroscedastic');
    expect(methodLabel({ method: 'vi', settings: {} as UciSummary['settings'] })).toBe('vi');
    // β-NLL: on the head of an ensemble or of a heteroscedastic variant, never for vi or the samplers; named in the label.
    expect(methodPlan(d0, 'mc-dropout', { heteroscedastic: true, betaNll: 0.5 }).betaNll).toBe(0.5);
    expect(methodPlan(d0, 'ensemble', { betaNll: 0.5 }).betaNll).toBe(0.5);
    expect(methodPlan(d0, 'ensemble', { betaNll: 0 }).betaNll).toBeUndefined();
    expect(() => methodPlan(d0, 'mc-dropout', { betaNll: 0.5 })).toThrow(/not 'mc-dropout' without it/);
    for (const method of ['vi', 'hmc', 'sgmcmc'] as const) expect(() => methodPlan(d0, method, { heteroscedastic: true, betaNll: 0.5 })).toThrow(/beta-NLL applies to/);
    expect(() => methodPlan(d0, 'ensemble', { betaNll: 2 })).toThrow(/in \[0, 1\]/);
    expect(methodLabel({ method: 'mc-dropout', settings: { heteroscedastic: true, betaNll: 0.5 } as UciSummary['settings'] })).toBe('mc-dropout heteroscedastic beta-nll 0.5');
    expect(methodLabel({ method: 'ensemble', settings: { betaNll: 0.5 } as UciSummary['settings'] })).toBe('ensemble beta-nll 0.5');
    // The head's extra output unit is counted in the buffers per model.
    const shape = { arch: { inputDim: 3, hidden: [4], activation: 'relu' as const }, method: 'vi' as const, batch: 2 };
    const limits = { maxStorageBufferBindingSize: 4 * 1000, maxBufferSize: 4 * 1000 };
    // Largest per-model buffer: θ, 2 x (3 x 4 + 4) + 2 x (4 x 1 + 1) + 2 (sigma) = 44 floats; with the head 2 x (4 x 2 + 2) and no sigma: 52.
    expect(maxModelsPerCall(limits, shape)).toBe(Math.floor(1000 / 44));
    expect(maxModelsPerCall(limits, { ...shape, heteroscedastic: true })).toBe(Math.floor(1000 / 52));
  });

  it('swag: one point (no search), Adam 1e-2 then SGD at 0.03 x that, 40 SWA epochs, 30 draws; --lr-grid crosses rates', async () => {
    const d0 = await loadUciDataset(good);
    const plan = methodPlan(d0, 'swag');
    expect(plan).toMatchObject({ trainMethod: 'swag', lr: 1e-2, schedule: 'constant', members: 1, grid: [{}], swag: { swaEpochs: 40, swaLr: 3e-4, rank: 20, samples: 30 } });
    expect(methodPlan(d0, 'swag', { lr: 1e-3 }).swag?.swaLr).toBeCloseTo(3e-5, 12);
    expect(methodPlan(d0, 'swag', { learningRates: [1e-2, 3e-3] }).grid).toEqual([{ lr: 1e-2 }, { lr: 3e-3 }]);
  });

  it('models per train() call follow the buffer limits; chunks are near-equal', () => {
    const shape = { arch: { inputDim: 13, hidden: [50], activation: 'relu' as const }, method: 'mc-dropout' as const, batch: 128 };
    const limits = { maxStorageBufferBindingSize: 128 * 1024 * 1024, maxBufferSize: 256 * 1024 * 1024 };
    // Largest per-model buffer: activations (B x 51 units) or masks (B x 63 inputs): 128 * 63 floats.
    expect(maxModelsPerCall(limits, shape)).toBe(Math.floor((128 * 1024 * 1024) / (4 * 128 * 63)));
    expect(maxModelsPerCall({ maxStorageBufferBindingSize: 1000, maxBufferSize: 1000 }, shape)).toBe(1);
    expect(chunkEvenly([1, 2, 3, 4, 5], 2).map((c) => c.length)).toEqual([2, 2, 1]);
    expect(
      chunkEvenly(
        Array.from({ length: 250 }, (_, i) => i),
        240,
      ).map((c) => c.length),
    ).toEqual([125, 125]);
  });

  it('jobs with per-point epochs: one call per epochs value, each job in exactly one call', () => {
    // Search jobs come split-major, point-minor: the epochs interleave.
    const epochs = [40, 40, 400, 400, 40, 40, 400, 400, 40, 40, 400, 400];
    const chunks = chunkByEpochs(epochs, 4);
    expect(chunks).toEqual([
      { epochs: 40, indices: [0, 1, 4] },
      { epochs: 40, indices: [5, 8, 9] },
      { epochs: 400, indices: [2, 3, 6] },
      { epochs: 400, indices: [7, 10, 11] },
    ]);
    const seen = chunks.flatMap((c) => c.indices).sort((a, b) => a - b);
    expect(seen).toEqual(epochs.map((_, i) => i));
    for (const c of chunks) for (const i of c.indices) expect(epochs[i]).toBe(c.epochs);
    expect(chunkByEpochs([], 4)).toEqual([]);
  });

  it("a searched rate other than the run's keys its calls by the rate, in the seed's high word", () => {
    const offsets = [1e-4, 3e-2, 1e-1, 1, 1e3].map(searchRateSeedOffset);
    for (const o of offsets) {
      expect(o % 2 ** 32).toBe(0);
      expect(o).toBeGreaterThan(0);
      expect(Number.isSafeInteger(o + 2 ** 32 - 1)).toBe(true);
    }
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(searchRateSeedOffset(0.1)).toBe(searchRateSeedOffset(0.1 * (1 + 1e-7)));
  });

  it('mean ± standard error uses the population std / sqrt(n)', () => {
    expect(meanSe([1, 3])).toEqual({ mean: 2, se: 1 / Math.sqrt(2) });
    expect(meanSe([5])).toEqual({ mean: 5, se: 0 });
  });

  it('the published tables: cells, columns and the row that names the folder', () => {
    expect(parseMeanSe('-2.90±0.07')).toEqual({ mean: -2.9, se: 0.07 });
    expect(parseMeanSe('4.32 +- 0.29')).toEqual({ mean: 4.32, se: 0.29 });
    expect(parseMeanSe('x')).toBeNull();
    expect(publishedFor(PROTOCOL, 'toy-small')).toEqual([
      { column: 'VI', rmse: { mean: 1.5, se: 0.1 }, ll: { mean: -2, se: 0.02 } },
      { column: 'MC dropout', rmse: { mean: 1.2, se: 0.05 }, ll: { mean: -1.9, se: 0.03 } },
    ]);
    expect(publishedFor(PROTOCOL, 'toy')).toBeNull(); // 'small' is not a word of 'toy'
    expect(publishedFor(PROTOCOL, 'bostonHousing')).toBeNull();
  });
});

function uci(argv: readonly string[], context?: CliIo['context']): Promise<CliRun> {
  return captureRun(runUciCli, argv, context ? { context } : {});
}

describe('the runner: user mistakes exit 2 with one line', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no --data-dir', () => ['--method', 'vi'], /--data-dir <folder> is required/],
    ['no --method', () => ['--data-dir', good], /--method mc-dropout\|vi\|ensemble\|hmc\|laplace\|sgmcmc\|swag\|concrete-dropout is required/],
    ['unknown method', () => ['--data-dir', good, '--method', 'map'], /unknown method 'map'/],
    ['more splits than the folder has', () => ['--data-dir', good, '--method', 'vi', '--splits', '3'], /--splits 3: toy-small has 2 splits/],
    ['bad epochs scale', () => ['--data-dir', good, '--method', 'vi', '--epochs-scale', '0'], /--epochs-scale must be a positive number/],
    ['lr and lr grid', () => ['--data-dir', good, '--method', 'vi', '--lr', '1e-3', '--lr-grid', '1e-2,3e-2'], /either a learning rate or learning rates/],
    ['bad lr grid', () => ['--data-dir', good, '--method', 'vi', '--lr-grid', '1e-2,x'], /--lr-grid must be a positive number, got 'x'/],
    ['unknown schedule', () => ['--data-dir', good, '--method', 'vi', '--schedule', 'step'], /--schedule must be constant or cosine, got 'step'/],
    ['a warm start outside sgmcmc', () => ['--data-dir', good, '--method', 'vi', '--warm-start'], /a MAP warm start applies to method 'sgmcmc', not 'vi'/],
    [
      'unknown ensemble density',
      () => ['--data-dir', good, '--method', 'ensemble', '--ensemble-density', 'median'],
      /unknown ensemble density 'median'; use one of mixture, moment-matched/,
    ],
    ['ensemble density for another method', () => ['--data-dir', good, '--method', 'vi', '--ensemble-density', 'mixture'], /applies to method 'ensemble', not 'vi'/],
    ['bad adversarial epsilon', () => ['--data-dir', good, '--method', 'ensemble', '--adversarial-epsilon=-1'], /--adversarial-epsilon must be a number >= 0, got '-1'/],
    ['the heteroscedastic variant of ensembles', () => ['--data-dir', good, '--method', 'ensemble', '--heteroscedastic'], /'ensemble' members always have the head/],
    ['beta-NLL out of [0, 1]', () => ['--data-dir', good, '--method', 'ensemble', '--beta-nll', '1.5'], /--beta-nll must be a number in \[0, 1\], got '1.5'/],
    ['beta-NLL without a head', () => ['--data-dir', good, '--method', 'mc-dropout', '--beta-nll', '0.5'], /beta-NLL applies to .* not 'mc-dropout' without it/],
    [
      'adversarial training for another method',
      () => ['--data-dir', good, '--method', 'mc-dropout', '--adversarial-epsilon', '0.01'],
      /adversarial training applies to method 'ensemble', not 'mc-dropout'/,
    ],
    ['unknown option', () => ['--data-dir', good, '--method', 'vi', '--bogus'], /Unknown option '--bogus'/],
    ['bad folder', () => ['--data-dir', join(root, 'nope'), '--method', 'vi'], /data\.txt missing/],
  ];
  it.each(cases)('%s', async (_name, argv, message) => {
    const r = await uci(argv());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^uci: /);
    expect(lines[0]).toMatch(message);
  });

  it('--help', async () => {
    const r = await uci(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('npm run uci -- --data-dir');
  });
});

describe('a runaway candidate', () => {
  it("scores NaN when its predictive leaves float32 (the engine's NumericalError or a trained model's ModelFormatError); other errors propagate", async () => {
    for (const error of [new NumericalError('overflow'), new ModelFormatError('model: sigma = 1e20')]) {
      const s = await scoreOrNaN(() => Promise.reject(error));
      expect(Number.isNaN(s.rmse) && Number.isNaN(s.ll)).toBe(true);
    }
    await expect(scoreOrNaN(() => Promise.reject(new InvalidInputError('bad rows')))).rejects.toThrow(InvalidInputError);
    expect(await scoreOrNaN(() => Promise.resolve({ rmse: 1, ll: -2 }))).toEqual({ rmse: 1, ll: -2 });
  });
});

describe('the cross-run table (--table)', () => {
  const published = [
    { column: 'VI (Graves 2011)', rmse: { mean: 4.3, se: 0.3 }, ll: { mean: -2.9, se: 0.07 } },
    { column: 'PBP', rmse: { mean: 3.0, se: 0.2 }, ll: { mean: -2.57, se: 0.09 } },
    { column: 'MC dropout 2018 grid', rmse: { mean: 2.9, se: 0.18 }, ll: { mean: -2.4, se: 0.04 } },
    { column: 'Deep ensembles 2017', rmse: { mean: 3.28, se: 1 }, ll: { mean: -2.41, se: 0.25 } },
  ];
  const summary = (dataset: string, method: string, rmse: number, ll: number) => ({
    rmse: { mean: rmse, se: 0.1 },
    ll: { mean: ll, se: 0.05 },
    splits: [{ split: 0 }, { split: 1 }],
    dataset,
    method,
    settings: { epochs: 400 },
    timing: { wallMs: 12_000 },
    published,
  });

  it('checks each method against its column: MC dropout with one published SE of slack, the others by the mean', () => {
    // 3.05 <= 2.90 + 0.18 (met); -2.45 >= -2.40 - 0.04 is false (missed).
    expect(checkTarget(summary('a', 'mc-dropout', 3.05, -2.45) as never)).toEqual({ column: 'MC dropout 2018 grid', rmse: 'met', ll: 'missed' });
    expect(checkTarget(summary('a', 'vi', 4.29, -2.9) as never)).toEqual({ column: 'VI (Graves 2011)', rmse: 'met', ll: 'met' });
    expect(checkTarget(summary('a', 'ensemble', 3.3, -2.0) as never)).toEqual({ column: 'Deep ensembles 2017', rmse: 'missed', ll: 'met' });
    expect(checkTarget({ ...summary('a', 'vi', 1, -1), published: null } as never)).toEqual({ column: null, rmse: 'no column', ll: 'no column' });
  });

  it('the best of ours per data set against the best published column, extra columns added by name, within one published SE', () => {
    const runs = [summary('boston', 'vi', 3, -2.6), summary('boston', 'ensemble', 3, -2.44), summary('yacht', 'mc-dropout', 1, Number.NaN), summary('yacht', 'hmc', 1, -0.5)];
    const dvi = [{ column: 'DVI heteroscedastic 2019', rmse: null, ll: { mean: -0.47, se: 0.03 } }];
    const markdown = bestPerDataSetMarkdown(runs as never, (dataset) => (dataset === 'yacht' ? dvi : null));
    // Boston: -2.44 against MC dropout 2018's -2.40 ± 0.04 (met at the edge); yacht's NaN run is no candidate, -0.5 < -0.47 - 0.03 is false.
    expect(markdown).toContain('| boston | -2.440 ± 0.050 | ensemble | 2 | -2.40 ± 0.04 | MC dropout 2018 grid | ✓ |');
    expect(markdown).toContain('| yacht | -0.500 ± 0.050 | hmc | 2 | -0.47 ± 0.03 | DVI heteroscedastic 2019 | ✓ |');
    expect(bestPerDataSetMarkdown([summary('yacht', 'hmc', 1, -0.51)] as never, () => dvi)).toContain('| DVI heteroscedastic 2019 | ✗ |');
    // minSplits: only runs of that many splits compete (these have 2).
    const full = bestPerDataSetMarkdown([...runs, { ...summary('boston', 'mc-dropout', 3, -2.5), splits: [{ split: 0 }, { split: 1 }, { split: 2 }] }] as never, () => null, 3);
    expect(full).toContain('### Best of ours per data set, runs of 3 splits or more');
    expect(full).toContain('| boston | -2.500 ± 0.050 | mc-dropout | 3 |');
    expect(full).not.toContain('| yacht |');
  });

  it('reads a results folder and writes uci-table.md; a bad file is named, exit 2', async () => {
    const dir = join(root, 'table');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'yacht-mc-dropout.json'), JSON.stringify(summary('yacht', 'mc-dropout', 3.05, -2.45)));
    await writeFile(join(dir, 'boston-vi.json'), JSON.stringify(summary('boston', 'vi', 2.8, -2.6)));
    await writeFile(join(dir, 'notes.json'), '{}');
    const r = await uci(['--table', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### mc-dropout');
    expect(r.stdout).toContain('| yacht | 2 | 400 | 3.050 ± 0.100 | 2.90 ± 0.18 | ✓ | -2.450 ± 0.050 | -2.40 ± 0.04 | ✗ |');
    expect(r.stdout).toContain('| boston | 2 | 400 | 2.800 ± 0.100 | 4.30 ± 0.30 | ✓ | -2.600 ± 0.050 | -2.90 ± 0.07 | ✓ |');
    expect(r.stdout).toContain('### Best of ours per data set');
    expect(readFileSync(join(dir, 'uci-table.md'), 'utf8')).toBe(r.stdout);
    // A variant's file is read too; a run with a diverged split (NaN, written as null) reads back as NaN and is no best.
    await writeFile(join(dir, 'yacht-vi-heteroscedastic.json'), JSON.stringify({ ...summary('yacht', 'vi', 2, -1), settings: { epochs: 400, heteroscedastic: true } }));
    await writeFile(join(dir, 'yacht-hmc.json'), JSON.stringify({ ...summary('yacht', 'hmc', 1, 0), rmse: { mean: null, se: null }, ll: { mean: null, se: null } }));
    const withVariant = await uci(['--table', dir]);
    expect(withVariant.code).toBe(0);
    expect(withVariant.stdout).toContain('| yacht | -1.000 ± 0.050 | vi heteroscedastic | 2 |');
    expect(withVariant.stdout).toMatch(/\| yacht \| 2 \| 400 \| NaN/);
    await rm(join(dir, 'yacht-vi-heteroscedastic.json'));
    await rm(join(dir, 'yacht-hmc.json'));
    await writeFile(join(dir, 'wine-ensemble.json'), '{"rmse": {"mean": 1');
    const bad = await uci(['--table', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^uci: .*wine-ensemble\.json: not valid JSON/);
    await writeFile(join(dir, 'wine-ensemble.json'), JSON.stringify({ ...summary('wine', 'ensemble', 1, 1), ll: 'high' }));
    expect((await uci(['--table', dir])).stderr).toMatch(/wine-ensemble\.json: not a UCI run summary \('rmse' or 'll' is not \{mean, se\}\)/);
    const empty = await uci(['--table', join(root, 'nope-results')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/cannot read the results folder/);
  });

  it("several folders: a later folder's run of the same data set and method replaces the earlier one; the table goes to --out-dir", async () => {
    const older = join(root, 'older');
    const newer = join(root, 'newer');
    const out = join(root, 'combined');
    await mkdir(older, { recursive: true });
    await mkdir(newer, { recursive: true });
    await writeFile(join(older, 'yacht-vi.json'), JSON.stringify(summary('yacht', 'vi', 2, -1.9)));
    await writeFile(join(older, 'boston-vi.json'), JSON.stringify(summary('boston', 'vi', 2.8, -2.6)));
    await writeFile(join(newer, 'yacht-vi.json'), JSON.stringify(summary('yacht', 'vi', 1.5, -1.7)));
    await writeFile(join(newer, 'yacht-vi-heteroscedastic.json'), JSON.stringify({ ...summary('yacht', 'vi', 1, -1.2), settings: { epochs: 400, heteroscedastic: true } }));
    const r = await uci(['--table', `${older},${newer}`, '--out-dir', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| yacht | 2 | 400 | 1.500 ± 0.100 |');
    expect(r.stdout).not.toContain('| yacht | 2 | 400 | 2.000 ± 0.100 |');
    expect(r.stdout).toContain('| boston | 2 | 400 | 2.800 ± 0.100 |');
    expect(r.stdout).toContain('| yacht | -1.200 ± 0.050 | vi heteroscedastic | 2 |');
    // These runs have 2 splits: the full-protocol table has none of them.
    expect(r.stdout).toContain('### Best of ours per data set, runs of 20 splits or more');
    expect(readFileSync(join(out, 'uci-table.md'), 'utf8')).toBe(r.stdout);
    expect(existsSync(join(older, 'uci-table.md'))).toBe(false);
    expect((await uci(['--table', ','])).stderr).toMatch(/--table needs a results folder/);
  });
});

describe('merging runs that searched other rates (--merge)', () => {
  const base = [
    { dropout: 0.01, tau: 1 },
    { dropout: 0.05, tau: 1 },
  ];
  const adapter = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader' };
  // Validation LL of (split, base point, rate): rate 0.1 wins split 0, the run's 0.03 split 1.
  const validationLl = (split: number, i: number, lr: number) => -1 - 0.1 * i + (lr === 0.1 ? (split === 0 ? 0.5 : -0.5) : 0);
  /** A run searching `rates` (null: the run's own rate, points without lr), as protocol.ts records it. */
  const run = (rates: number[] | null, change: (s: Record<string, unknown>) => void = () => undefined): UciSummary => {
    const grid: HyperPoint[] = rates ? base.flatMap((p) => rates.map((lr) => ({ ...p, lr }))) : base;
    const splits = [0, 1].map((split) => {
      const validation = grid.map((point) => ({
        point,
        rmse: 1,
        ll: validationLl(
          split,
          base.findIndex((b) => b.dropout === point.dropout),
          point.lr ?? 0.03,
        ),
      }));
      const best = validation.reduce((a, v) => (v.ll > a.ll ? v : a));
      const lr = best.point.lr ?? 0.03;
      return { split, trainRows: 48, testRows: 12, chosen: best.point, rmse: 1 + split + lr, ll: -1 - split - lr, validation };
    });
    const settings: Record<string, unknown> = { method: 'mc-dropout', inputDim: 3, hidden: [8], activation: 'relu', epochs: 5, batchSize: 128, lr: 0.03, schedule: 'cosine' };
    Object.assign(settings, { optimizer: 'adam', samples: 64, validationSamples: 64, validationFraction: 0.2, grid, members: 1, splits: 2, seed: 0 });
    change(settings);
    const timing = { wallMs: 1000, trainMs: 800, scoreMs: 200, trainCalls: (rates ?? [0.03]).map(() => ({ phase: 'search', models: base.length * 2, epochs: 5, ms: 700 })) };
    return {
      ...summarize({ dataset: 'toy', settings: settings as never, splits, timing: timing as never }, adapter, null),
    };
  };
  const named = (name: string, summary: UciSummary) => ({ name, summary });
  const withCalls = (s: UciSummary, models: number): UciSummary => ({ ...s, timing: { ...s.timing, trainCalls: [{ phase: 'search', models, epochs: 5, ms: 1 }] } });

  it('gives the choices and test scores of the run searching every rate, in its grid order', () => {
    const merged = mergeRateSearches([named('plain.json', run(null)), named('fast.json', run([0.1]))]);
    const together = run([0.03, 0.1]);
    expect(merged.settings.grid).toEqual(together.settings.grid);
    expect(merged.splits).toEqual(together.splits);
    expect(merged.splits.map((s) => s.chosen.lr)).toEqual([0.1, 0.03]);
    expect([merged.rmse, merged.ll]).toEqual([together.rmse, together.ll]);
    expect(merged.mergedFrom).toEqual(['plain.json', 'fast.json']);
    expect(merged.timing.wallMs).toBe(2000);
    expect(merged.timing.trainCalls).toHaveLength(2);
    // A merged file merges again with a third rate.
    const third = run([0.2]);
    expect(mergeRateSearches([named('both.json', merged), named('slow.json', third)]).splits).toEqual(run([0.03, 0.1, 0.2]).splits);
    // The order given is the grid's order, as in --lr-grid.
    expect(mergeRateSearches([named('fast.json', run([0.1])), named('plain.json', run(null))]).settings.grid).toEqual(run([0.1, 0.03]).settings.grid);
    expect(summaryMarkdown(merged, 'SwiftShader', 'npm run uci -- --merge plain.json,fast.json')).toMatch(/Merged from plain\.json, fast\.json/);
  });

  it.each<[string, () => UciSummary[], RegExp]>([
    ['one run', () => [run(null)], /at least two runs/],
    ['a rate in two runs', () => [run(null), run([0.03, 0.1])], /rate 0\.03 was also searched by a\.json/],
    ['other epochs', () => [run(null), run([0.1], (s) => (s['epochs'] = 6))], /b\.json: settings\.epochs is 6, a\.json has 5/],
    [
      'another base grid',
      () => [run(null), run([0.1], (s) => (s['grid'] = [base[0], { dropout: 0.1, tau: 1 }].map((p) => ({ ...p, lr: 0.1 }))))],
      /b\.json: the base grid \(points without their rate\) is/,
    ],
    ['no search', () => [run(null), run([0.1], (s) => (s['grid'] = [{ dropout: 0.01, tau: 1, lr: 0.1 }]))], /searched no grid/],
    [
      'a run that trained its rates in one call (before they had calls of their own)',
      () => [run(null), withCalls(run([0.1, 0.2]), 8)],
      /b\.json: a search call trained more models than one rate has \(4\)/,
    ],
    [
      'a grid that is not a full cross',
      () => [run(null), run([0.1], (s) => (s['grid'] = [...base.map((p) => ({ ...p, lr: 0.1 })), { dropout: 0.01, tau: 1, lr: 0.2 }]))],
      /not the base grid crossed/,
    ],
  ])('refuses %s, naming the problem', (_what, runs, message) => {
    const files = runs().map((summary, i) => named(`${'ab'[i] ?? 'c'}.json`, summary));
    expect(() => mergeRateSearches(files)).toThrow(InvalidInputError);
    expect(() => mergeRateSearches(files)).toThrow(message);
  });

  it('through the runner: files written; a bad file is one line, exit 2', async () => {
    const dir = join(root, 'merge');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'plain.json'), summaryJson(run(null)));
    await writeFile(join(dir, 'fast.json'), summaryJson(run([0.1])));
    const outDir = join(dir, 'out');
    const r = await uci(['--merge', `${join(dir, 'plain.json')},${join(dir, 'fast.json')}`, '--out-dir', outDir, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as UciSummary;
    expect(j.splits.map((s) => s.chosen.lr)).toEqual([0.1, 0.03]);
    expect(JSON.parse(readFileSync(join(outDir, 'toy-mc-dropout.json'), 'utf8'))).toEqual(j);
    expect(readFileSync(join(outDir, 'toy-mc-dropout.md'), 'utf8')).toContain('the sum of the 2 merged runs');
    const bad = await uci(['--merge', `${join(dir, 'plain.json')},${join(dir, 'nope.json')}`]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^uci: cannot read '.*nope\.json'/);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describeGpu('the protocol on the GPU (tiny: 2 splits, 2-point grid, 5 epochs)', () => {
  const context = () => Promise.resolve(gpu!);

  it('searching more learning rates only adds candidates: the others keep their models, scores and choices', async () => {
    const d = await loadUciDataset(good);
    const base = { method: 'mc-dropout', epochs: 5, samples: 32, validationSamples: 32 } as const;
    const plain = await runUciProtocol(gpu!, d, { ...base, lr: MC_DROPOUT_LR });
    // The default searches MC_DROPOUT_RATES = [MC_DROPOUT_LR, 1e-1].
    const both = await runUciProtocol(gpu!, d, base);
    const alone = await runUciProtocol(gpu!, d, { ...base, learningRates: [1e-1] });
    const at = (run: typeof both, split: number, lr: number) =>
      run.splits[split]!.validation.filter((v) => v.point.lr === lr).map((v) => [v.point.dropout, v.point.tau, v.rmse, v.ll]);
    for (const split of [0, 1]) {
      const own = plain.splits[split]!.validation.map((v) => [v.point.dropout, v.point.tau, v.rmse, v.ll]);
      expect(at(both, split, MC_DROPOUT_LR)).toEqual(own);
      expect(at(both, split, 1e-1)).toEqual(at(alone, split, 1e-1));
      expect(at(both, split, 1e-1)).not.toEqual(own);
      // The final model has the same streams whichever rate won, so a split whose choice is
      // unchanged keeps its test scores bit for bit.
      const winner = both.splits[split]!.chosen.lr === 1e-1 ? alone : plain;
      expect([both.splits[split]!.rmse, both.splits[split]!.ll]).toEqual([winner.splits[split]!.rmse, winner.splits[split]!.ll]);
    }
    // Merging the two single-rate runs gives the run searching both.
    const merged = mergeRateSearches([
      { name: 'plain', summary: summarize(plain, gpu!.adapter, null) },
      { name: 'alone', summary: summarize(alone, gpu!.adapter, null) },
    ]);
    expect(merged.splits).toEqual(summarize(both, gpu!.adapter, null).splits);
    // One call per rate in the search, one final call.
    expect(both.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([
      ['search', 4],
      ['search', 4],
      ['final', 2],
    ]);
  });

  it('mc-dropout through the runner: JSON on stdout, files, the grid searched per split', async () => {
    const outDir = join(root, 'out');
    const r = await uci(['--data-dir', good, '--method', 'mc-dropout', '--epochs', '5', '--samples', '64', '--max-models-per-call', '3', '--json', '--out-dir', outDir], context);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      rmse: { mean: number; se: number };
      ll: { mean: number; se: number };
      splits: { split: number; rmse: number; ll: number; chosen: { dropout: number; tau: number; lr: number }; validation: unknown[]; trainRows: number; testRows: number }[];
      settings: { epochs: number; samples: number; grid: unknown[] };
      timing: { trainCalls: { phase: string; models: number }[] };
      published: { column: string }[];
    };
    expect(Object.keys(j).slice(0, 3)).toEqual(['rmse', 'll', 'splits']);
    for (const s of [j.rmse, j.ll]) {
      expect(Number.isFinite(s.mean)).toBe(true);
      expect(s.se).toBeGreaterThanOrEqual(0);
    }
    expect(j.splits.map((s) => s.split)).toEqual([0, 1]);
    for (const s of j.splits) {
      expect(s).toMatchObject({ trainRows: 48, testRows: 12 });
      expect(s.validation).toHaveLength(4);
      expect([0.01, 0.05]).toContain(s.chosen.dropout);
      expect([MC_DROPOUT_LR, 1e-1]).toContain(s.chosen.lr);
      expect(Number.isFinite(s.rmse) && Number.isFinite(s.ll)).toBe(true);
    }
    expect(j.rmse.mean).toBeCloseTo((j.splits[0]!.rmse + j.splits[1]!.rmse) / 2, 10);
    expect(j.settings).toMatchObject({ epochs: 5, samples: 64, lr: MC_DROPOUT_LR, schedule: 'cosine' });
    // 4 search models per rate under a cap of 3 per call: 2 calls of 2 per rate; then 2 final
    // models in one call.
    expect(j.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([
      ['search', 2],
      ['search', 2],
      ['search', 2],
      ['search', 2],
      ['final', 2],
    ]);
    expect(j.published.map((c) => c.column)).toEqual(['VI', 'MC dropout']);
    expect(r.stderr).toMatch(/search: training 2 models together \(call 1\/4\)/);
    const files = ['toy-small-mc-dropout.json', 'toy-small-mc-dropout.md'].map((f) => join(outDir, f));
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(JSON.parse(readFileSync(files[0]!, 'utf8'))).toMatchObject({ rmse: j.rmse, ll: j.ll });
    expect(readFileSync(files[1]!, 'utf8')).toContain('| MC dropout | 1.20 ± 0.05 | -1.90 ± 0.03 |');
  });

  it('mc-dropout --heteroscedastic through the runner: the head reaches train(), the grid drops tau, the files and summary name the variant', async () => {
    const outDir = join(root, 'out-hetero');
    const argv = ['--data-dir', good, '--method', 'mc-dropout', '--epochs', '3', '--samples', '32', '--splits', '1', '--lr', '1e-2', '--json', '--out-dir', outDir];
    const r = await uci([...argv, '--heteroscedastic'], context);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { splits: { chosen: Record<string, number>; rmse: number; ll: number }[]; settings: { heteroscedastic?: boolean; grid: unknown[] } };
    expect(j.settings.heteroscedastic).toBe(true);
    expect(j.settings.grid).toEqual([{ dropout: 0.01 }, { dropout: 0.05 }]);
    expect(j.splits[0]!.chosen.tau).toBeUndefined();
    expect(Number.isFinite(j.splits[0]!.ll)).toBe(true);
    const md = readFileSync(join(outDir, 'toy-small-mc-dropout-heteroscedastic.md'), 'utf8');
    expect(md).toContain('# UCI toy-small: mc-dropout heteroscedastic');
    expect(md).toContain('heteroscedastic noise head');
    expect(existsSync(join(outDir, 'toy-small-mc-dropout-heteroscedastic.json'))).toBe(true);
    // The plain run of the same settings scores differently (another network, the τ grid).
    const plain = await uci(argv, context);
    expect(plain.code).toBe(0);
    expect((JSON.parse(plain.stdout) as { splits: { ll: number }[] }).splits[0]!.ll).not.toBe(j.splits[0]!.ll);
    // β-NLL reaches train() (another score) and names its own files.
    const beta = await uci([...argv, '--heteroscedastic', '--beta-nll', '0.5'], context);
    expect(beta.code).toBe(0);
    const jb = JSON.parse(beta.stdout) as { splits: { ll: number }[]; settings: { betaNll?: number } };
    expect(jb.settings.betaNll).toBe(0.5);
    expect(Number.isFinite(jb.splits[0]!.ll)).toBe(true);
    expect(jb.splits[0]!.ll).not.toBe(j.splits[0]!.ll);
    expect(readFileSync(join(outDir, 'toy-small-mc-dropout-heteroscedastic-beta-nll-0.5.md'), 'utf8')).toContain('beta-NLL (beta 0.5)');
  });

  it('concrete-dropout through the runner: the Adam rates searched per split, models at their learnt rates', async () => {
    const outDir = join(root, 'out-concrete');
    const r = await uci(['--data-dir', good, '--method', 'concrete-dropout', '--epochs', '3', '--samples', '32', '--splits', '1', '--json', '--out-dir', outDir], context);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { splits: { chosen: { lr: number }; validation: unknown[]; ll: number }[]; settings: { grid: unknown[] } };
    expect(j.settings.grid).toEqual(CONCRETE_DROPOUT_RATES.map((lr) => ({ lr })));
    expect(j.splits[0]!.validation).toHaveLength(CONCRETE_DROPOUT_RATES.length);
    expect(CONCRETE_DROPOUT_RATES).toContain(j.splits[0]!.chosen.lr);
    expect(Number.isFinite(j.splits[0]!.ll)).toBe(true);
    expect(existsSync(join(outDir, 'toy-small-concrete-dropout.json'))).toBe(true);
  });

  it('ensemble: the epochs searched with the whole mixture per point, then the chosen epochs; vi: the prior-scale grid', async () => {
    const d = await loadUciDataset(good);
    const ens = await runUciProtocol(gpu!, d, { method: 'ensemble', members: 2, epochs: 6 });
    // Points n_epochs (1) and 10 x n_epochs (10), scaled by 6/10: 1 and 6 epochs. One train() call
    // per epochs: 2 splits x 2 members each; then 2 splits x 2 members for the chosen epochs.
    expect(ens.settings.grid).toEqual([{ epochs: 1 }, { epochs: 6 }]);
    const search = ens.timing.trainCalls.filter((c) => c.phase === 'search');
    expect(search.map((c) => [c.models, c.epochs])).toEqual([
      [4, 1],
      [4, 6],
    ]);
    const finals = ens.timing.trainCalls.filter((c) => c.phase === 'final');
    expect(finals.reduce((n, c) => n + c.models, 0)).toBe(4);
    expect(ens.splits).toHaveLength(2);
    for (const s of ens.splits) {
      expect(s.validation.map((v) => v.point)).toEqual([{ epochs: 1 }, { epochs: 6 }]);
      const best = s.validation.reduce((a, v) => (v.ll > a.ll ? v : a));
      expect(s.chosen).toEqual(best.point);
      expect(finals.some((c) => c.epochs === s.chosen.epochs)).toBe(true);
      expect(Number.isFinite(s.ll)).toBe(true);
    }
    expect(ens.settings).toMatchObject({ lr: 1e-2, schedule: 'constant', members: 2, ensembleDensity: 'moment-matched', adversarialEpsilon: 0.01 });
    // The same seeds train the same members; scored as the mixture, the validation RMSEs stay and
    // the log-likelihoods change.
    const mixture = await runUciProtocol(gpu!, d, { method: 'ensemble', members: 2, epochs: 6, ensembleDensity: 'mixture' });
    expect(mixture.settings.ensembleDensity).toBe('mixture');
    for (const [k, s] of mixture.splits.entries()) {
      const other = ens.splits[k]!.validation;
      expect(s.validation.map((v) => v.rmse)).toEqual(other.map((v) => v.rmse));
      s.validation.forEach((v, i) => expect(v.ll).not.toBe(other[i]!.ll));
    }
    // Adversarial training reaches train(): same seeds, other members.
    const small = { method: 'ensemble', members: 2, epochs: 4, splits: 1 } as const;
    const adversarial = await runUciProtocol(gpu!, d, { ...small, adversarialEpsilon: 0.05 });
    const plain = await runUciProtocol(gpu!, d, { ...small, adversarialEpsilon: 0 });
    expect(adversarial.settings.adversarialEpsilon).toBe(0.05);
    expect(plain.settings.adversarialEpsilon).toBeUndefined();
    expect(adversarial.splits[0]!.validation.map((v) => v.rmse)).not.toEqual(plain.splits[0]!.validation.map((v) => v.rmse));
    const fixed = await runUciProtocol(gpu!, d, { method: 'ensemble', members: 2, epochs: 3, lr: 5e-3, splits: 1, maxModelsPerCall: 1 });
    expect(fixed.settings.lr).toBe(5e-3);
    // 2 points x 2 members, one model per call, each call at its point's epochs.
    expect(fixed.timing.trainCalls.filter((c) => c.phase === 'search').map((c) => [c.models, c.epochs])).toEqual([
      [1, 1],
      [1, 1],
      [1, 3],
      [1, 3],
    ]);
    // The default prior-scale grid: 3 search models for 1 split, then the final one.
    const vi = await runUciProtocol(gpu!, d, { method: 'vi', splits: 1, epochs: 3, samples: 32 });
    expect(vi.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([
      ['search', 3],
      ['final', 1],
    ]);
    expect(vi.splits[0]?.validation.map((v) => v.point)).toEqual([{ priorScale: 0.1 }, { priorScale: 0.3 }, { priorScale: 1 }]);
    const one = await runUciProtocol(gpu!, d, { method: 'vi', splits: 1, epochs: 3, samples: 32, priorScales: [1], schedule: 'cosine' });
    expect(one.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([['final', 1]]);
    expect(one.settings.schedule).toBe('cosine');
    // The learning rate searched on validation: 1 scale x 2 rates, then the chosen one.
    const searched = await runUciProtocol(gpu!, d, { method: 'vi', splits: 1, epochs: 3, samples: 32, priorScales: [1], learningRates: [1e-2, 3e-2] });
    // Each rate searched in its own call (see protocol.ts: a point's streams ignore the other rates).
    expect(searched.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([
      ['search', 1],
      ['search', 1],
      ['final', 1],
    ]);
    expect(searched.splits[0]?.validation.map((v) => v.point)).toEqual([
      { priorScale: 1, lr: 1e-2 },
      { priorScale: 1, lr: 3e-2 },
    ]);
    expect([1e-2, 3e-2]).toContain(searched.splits[0]?.chosen.lr);
    expect(vi.settings.schedule).toBe('constant');
    expect(ens.settings.schedule).toBe('constant');
    expect(vi.settings).toMatchObject({ method: 'vi', lr: 1e-2, hidden: [8], splits: 1 });
    expect(Number.isFinite(vi.splits[0]!.rmse)).toBe(true);
  });

  it('swag: the SWA epochs scaled with the run, each searched rate in its own trainSwag call, the draws scored', async () => {
    const d = await loadUciDataset(good);
    const run = await runUciProtocol(gpu!, d, { method: 'swag', splits: 1, epochs: 4, learningRates: [1e-2, 3e-3] });
    // 40 SWA epochs against 10 x n_epochs, scaled by 4 / 10.
    expect(run.settings.swag).toMatchObject({ swaEpochs: 16, rank: 20, samples: 30 });
    expect(run.timing.trainCalls.map((c) => [c.phase, c.models, c.epochs])).toEqual([
      ['search', 1, 4],
      ['search', 1, 4],
      ['final', 1, 4],
    ]);
    expect(run.splits[0]!.validation.map((v) => v.point)).toEqual([{ lr: 1e-2 }, { lr: 3e-3 }]);
    expect([1e-2, 3e-3]).toContain(run.splits[0]!.chosen.lr);
    expect(Number.isFinite(run.splits[0]!.ll)).toBe(true);
  });

  it("sgmcmc --warm-start: the step sizes searched from a MAP fit, each candidate scored as the mixture of its chain's samples", async () => {
    const d = await loadUciDataset(good);
    const run = await runUciProtocol(gpu!, d, { method: 'sgmcmc', splits: 1, epochs: 6, samples: 32, warmStart: true });
    // One call per step size in the search (each at its own seed), then the final one.
    expect(run.timing.trainCalls.map((c) => [c.phase, c.models])).toEqual([
      ['search', 1],
      ['search', 1],
      ['search', 1],
      ['final', 1],
    ]);
    expect(run.splits[0]?.validation.map((v) => v.point)).toEqual(SGMCMC_WARM_STEP_SIZES.map((lr) => ({ lr })));
    expect(run.settings).toMatchObject({ method: 'sgmcmc', optimizer: 'sampler', warmStart: true, sampler: { kind: 'sghmc', cycles: 1, samplesPerCycle: 1 } });
    expect(methodLabel({ method: run.settings.method, settings: run.settings })).toBe('sgmcmc warm-start');
    // The ensemble scored by its mixture density is a variant of its own (the moment-matched one keeps the plain name).
    expect(methodLabel({ method: 'ensemble', settings: { ...run.settings, method: 'ensemble', warmStart: undefined, ensembleDensity: 'mixture' } as never })).toBe(
      'ensemble mixture',
    );
    expect(methodLabel({ method: 'ensemble', settings: { ...run.settings, method: 'ensemble', warmStart: undefined, ensembleDensity: 'moment-matched' } as never })).toBe(
      'ensemble',
    );
    for (const v of run.splits[0]!.validation) expect(Number.isFinite(v.ll)).toBe(true);
    expect(Number.isFinite(run.splits[0]!.ll)).toBe(true);
  });
});
