/**
 * The Fashion-MNIST benchmark's webgpu-bnn side end to end on a tiny synthetic folder (4x4 images,
 * 40 training rows, hidden 8, 3 epochs): every method trains with likelihood 'categorical' and
 * predicts, the JSON carries each method's metrics and AUROCs, and the library's metrics
 * (computed on the GPU in float32) agree with the benchmark's float64 recomputation from the
 * returned probabilities. Tolerance 1e-5: the mean NLL and Brier of 20 rows from float32
 * probabilities differ from float64 sums of the same float32 values by a few float32 roundings
 * (~1e-7 relative each); accuracy and ECE only move if a probability sits on a bin edge or a tie,
 * which the synthetic data does not produce.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runFmnistCli } from '../../bench/fmnist/command.js';
import { writeSyntheticFashionMnist } from '../support/fmnist-folder.js';
import { describeGpu, gpuContext } from '../support/gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'fmnist-gpu-test-'));
writeSyntheticFashionMnist(dir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface MethodJson {
  accuracy: number;
  nll: number;
  brier: number;
  ece: number;
  auroc: { entropy: { ood: number; noise: number }; mutualInformation: { ood: number; noise: number } };
  largestMetricDifference: number;
  trainSeconds: number;
  predictSeconds: number;
}

describeGpu('the Fashion-MNIST benchmark on the GPU (tiny synthetic folder)', () => {
  it('trains and predicts every method and agrees with its own metrics', async () => {
    let out = '';
    let err = '';
    const argv = ['--data-dir', dir, '--no-torch', '--json', '--train-per-class', '8', '--test-per-class', '4', '--noise', '6', '--hidden', '8', '--epochs', '3'];
    const code = await runFmnistCli([...argv, '--samples', '4', '--members', '2'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      context: () => Promise.resolve(gpuContext()),
    });
    expect(err).not.toMatch(/error/i);
    expect(code, err).toBe(0);
    const json = JSON.parse(out) as { webgpuBnn: Record<string, MethodJson>; torch: unknown };
    expect(json.torch).toBeNull();
    expect(Object.keys(json.webgpuBnn)).toEqual(['mc-dropout', 'vi', 'ensemble']);
    for (const [method, r] of Object.entries(json.webgpuBnn)) {
      expect(r.largestMetricDifference, method).toBeLessThan(1e-5);
      for (const v of [r.accuracy, r.ece, r.auroc.entropy.ood, r.auroc.entropy.noise, r.auroc.mutualInformation.ood, r.auroc.mutualInformation.noise]) {
        expect(v, method).toBeGreaterThanOrEqual(0);
        expect(v, method).toBeLessThanOrEqual(1);
      }
      expect(Number.isFinite(r.nll) && r.nll > 0, method).toBe(true);
      expect(r.brier, method).toBeGreaterThan(0);
      expect(r.trainSeconds, method).toBeGreaterThan(0);
    }
  }, 600_000);
});
