/** The peer benchmark's tables: ratio and peak arithmetic, formatting, the cross-check, and the tables from records. */
import { describe, expect, it } from 'vitest';
import {
  buildCells,
  crossCheck,
  formatBytes,
  formatMs,
  formatPercent,
  formatRatio,
  gflopsOf,
  gpuRuntime,
  implLabel,
  markdownTable,
  peakFraction,
  predictTables,
  ratioTo,
  trainTable,
  type PeakRecord,
  type Reference,
  type ResultRecord,
} from '../../../bench/peers/lib/report.js';
import { CONFIGS, type Config } from '../../../bench/peers/lib/workload.js';

const A1: Config = CONFIGS[0] ?? { id: 'missing', dataset: 'uci', N: 1, S: 1 };

function record(impl: string, ms: number, extra: Record<string, unknown> = {}, mean = [0.25], variance = [0.26], lpd = [-1]): ResultRecord {
  return { impl, config: A1.id, N: 1, S: A1.S, dOut: 1, median_ms: ms, reps: 10, warmup: 3, reduced: 0, extra, stats: { mean, variance, lpd } };
}
const peak = (impl: string, gflops: number): PeakRecord => ({ impl, peak: { best: { gflops_wall: gflops, op: 'fma', nacc: 4, unroll: 8 } } });
// Epistemic variance 0.01 (predictive 0.26 - sigma² 0.25): S = 1000 gives a standard error of the mean ≈ 0.1/sqrt(1000).
const ref: Reference = { S_ref: 20000, mean: [0.25], epivar: [0.01], lpd: [-1] };

describe('peer report arithmetic', () => {
  it('ratio to PyTorch is time over PyTorch time, null without one', () => {
    expect(ratioTo(30, 10)).toBe(3);
    expect(ratioTo(5, 10)).toBe(0.5);
    expect(ratioTo(5, undefined)).toBeNull();
    expect(ratioTo(5, 0)).toBeNull();
    expect(ratioTo(NaN, 10)).toBeNull();
  });

  it('GFLOP/s and the fraction of the FMA peak', () => {
    expect(gflopsOf(2e9, 1000)).toBe(2);
    expect(gflopsOf(1.3e7, 13)).toBeCloseTo(1, 12);
    expect(peakFraction(2e9, 1000, 8)).toBe(0.25);
    expect(peakFraction(2e9, 1000, undefined)).toBeNull();
    expect(peakFraction(2e9, 1000, 0)).toBeNull();
  });

  it('formats times with the budget markers, ratios, percentages and bytes', () => {
    expect([formatMs(1234.4), formatMs(23.71), formatMs(0.456), formatMs(3000, 1), formatMs(9000, 2), formatMs(NaN)]).toEqual(['1234', '23.7', '0.46', '3000*', '9000**', '-']);
    expect([formatRatio(2.125), formatRatio(null)]).toEqual(['2.13x', '-']);
    expect([formatPercent(0.5), formatPercent(0.0123), formatPercent(null)]).toEqual(['50%', '1.2%', '-']);
    expect([formatBytes(15862592), formatBytes(454608), formatBytes(null)]).toEqual(['15.1 MiB', '444.0 KiB', '-']);
  });

  it('writes a Markdown table and refuses a ragged row', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']])).toBe('| a | b |\n|---|---:|\n| x | 1 |');
    expect(() => markdownTable(['a', 'b'], [['x']])).toThrow(/1 cells, the header 2/);
  });

  it('knows which implementations run on the adapter, and on which runtime', () => {
    expect(
      ['engine-default-node', 'engine-marginal-chromium', 'wgsl-fused-v3-dawn-node', 'tfjs-webgpu-chromium', 'torch-cpu', 'tfjs-wasm-node', 'naive-js-node'].map(gpuRuntime),
    ).toEqual(['node', 'chromium', 'node', 'chromium', null, null, null]);
    expect(implLabel('engine-default-node')).toBe('webgpu-bnn default options, Node');
    expect(implLabel('engine-materialized-chromium')).toBe('webgpu-bnn materialized, Chromium');
    expect(implLabel('something-new')).toBe('something-new');
  });
});

describe('peer cross-check', () => {
  it('passes the reference itself and fails a mean 10 standard errors away', () => {
    expect(crossCheck(record('x', 1), ref)?.pass).toBe(true);
    const se = Math.sqrt(0.01 / 1000 + 0.01 / 20000);
    const off = crossCheck(record('x', 1, {}, [0.25 + 10 * se]), ref);
    // The check's standard error adds a float32 floor of 1e-6·|mean| + 1e-7 to se.
    expect(off?.maxZ).toBeCloseTo((10 * se) / (se + 1e-6 * 0.25 + 1e-7), 9);
    expect(off?.pass).toBe(false);
  });

  it('fails an epistemic variance off by a factor of two, and any NaN', () => {
    const wide = crossCheck(record('x', 1, {}, [0.25], [0.27]), ref);
    expect(wide?.varianceRatio).toBeCloseTo(2, 6);
    expect(wide?.pass).toBe(false);
    expect(crossCheck(record('x', 1, {}, [0.25], [0.26], [NaN]), ref)?.pass).toBe(false);
    expect(crossCheck(record('x', 1, {}, [NaN]), ref)?.pass).toBe(false);
  });
});

describe('peer tables', () => {
  const records = [record('engine-default-node', 40, { peakGpuBytes: 454608 }), record('torch-cpu', 20), record('engine-default-chromium', 10), record('tfjs-wasm-node', 60)];
  const peaks = [peak('wgsl-peak-dawn-node', 13), peak('wgsl-peak-chromium', 26)];
  const cells = buildCells(records, peaks, { uci: ref }, [A1]);

  it('orders PyTorch first, then the engine, and computes each ratio in the run', () => {
    expect(cells.map((c) => [c.impl, c.ratioToTorch])).toEqual([
      ['torch-cpu', 1],
      ['engine-default-node', 2],
      ['engine-default-chromium', 0.5],
      ['tfjs-wasm-node', 3],
    ]);
  });

  it('divides by the peak of the same runtime, and not at all on the CPU', () => {
    const flops = 2 * 1000 * 3200 + 2 * 1000 * 3301;
    const byImpl = new Map(cells.map((c) => [c.impl, c]));
    expect(byImpl.get('engine-default-node')?.peakFraction).toBeCloseTo(flops / 0.04 / 1e9 / 13, 12);
    expect(byImpl.get('engine-default-chromium')?.peakFraction).toBeCloseTo(flops / 0.01 / 1e9 / 26, 12);
    expect(byImpl.get('torch-cpu')?.peakFraction).toBeNull();
    expect(byImpl.get('engine-default-node')?.peakGpuBytes).toBe(454608);
    expect(byImpl.get('torch-cpu')?.peakGpuBytes).toBeNull();
  });

  it('prints one table per configuration with every cell', () => {
    const text = predictTables(cells, [A1]);
    expect(text).toContain('A-uci-N1: 13-50-50-1, S=1000, N=1');
    expect(text).toContain('| webgpu-bnn default options, Node | 40.0 | 2.00x | 0.33 | 2.5% | 444.0 KiB | 10 | pass (z 0.0) |');
    expect(text).toContain('| PyTorch CPU (bmm, 2 threads) | 20.0 | 1.00x | 0.65 | - | - | 10 | pass (z 0.0) |');
  });

  it('prints the training table against PyTorch', () => {
    const text = trainTable([
      { impl: 'train-engine-node', models: 240, epochs: 3, ms_per_epoch: 4500 },
      { impl: 'train-torch-cpu', models: 240, epochs: 6, ms_per_epoch: 1500 },
    ]);
    expect(text.split('\n').slice(2)).toEqual([
      '| PyTorch CPU, one batched model (bmm), 2 threads | 240 | 1500.0 | 1.00x | 6 |',
      '| webgpu-bnn, Node | 240 | 4500.0 | 3.00x | 3 |',
    ]);
  });
});
