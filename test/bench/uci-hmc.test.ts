/**
 * `npm run uci -- --method hmc`: its plan (grid, sampler settings, scoring as the mixture of the
 * kept samples), its mistakes, and a tiny protocol run on the GPU (1 split of a 60-row toy folder,
 * 2 chains of a few samples each).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUciDataset, type UciDataset } from '../../bench/uci/dataset.js';
import { HMC_UCI_SETTINGS, methodPlan } from '../../bench/uci/methods.js';
import { runUciProtocol } from '../../bench/uci/protocol.js';
import { describeSettings, methodLabel } from '../../bench/uci/summary.js';
import { InvalidInputError } from '../../src/errors.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

const ROWS = 60;
let root = '';
let dataset: UciDataset;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'webgpu-bnn-uci-hmc-'));
  const dir = join(root, 'toy');
  await mkdir(dir);
  const rand = testRng(11);
  const rows = Array.from({ length: ROWS }, () => {
    const a = 2 * rand() - 1;
    const b = 2 * rand() - 1;
    return `${a} ${b} ${10 + 3 * a - 2 * b * b + 0.1 * (rand() - 0.5)}`;
  });
  const files: Record<string, string> = {
    'data.txt': rows.join('\n') + '\n',
    'index_features.txt': '0\n1\n',
    'index_target.txt': '2\n',
    'n_splits.txt': '2\n',
    'n_hidden.txt': '8\n',
    'n_epochs.txt': '2\n',
  };
  for (let k = 0; k < 2; k++) {
    const order = Array.from({ length: ROWS }, (_, i) => (i * (k === 0 ? 7 : 13) + k) % ROWS);
    files[`index_train_${k}.txt`] = order.slice(0, 48).join('\n') + '\n';
    files[`index_test_${k}.txt`] = order.slice(48).join('\n') + '\n';
  }
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  dataset = await loadUciDataset(dir);
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("the UCI plan of 'hmc'", () => {
  it('grid of prior scales (default {1}), the sampler settings over the defaults, full-batch MAP pre-fit at 1e-2', () => {
    const plan = methodPlan(dataset, 'hmc');
    expect(plan.trainMethod).toBe('hmc');
    expect(plan.grid).toEqual([{ priorScale: 1 }]);
    expect(plan.hmc).toEqual(HMC_UCI_SETTINGS);
    expect(plan.lr).toBe(1e-2);
    expect(plan.baseEpochs).toBe(20);
    expect(plan.hyper({ priorScale: 0.3 }, 0)).toEqual({ priorScale: 0.3 });
    const custom = methodPlan(dataset, 'hmc', { priorScales: [0.3, 1], hmc: { chains: 2, samples: 10 } });
    expect(custom.grid).toEqual([{ priorScale: 0.3 }, { priorScale: 1 }]);
    expect(custom.hmc).toEqual({ ...HMC_UCI_SETTINGS, chains: 2, samples: 10 });
    expect(methodPlan(dataset, 'hmc', { heteroscedastic: true }).heteroscedastic).toBe(true);
    // NUTS chooses its trajectories' lengths: the fixed L is not passed on.
    const { leapfrogSteps: _fixed, ...rest } = HMC_UCI_SETTINGS;
    expect(methodPlan(dataset, 'hmc', { hmc: { algorithm: 'nuts', maxTreeDepth: 6 } }).hmc).toEqual({ ...rest, algorithm: 'nuts', maxTreeDepth: 6 });
  });

  it('mistakes are typed errors', () => {
    expect(() => methodPlan(dataset, 'vi', { hmc: { chains: 2 } })).toThrow(InvalidInputError);
    expect(() => methodPlan(dataset, 'ensemble', { heteroscedastic: true })).toThrow(/heteroscedastic/);
    expect(() => methodPlan(dataset, 'hmc', { priorScales: [0] })).toThrow(/prior scales/);
  });
});

describeGpu("the 'hmc' protocol on the GPU (1 split, 2 chains, a few samples)", () => {
  it('scores every split on the mixture of its chains’ kept samples', async () => {
    const run = await runUciProtocol(gpu!, dataset, { method: 'hmc', splits: 1, epochs: 30, hmc: { chains: 2, warmup: 10, samples: 4, thin: 1, leapfrogSteps: 5 } });
    expect(run.splits).toHaveLength(1);
    expect(describeSettings(run.settings)).toMatch(
      /^2-8-1 relu, HMC: 2 chains, each after 30 full-batch Adam steps \(lr 0.01\), 10 warm-up transitions, 4 samples kept every 1 transitions of 5 leapfrog steps, scored as the mixture of the 8 sampled networks/,
    );
    for (const s of run.splits) {
      expect(s.chosen).toEqual({ priorScale: 1 });
      // y's std is about 2 here: the posterior's mixture predicts well below it.
      expect(s.rmse).toBeLessThan(1);
      expect(Number.isFinite(s.ll)).toBe(true);
    }
  });

  it('--nuts: the No-U-Turn sampler in the settings, the label and the scores', async () => {
    const run = await runUciProtocol(gpu!, dataset, {
      method: 'hmc',
      splits: 1,
      epochs: 30,
      hmc: { algorithm: 'nuts', maxTreeDepth: 4, chains: 2, warmup: 10, samples: 4, thin: 1 },
    });
    expect(describeSettings(run.settings)).toMatch(
      /10 warm-up transitions, 4 samples kept every 1 transitions of NUTS \(tree depth at most 4\), scored as the mixture of the 8 sampled networks/,
    );
    expect(methodLabel({ method: 'hmc', settings: run.settings })).toBe('hmc nuts');
    expect(run.splits[0]!.rmse).toBeLessThan(1);
    expect(Number.isFinite(run.splits[0]!.ll)).toBe(true);
  });
});
