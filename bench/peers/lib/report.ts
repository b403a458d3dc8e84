/**
 * The peer benchmark's tables, from the records every implementation writes to results/*.json:
 * per configuration the median ms, the ratio to PyTorch CPU in the same run, nominal GFLOP/s, the
 * fraction of the FMA-peak kernel's GFLOP/s on the same runtime (GPU implementations only: the peak
 * is the adapter's), webgpu-bnn's peak GPU bytes per call, and the cross-check against the float64
 * reference; then the training table. Pure: no files, no GPU.
 */
import { CONFIGS, DATASETS, SIGMA, nominalFlops, type Config } from './workload.js';

export interface ResultRecord {
  readonly impl: string;
  readonly config: string;
  readonly N: number;
  readonly S: number;
  readonly dOut: number;
  readonly median_ms: number;
  readonly reps: number;
  readonly warmup: number;
  readonly reduced?: number;
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly stats?: { readonly mean: readonly number[]; readonly variance: readonly number[]; readonly lpd: readonly number[] };
}

/** The FMA-peak kernel's result on one runtime (results/wgsl-peak-<runtime>.json). */
export interface PeakRecord {
  readonly impl: string;
  readonly peak: { readonly best: { readonly gflops_wall: number; readonly op: string; readonly nacc: number; readonly unroll: number } };
  readonly adapter?: unknown;
}

/** data/ref_<dataset>.json (src/reference.py). */
export interface Reference {
  readonly S_ref: number;
  readonly mean: readonly number[];
  readonly epivar: readonly number[];
  readonly lpd: readonly number[];
}

export interface TrainRecord {
  readonly impl: string;
  readonly models: number;
  readonly epochs: number;
  readonly ms_per_epoch: number;
}

export interface CheckResult {
  readonly maxZ: number;
  readonly varianceRatio: number;
  readonly maxLpdError: number;
  readonly pass: boolean;
}

export interface Cell {
  readonly impl: string;
  readonly label: string;
  readonly config: string;
  readonly medianMs: number;
  readonly reduced: number;
  readonly reps: number;
  readonly ratioToTorch: number | null;
  readonly gflops: number;
  readonly peakFraction: number | null;
  readonly peakGpuBytes: number | null;
  readonly check: CheckResult | null;
}

const STATIC_LABELS: Readonly<Record<string, string>> = {
  'torch-cpu': 'PyTorch CPU (bmm, 2 threads)',
  'naive-js-node': 'plain JS loops, Node (1 thread)',
  'tfjs-wasm-node': 'TF.js wasm, Node',
  'tfjs-cpu-node': 'TF.js cpu, Node',
  'tfjs-webgpu-chromium': 'TF.js webgpu, Chromium',
  'tfjs-wasm-chromium': 'TF.js wasm, Chromium',
};

/** 'node' or 'chromium' for implementations on a WebGPU adapter (their peak is that runtime's FMA peak); null on the CPU. */
export function gpuRuntime(impl: string): 'node' | 'chromium' | null {
  const onGpu = impl.startsWith('engine-') || impl.startsWith('wgsl-') || impl.startsWith('tfjs-webgpu');
  if (!onGpu) return null;
  return impl.endsWith('-chromium') ? 'chromium' : impl.endsWith('-node') ? 'node' : null;
}

export function implLabel(impl: string): string {
  const fixed = STATIC_LABELS[impl];
  if (fixed) return fixed;
  const engine = /^engine-(.+)-(node|chromium)$/.exec(impl);
  if (engine) return `webgpu-bnn ${engine[1] === 'default' ? 'default options' : engine[1]}, ${engine[2] === 'node' ? 'Node' : 'Chromium'}`;
  const wgsl = /^wgsl-fused-(v\d)-(dawn-node|chromium)$/.exec(impl);
  if (wgsl) return `hand-written WGSL fused ${wgsl[1]}, ${wgsl[2] === 'chromium' ? 'Chromium' : 'Node'}`;
  return impl;
}

/** Sort key: PyTorch first, then the engine, then the other peers. */
function implRank(impl: string): number {
  if (impl === 'torch-cpu') return 0;
  if (impl.startsWith('engine-')) return impl.endsWith('-node') ? 1 : 2;
  if (impl.startsWith('wgsl-')) return 3;
  if (impl.startsWith('tfjs-')) return 4;
  return 5;
}

/** time / PyTorch's time at the same configuration (> 1: slower than PyTorch); null without a PyTorch time. */
export function ratioTo(ms: number, torchMs: number | undefined): number | null {
  return torchMs !== undefined && torchMs > 0 && Number.isFinite(ms) ? ms / torchMs : null;
}

export function gflopsOf(flops: number, ms: number): number {
  return flops / (ms / 1e3) / 1e9;
}

/** Achieved nominal GFLOP/s over the peak kernel's GFLOP/s; null without a peak. */
export function peakFraction(flops: number, ms: number, peakGflops: number | undefined): number | null {
  return peakGflops !== undefined && peakGflops > 0 ? gflopsOf(flops, ms) / peakGflops : null;
}

/**
 * WORKLOAD.md's cross-check: the mean's max |z| against the reference (pass < 6), the epistemic
 * variance's summed ratio (pass if |log r| < 4·sqrt(2/S)), the LPD's max error (informative);
 * a NaN anywhere fails.
 */
export function crossCheck(r: ResultRecord, ref: Reference, sigma = SIGMA): CheckResult | null {
  if (!r.stats) return null;
  const K = r.N * r.dOut;
  let maxZ = 0;
  let sum = 0;
  let refSum = 0;
  let maxLpdError = 0;
  let finite = true;
  for (let i = 0; i < K; i++) {
    const v = ref.epivar[i] ?? NaN;
    const m = r.stats.mean[i] ?? NaN;
    const variance = r.stats.variance[i] ?? NaN;
    finite &&= Number.isFinite(m) && Number.isFinite(variance);
    const se = Math.sqrt(v / r.S + v / ref.S_ref) + 1e-6 * Math.abs(ref.mean[i] ?? 0) + 1e-7;
    maxZ = Math.max(maxZ, Math.abs(m - (ref.mean[i] ?? NaN)) / se);
    sum += variance - sigma * sigma;
    refSum += v;
  }
  for (let n = 0; n < r.N; n++) {
    const l = r.stats.lpd[n] ?? NaN;
    finite &&= Number.isFinite(l);
    maxLpdError = Math.max(maxLpdError, Math.abs(l - (ref.lpd[n] ?? NaN)));
  }
  const varianceRatio = sum / refSum;
  const pass = finite && maxZ < 6 && Math.abs(Math.log(varianceRatio)) < 4 * Math.sqrt(2 / r.S);
  return { maxZ, varianceRatio, maxLpdError, pass };
}

export function formatMs(ms: number, reduced = 0): string {
  if (!Number.isFinite(ms)) return '-';
  const text = ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
  return text + (reduced === 2 ? '**' : reduced === 1 ? '*' : '');
}

export function formatRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? '-' : `${r.toFixed(2)}x`;
}

export function formatPercent(f: number | null): string {
  return f === null || !Number.isFinite(f) ? '-' : `${(100 * f).toFixed(f < 0.1 ? 1 : 0)}%`;
}

/** Bytes in MiB (the engine's buffers are MiB-sized); '-' for null. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '-';
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A Markdown table with right-aligned columns after the first. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    if (r.length !== header.length) throw new Error(`table row has ${r.length} cells, the header ${header.length}`);
    lines.push(`| ${r.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Every (implementation, configuration) result as a cell with its ratios, in the tables' order. */
export function buildCells(
  records: readonly ResultRecord[],
  peaks: readonly PeakRecord[],
  refs: Readonly<Partial<Record<string, Reference>>>,
  configs: readonly Config[] = CONFIGS,
): Cell[] {
  const peakOf = (runtime: 'node' | 'chromium' | null) => {
    if (runtime === null) return undefined;
    const p = peaks.find((q) => (runtime === 'chromium' ? q.impl.endsWith('-chromium') : q.impl.endsWith('-node')));
    return p?.peak.best.gflops_wall;
  };
  const cells: Cell[] = [];
  for (const cfg of configs) {
    const flops = nominalFlops(DATASETS[cfg.dataset].layers, cfg.N, cfg.S);
    const here = records.filter((r) => r.config === cfg.id).sort((a, b) => implRank(a.impl) - implRank(b.impl) || a.impl.localeCompare(b.impl));
    const torchMs = here.find((r) => r.impl === 'torch-cpu')?.median_ms;
    const ref = refs[cfg.dataset];
    for (const r of here) {
      const bytes = r.extra?.peakGpuBytes;
      cells.push({
        impl: r.impl,
        label: implLabel(r.impl),
        config: cfg.id,
        medianMs: r.median_ms,
        reduced: r.reduced ?? 0,
        reps: r.reps,
        ratioToTorch: ratioTo(r.median_ms, torchMs),
        gflops: gflopsOf(flops, r.median_ms),
        peakFraction: peakFraction(flops, r.median_ms, peakOf(gpuRuntime(r.impl))),
        peakGpuBytes: typeof bytes === 'number' ? bytes : null,
        check: ref ? crossCheck(r, ref) : null,
      });
    }
  }
  return cells;
}

/** One Markdown table per configuration. */
export function predictTables(cells: readonly Cell[], configs: readonly Config[] = CONFIGS): string {
  const header = ['implementation', 'median ms', 'vs PyTorch', 'GFLOP/s', 'of FMA peak', 'peak GPU bytes', 'reps', 'cross-check'];
  return configs
    .map((cfg) => {
      const rows = cells
        .filter((c) => c.config === cfg.id)
        .map((c) => [
          c.label,
          formatMs(c.medianMs, c.reduced),
          formatRatio(c.ratioToTorch),
          c.gflops.toFixed(2),
          formatPercent(c.peakFraction),
          formatBytes(c.peakGpuBytes),
          String(c.reps),
          c.check === null ? '-' : `${c.check.pass ? 'pass' : 'FAIL'} (z ${c.check.maxZ.toFixed(1)})`,
        ]);
      const title = `${cfg.id}: ${DATASETS[cfg.dataset].layers.join('-')}, S=${cfg.S}, N=${cfg.N}`;
      return `${title}\n\n${rows.length > 0 ? markdownTable(header, rows) : '(no results)'}`;
    })
    .join('\n\n');
}

export function peakTable(peaks: readonly PeakRecord[]): string {
  const rows = peaks.map((p) => {
    const b = p.peak.best;
    return [p.impl.endsWith('-chromium') ? 'Chromium' : 'Node (dawn.node)', b.gflops_wall.toFixed(2), `${b.op}, ${b.nacc} chains, unroll ${b.unroll}`];
  });
  return markdownTable(['runtime', 'FMA peak GFLOP/s', 'best variant'], rows);
}

/** Median milliseconds per epoch of the 240-model grid, and each against PyTorch's. */
export function trainTable(records: readonly TrainRecord[]): string {
  const torch = records.find((r) => r.impl === 'train-torch-cpu')?.ms_per_epoch;
  const label = (impl: string) => (impl === 'train-torch-cpu' ? 'PyTorch CPU, one batched model (bmm), 2 threads' : impl === 'train-engine-node' ? 'webgpu-bnn, Node' : impl);
  const rows = [...records]
    .sort((a, b) => (a.impl === 'train-torch-cpu' ? -1 : b.impl === 'train-torch-cpu' ? 1 : a.impl.localeCompare(b.impl)))
    .map((r) => [label(r.impl), String(r.models), r.ms_per_epoch.toFixed(1), formatRatio(ratioTo(r.ms_per_epoch, torch)), String(r.epochs)]);
  return markdownTable(['implementation', 'models', 'median ms per epoch', 'vs PyTorch', 'epochs run'], rows);
}
