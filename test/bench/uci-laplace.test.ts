/**
 * `npm run uci -- --method laplace` on a tiny synthetic folder in the UCI layout (60 rows, 2 splits,
 * n_hidden 8, a few epochs): the plan (the MAP's prior-scale grid, 'map' training, the structure),
 * its mistakes, and the protocol end to end on the GPU for both structures.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUciCli } from '../../bench/uci/command.js';
import { loadUciDataset } from '../../bench/uci/dataset.js';
import { LAPLACE_UCI_DRAWS, methodPlan } from '../../bench/uci/methods.js';
import { runUciProtocol } from '../../bench/uci/protocol.js';
import { methodLabel, type UciSummary } from '../../bench/uci/summary.js';
import type { CliIo } from '../../src/cli/io.js';
import { captureRun, type CliRun } from '../support/cli-harness.js';
import { describeGpu, gpu } from '../support/gpu.js';
import { testRng } from '../support/model-builders.js';

let root = '';
let folder = '';

/** 60 rows, inputs 0 and 2, target 1; 2 splits of 48 / 12 rows. */
async function writeFolder(): Promise<string> {
  const rand = testRng(13);
  const rows = Array.from({ length: 60 }, () => {
    const a = 2 * rand() - 1;
    const b = 2 * rand() - 1;
    return `${a.toFixed(5)} ${(4 + 2 * a - b * b + 0.1 * (rand() - 0.5)).toFixed(5)} ${b.toFixed(5)}`;
  });
  const files: Record<string, string> = {
    'data.txt': rows.join('\n') + '\n',
    'index_features.txt': '0\n2\n',
    'index_target.txt': '1\n',
    'n_splits.txt': '2\n',
    'n_hidden.txt': '8\n',
    'n_epochs.txt': '1\n',
  };
  for (let k = 0; k < 2; k++) {
    const order = Array.from({ length: 60 }, (_, i) => (i * (k === 0 ? 7 : 13) + k) % 60);
    files[`index_train_${k}.txt`] = order.slice(0, 48).join('\n') + '\n';
    files[`index_test_${k}.txt`] = order.slice(48).join('\n') + '\n';
  }
  const dir = join(root, 'toy-laplace');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'webgpu-bnn-uci-laplace-'));
  folder = await writeFolder();
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function uci(argv: readonly string[], context?: CliIo['context']): Promise<CliRun> {
  return captureRun(runUciCli, argv, context ? { context } : {});
}

describe('the laplace plan', () => {
  it("trains 'map' over the prior-scale grid, cosine Adam 1e-2, last-layer by default", async () => {
    const d = await loadUciDataset(folder);
    const plan = methodPlan(d, 'laplace');
    expect(plan).toMatchObject({ trainMethod: 'map', lr: 1e-2, schedule: 'cosine', members: 1, laplace: { structure: 'last-layer', samples: LAPLACE_UCI_DRAWS } });
    expect(plan.grid).toEqual([{ priorScale: 0.1 }, { priorScale: 0.3 }, { priorScale: 1 }]);
    expect(plan.hyper({ priorScale: 0.3 }, 0)).toEqual({ priorScale: 0.3 });
    expect(methodPlan(d, 'laplace', { laplaceStructure: 'diagonal', priorScales: [2] })).toMatchObject({
      grid: [{ priorScale: 2 }],
      laplace: { structure: 'diagonal', samples: 1 },
    });
    expect(methodPlan(d, 'laplace', { heteroscedastic: true }).heteroscedastic).toBe(true);
    expect(() => methodPlan(d, 'vi', { laplaceStructure: 'diagonal' })).toThrow(/applies to method 'laplace'/);
    expect(() => methodPlan(d, 'vi', { laplaceDraws: 5 })).toThrow(/apply to method 'laplace'/);
    expect(() => methodPlan(d, 'laplace', { laplaceStructure: 'diagonal', laplaceDraws: 5 })).toThrow(/apply to the last-layer and kfac structures/);
    expect(methodPlan(d, 'laplace', { laplaceStructure: 'kfac', laplaceDraws: 7 }).laplace).toMatchObject({ structure: 'kfac', samples: 7 });
    expect(() => methodPlan(d, 'laplace', { laplaceDraws: 2000 })).toThrow(/Laplace draws must be an integer in \[1, 1024\]/);
    expect(methodPlan(d, 'laplace', { laplacePredictive: 'linearized' }).laplace).toMatchObject({ predictive: 'linearized' });
    expect(() => methodPlan(d, 'vi', { laplacePredictive: 'linearized' })).toThrow(/applies to method 'laplace'/);
    expect(methodLabel({ method: 'laplace', settings: { laplace: { structure: 'diagonal', samples: 1, predictive: 'linearized' } } as UciSummary['settings'] })).toBe(
      'laplace diagonal linearized',
    );
    expect(methodLabel({ method: 'laplace', settings: { laplace: { structure: 'diagonal', samples: 1 } } as UciSummary['settings'] })).toBe('laplace diagonal');
    expect(methodLabel({ method: 'laplace', settings: { laplace: { structure: 'last-layer', samples: 100 } } as UciSummary['settings'] })).toBe('laplace');
    expect(methodLabel({ method: 'laplace', settings: { laplace: { structure: 'kfac', samples: 100 } } as UciSummary['settings'] })).toBe('laplace kfac');
  });

  it('--structure mistakes exit 2 with one line', async () => {
    for (const [argv, message] of [
      [['--data-dir', folder, '--method', 'laplace', '--structure', 'kron'], /--structure must be one of last-layer, diagonal, kfac, got 'kron'/],
      [['--data-dir', folder, '--method', 'vi', '--structure', 'diagonal'], /applies to method 'laplace'/],
      [['--data-dir', folder, '--method', 'laplace', '--laplace-predictive', 'glm'], /--laplace-predictive must be sampled or linearized, got 'glm'/],
    ] as const) {
      const r = await uci(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});

describeGpu('the laplace protocol on the GPU (2 splits, 3 epochs)', () => {
  it('last-layer: the draws are scored as their mixture; the choice is the best validation point', async () => {
    const d = await loadUciDataset(folder);
    const run = await runUciProtocol(gpu!, d, { method: 'laplace', epochs: 3, priorScales: [0.3, 1], laplaceDraws: 4 });
    expect(run.settings.laplace).toEqual({ structure: 'last-layer', samples: 4, predictive: 'sampled' });
    for (const s of run.splits) {
      expect(s.validation).toHaveLength(2);
      const best = s.validation.reduce((a, v) => (v.ll > a.ll ? v : a));
      expect(s.chosen).toEqual(best.point);
      expect(Number.isFinite(s.rmse) && Number.isFinite(s.ll)).toBe(true);
    }
  });

  it('diagonal through the runner: files named for the structure, the settings say it', async () => {
    const outDir = join(root, 'out');
    const r = await uci(
      ['--data-dir', folder, '--method', 'laplace', '--structure', 'diagonal', '--prior-scales', '1', '--epochs', '3', '--samples', '64', '--json', '--out-dir', outDir],
      () => Promise.resolve(gpu!),
    );
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { splits: { rmse: number; ll: number }[]; settings: { laplace: unknown } };
    expect(j.settings.laplace).toEqual({ structure: 'diagonal', samples: 1, predictive: 'sampled' });
    expect(j.splits.every((s) => Number.isFinite(s.rmse) && Number.isFinite(s.ll))).toBe(true);
    expect(existsSync(join(outDir, 'toy-laplace-laplace-diagonal.json'))).toBe(true);
    expect(readFileSync(join(outDir, 'toy-laplace-laplace-diagonal.md'), 'utf8')).toContain('Laplace diagonal around the MAP');
  });

  it('the linearised predictive scores the same fits on the host (finite, and not the sampled score)', async () => {
    const d = await loadUciDataset(folder);
    const run = await runUciProtocol(gpu!, d, { method: 'laplace', epochs: 3, priorScales: [1], laplaceStructure: 'diagonal', laplacePredictive: 'linearized', splits: 1 });
    expect(run.settings.laplace).toEqual({ structure: 'diagonal', samples: 1, predictive: 'linearized' });
    const s = run.splits[0]!;
    expect(Number.isFinite(s.rmse) && Number.isFinite(s.ll)).toBe(true);
    // The same run sampled: the same MAP fits (same seeds), scored differently.
    const sampled = await runUciProtocol(gpu!, d, { method: 'laplace', epochs: 3, priorScales: [1], laplaceStructure: 'diagonal', samples: 64, splits: 1 });
    expect(sampled.splits[0]!.ll).not.toBe(s.ll);
  });
});
