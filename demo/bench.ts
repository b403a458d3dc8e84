/**
 * The GPU benchmark page: engine.predict over a grid of architectures, strategies (kernel
 * strategies of the joint path, and the marginal path), S and N. For each case: one warm-up call
 * (pipeline compilation; reported apart), then `repeats` timed calls, median reported.
 *
 * Time: with 'timestamp-query', the GPU time of the predict's compute passes (gpu-timer.ts); without
 * it, the wall time around engine.predict (upload, GPU work and read-back of the statistics). Both
 * are recorded; `timing` says which one the throughput uses.
 * Throughput: samples × inputs per second = S·N / time; GFLOP/s = 2·S·N·Σ(in·out) / time (the
 * dense layers' multiply-adds; weight draws and reductions are not counted).
 *
 * URL parameters: arch ('1-32-32-1;13-50-50-1'), samples ('1000,10000'), inputs ('256,4096'),
 * strategies ('auto,fused,materialized,marginal'), repeats (3), autorun (1 to start at load).
 * Results: the table, the two plots, "Download JSON", and window.__bnnBench:
 *   status 'starting' | 'idle' | 'running' | 'done' | 'error' | 'no-webgpu'; adapter; timing;
 *   results (BenchResult[]); error; report() -> the JSON object; run() -> runs with the inputs' values.
 */
import type uPlot from 'uplot';
import { Engine, type KernelStrategy, type PredictOptions } from '../src/index.js';
import { median } from '../src/bench/stats.js';
import { formatRate, renderAdapter, summarizeAdapter, type AdapterSummary } from './adapter-info.js';
import { plotSeries, type PlotSeries } from './bench-chart.js';
import { benchInputs, benchModel, macsPerForward, parseArchitecture } from './bench-models.js';
import { showWebGpuMissing, startGpu } from './gpu.js';
import { timedContext, type GpuTimer } from './gpu-timer.js';

export type Strategy = KernelStrategy | 'marginal';
export const STRATEGIES: readonly Strategy[] = ['auto', 'fused', 'registers', 'materialized', 'marginal'];

export interface BenchConfig {
  readonly architectures: readonly (readonly number[])[];
  readonly samples: readonly number[];
  readonly inputs: readonly number[];
  readonly strategies: readonly Strategy[];
  readonly repeats: number;
}

export type Timing = 'gpu-timestamp' | 'wall';

export interface BenchResult {
  readonly architecture: string;
  readonly strategy: Strategy;
  readonly samples: number;
  readonly inputs: number;
  /** Σ in·out over the layers. */
  readonly macsPerForward: number;
  readonly warmupMs: number;
  readonly wallMs: readonly number[];
  readonly medianWallMs: number;
  /** GPU time of the compute passes per call, or null without timestamp queries. */
  readonly gpuMs: readonly number[] | null;
  readonly medianGpuMs: number | null;
  /** Which time the throughput below uses. */
  readonly timing: Timing;
  readonly timeMs: number;
  readonly sampleInputsPerSecond: number;
  readonly gflops: number;
}

export interface BenchReport {
  readonly tool: 'webgpu-bnn bench page';
  readonly date: string;
  readonly userAgent: string;
  readonly adapter: AdapterSummary | null;
  readonly timing: Timing;
  readonly timingNote: string;
  readonly config: BenchConfig | null;
  readonly results: readonly BenchResult[];
}

export interface BenchHooks {
  status: 'starting' | 'idle' | 'running' | 'done' | 'error' | 'no-webgpu';
  adapter: AdapterSummary | null;
  timing: Timing;
  results: BenchResult[];
  error: string | null;
  report(): BenchReport;
  run(): Promise<BenchReport>;
}

declare global {
  interface Window {
    __bnnBench?: BenchHooks;
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`bench: #${id} is missing from bench.html`);
  return el as T;
}

const ui = {
  status: byId<HTMLElement>('status'),
  missing: byId<HTMLElement>('webgpu-missing'),
  adapter: byId<HTMLElement>('adapter'),
  timingMode: byId<HTMLElement>('timing-mode'),
  arch: byId<HTMLInputElement>('arch'),
  samples: byId<HTMLInputElement>('samples'),
  inputs: byId<HTMLInputElement>('inputs'),
  strategies: byId<HTMLElement>('strategies'),
  repeats: byId<HTMLInputElement>('repeats'),
  run: byId<HTMLButtonElement>('run'),
  download: byId<HTMLButtonElement>('download'),
  progress: byId<HTMLElement>('progress'),
  error: byId<HTMLElement>('error'),
  chartRate: byId<HTMLElement>('chart-rate'),
  chartGflops: byId<HTMLElement>('chart-gflops'),
  results: byId<HTMLElement>('results'),
};

let timer: GpuTimer | null = null;
let lastConfig: BenchConfig | null = null;
let rateChart: uPlot | null = null;
let gflopsChart: uPlot | null = null;

const TIMING_NOTES: Record<Timing, string> = {
  'gpu-timestamp':
    'GPU time from timestamp queries: the sum over the predict\'s compute passes of (end − start); uploads, ' +
    'queue gaps and the read-back are excluded (wall time is recorded too). Browsers may round timestamps ' +
    '(Chrome to 100 µs without --enable-webgpu-developer-features).',
  wall: 'Wall time around engine.predict (upload, GPU work, read-back of the statistics): this adapter has no timestamp queries.',
};

const hooks: BenchHooks = {
  status: 'starting',
  adapter: null,
  timing: 'wall',
  results: [],
  error: null,
  report: () => ({
    tool: 'webgpu-bnn bench page',
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: hooks.adapter,
    timing: hooks.timing,
    timingNote: TIMING_NOTES[hooks.timing],
    config: lastConfig,
    results: hooks.results,
  }),
  run: () => runBench(readConfig()),
};
window.__bnnBench = hooks;

function setStatus(status: BenchHooks['status'], text: string): void {
  hooks.status = status;
  ui.status.dataset['state'] = status;
  ui.status.textContent = text;
}

function numberList(text: string, what: string): number[] {
  const values = text
    .split(/[\s,;]+/)
    .filter((t) => t !== '')
    .map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${what}: expected positive integers, got '${text}'`);
  return values;
}

function readConfig(): BenchConfig {
  const strategies = Array.from(ui.strategies.querySelectorAll<HTMLInputElement>('input[type=checkbox]'))
    .filter((c) => c.checked)
    .map((c) => c.value as Strategy);
  if (strategies.length === 0) throw new Error('pick at least one strategy');
  return {
    architectures: ui.arch.value
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map(parseArchitecture),
    samples: numberList(ui.samples.value, 'S'),
    inputs: numberList(ui.inputs.value, 'N'),
    strategies,
    repeats: Math.max(1, Math.min(50, Math.round(Number(ui.repeats.value)) || 1)),
  };
}

function strategyOptions(strategy: Strategy): Pick<PredictOptions, 'path' | 'kernel'> {
  return strategy === 'marginal' ? { path: 'marginal' } : { path: 'joint', kernel: strategy };
}

async function measure(engine: Engine, t: GpuTimer, widths: readonly number[], strategy: Strategy, S: number, N: number, repeats: number): Promise<BenchResult> {
  const x = benchInputs(N, widths[0] ?? 1);
  const options: PredictOptions = { samples: S, seed: 1, ...strategyOptions(strategy) };
  const warmStart = performance.now();
  await engine.predict(x, options);
  const warmupMs = performance.now() - warmStart;
  const wallMs: number[] = [];
  const gpuMs: number[] = [];
  let gpuOk = t.available;
  for (let i = 0; i < repeats; i++) {
    t.begin();
    const start = performance.now();
    const r = await engine.predict(x, options);
    wallMs.push(performance.now() - start);
    const g = await t.end();
    if (g === null) gpuOk = false;
    else gpuMs.push(g);
    if (!Number.isFinite(r.mean[0])) throw new Error(`${strategy}: non-finite result`);
  }
  const medianWallMs = median(wallMs);
  const medianGpuMs = gpuOk && gpuMs.length > 0 ? median(gpuMs) : null;
  const timing: Timing = medianGpuMs !== null && medianGpuMs > 0 ? 'gpu-timestamp' : 'wall';
  const timeMs = timing === 'gpu-timestamp' ? (medianGpuMs ?? medianWallMs) : medianWallMs;
  const macs = macsPerForward(widths);
  return {
    architecture: widths.join('-'),
    strategy,
    samples: S,
    inputs: N,
    macsPerForward: macs,
    warmupMs,
    wallMs,
    medianWallMs,
    gpuMs: gpuOk ? gpuMs : null,
    medianGpuMs,
    timing,
    timeMs,
    sampleInputsPerSecond: (S * N) / (timeMs / 1000),
    gflops: (2 * S * N * macs) / (timeMs / 1000) / 1e9,
  };
}

function renderResults(results: readonly BenchResult[]): void {
  const table = document.createElement('table');
  table.className = 'results';
  const heads = ['architecture', 'strategy', 'S', 'N', 'warm-up ms', 'wall ms', 'GPU ms', 'samples×inputs/s', 'GFLOP/s', 'timing'];
  const head = table.createTHead().insertRow();
  for (const h of heads) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of results) {
    const row = body.insertRow();
    row.dataset['strategy'] = r.strategy;
    const cells = [
      r.architecture,
      r.strategy,
      String(r.samples),
      String(r.inputs),
      r.warmupMs.toFixed(1),
      r.medianWallMs.toFixed(2),
      r.medianGpuMs === null ? '–' : r.medianGpuMs.toFixed(3),
      formatRate(r.sampleInputsPerSecond),
      r.gflops.toPrecision(3),
      r.timing,
    ];
    for (const c of cells) row.insertCell().textContent = c;
  }
  ui.results.replaceChildren(table);
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) {
    const key = `${r.architecture} ${r.strategy}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const series = (f: (r: BenchResult) => number): PlotSeries[] =>
    [...groups].map(([label, rs]) => ({ label, points: rs.map((r) => [r.samples * r.inputs, f(r)] as const) }));
  rateChart = plotSeries(ui.chartRate, series((r) => r.sampleInputsPerSecond), 'S·N', 'samples×inputs/s', rateChart);
  gflopsChart = plotSeries(ui.chartGflops, series((r) => r.gflops), 'S·N', 'GFLOP/s', gflopsChart);
}

async function runBench(config: BenchConfig): Promise<BenchReport> {
  const t = timer;
  if (!t) throw new Error('WebGPU is not available');
  if (hooks.status === 'running') throw new Error('a run is in progress');
  lastConfig = config;
  hooks.results = [];
  hooks.error = null;
  ui.error.hidden = true;
  ui.run.disabled = true;
  ui.download.disabled = true;
  setStatus('running', 'Running…');
  const total = config.architectures.length * config.strategies.length * config.samples.length * config.inputs.length;
  let done = 0;
  try {
    for (const widths of config.architectures) {
      const engine = Engine.create(t.ctx, benchModel(widths));
      try {
        for (const strategy of config.strategies) {
          for (const S of config.samples) {
            for (const N of config.inputs) {
              ui.progress.textContent = `case ${done + 1}/${total}: ${widths.join('-')}, ${strategy}, S = ${S}, N = ${N}`;
              const result = await measure(engine, t, widths, strategy, S, N, config.repeats);
              hooks.results = [...hooks.results, result];
              done++;
              renderResults(hooks.results);
              // Let the page paint between cases.
              await new Promise((resolve) => setTimeout(resolve, 0));
            }
          }
        }
      } finally {
        engine.dispose();
      }
    }
    hooks.timing = hooks.results.every((r) => r.timing === 'gpu-timestamp') ? 'gpu-timestamp' : 'wall';
    ui.timingMode.textContent = TIMING_NOTES[hooks.timing];
    ui.progress.textContent = `${done} cases done.`;
    setStatus('done', `Done: ${done} cases`);
    return hooks.report();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    hooks.error = message;
    ui.error.textContent = message;
    ui.error.hidden = false;
    setStatus('error', 'The run failed');
    throw error;
  } finally {
    ui.run.disabled = false;
    ui.download.disabled = hooks.results.length === 0;
  }
}

function download(): void {
  const blob = new Blob([JSON.stringify(hooks.report(), null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `webgpu-bnn-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function applyUrlParams(params: URLSearchParams): void {
  const arch = params.get('arch');
  if (arch !== null) ui.arch.value = arch;
  const samples = params.get('samples');
  if (samples !== null) ui.samples.value = samples;
  const inputs = params.get('inputs');
  if (inputs !== null) ui.inputs.value = inputs;
  const repeats = params.get('repeats');
  if (repeats !== null) ui.repeats.value = repeats;
  const strategies = params.get('strategies');
  if (strategies !== null) {
    const wanted = new Set(strategies.split(/[\s,;]+/));
    ui.strategies.querySelectorAll<HTMLInputElement>('input[type=checkbox]').forEach((c) => (c.checked = wanted.has(c.value)));
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  applyUrlParams(params);
  const started = await startGpu();
  if (!started.ok) {
    showWebGpuMissing(ui.missing, started);
    setStatus('no-webgpu', 'WebGPU is not available: see the message below');
    hooks.error = started.message;
    return;
  }
  timer = timedContext(started.ctx);
  hooks.adapter = summarizeAdapter(started.ctx);
  hooks.timing = timer.available ? 'gpu-timestamp' : 'wall';
  renderAdapter(ui.adapter, hooks.adapter);
  ui.timingMode.textContent = TIMING_NOTES[hooks.timing];
  setStatus('idle', `WebGPU ready: ${hooks.adapter.vendor} ${hooks.adapter.architecture}`.trim());
  ui.run.disabled = false;
  ui.run.addEventListener('click', () => {
    let config: BenchConfig;
    try {
      config = readConfig();
    } catch (error) {
      ui.error.textContent = error instanceof Error ? error.message : String(error);
      ui.error.hidden = false;
      return;
    }
    void runBench(config).catch(() => undefined);
  });
  ui.download.addEventListener('click', download);
  if (params.get('autorun') === '1') await runBench(readConfig()).catch(() => undefined);
}

void start().catch((error: unknown) => {
  hooks.error = String(error);
  setStatus('error', `The benchmark page failed to start: ${String(error)}`);
});
