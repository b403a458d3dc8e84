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
 * Workloads (bench-workloads.ts): 'quick' (about a minute on SwiftShader, the default on a CPU
 * fallback adapter) and 'gpu' (larger S and N, the default on a GPU); the inputs start from the
 * chosen one and the URL parameters override them: workload ('quick' | 'gpu'), arch
 * ('1-32-32-1;13-50-50-1'), samples ('1000,10000'), inputs ('256,4096'), strategies
 * ('auto,fused,materialized,marginal'), repeats (3), autorun (1 to start at load).
 * Stop cancels a run: the predict in flight rejects through its signal (checked after every submit)
 * and the cases done so far stay in the table and the JSON.
 * Results: the table, the two plots, "Download JSON", and window.__bnnBench:
 *   status 'starting' | 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error' | 'no-webgpu'; adapter;
 *   timing; workload; results (BenchResult[]); error ('name: message'); report() -> the JSON object;
 *   run() -> runs with the inputs' values (resolves when it ends); stop() -> cancels a run.
 */
import type uPlot from 'uplot';
import { Engine, type PredictOptions } from '../src/index.js';
import { median } from '../bench/lib/stats.js';
import { formatRate, renderAdapter, summarizeAdapter, type AdapterSummary } from './adapter-info.js';
import { plotSeries, type PlotSeries } from './bench-chart.js';
import { benchInputs, benchModel, macsPerForward, parseArchitecture } from './bench-models.js';
import { createTfPeer, type TfPeer } from './bench-tfjs.js';
import { WORKLOADS, isWorkloadName, type EngineStrategy, type Strategy, type Workload, type WorkloadName } from './bench-workloads.js';
import { describeError, isAbort } from './errors.js';
import { showWebGpuMissing, startGpu } from './gpu.js';
import { timedContext, type GpuTimer } from './gpu-timer.js';

export type { Strategy } from './bench-workloads.js';

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
  /** 'webgpu-bnn', or the peer's library and backend ('tfjs-webgpu'). */
  readonly implementation: string;
  /** The kernel each layer ran ('auto' and 'calibrate' resolved; PredictResult.kernels), or null for the peer. */
  readonly kernels: readonly string[] | null;
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
  /** 'stopping': Stop was clicked and the predict in flight has not returned yet. */
  status: 'starting' | 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error' | 'no-webgpu';
  adapter: AdapterSummary | null;
  timing: Timing;
  /** The workload the inputs started from. */
  workload: WorkloadName;
  results: BenchResult[];
  error: string | null;
  report(): BenchReport;
  run(): Promise<BenchReport>;
  stop(): void;
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
  workload: byId<HTMLSelectElement>('workload'),
  run: byId<HTMLButtonElement>('run'),
  stop: byId<HTMLButtonElement>('stop'),
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
let controller: AbortController | null = null;

const TIMING_NOTES: Record<Timing, string> = {
  'gpu-timestamp':
    "GPU time from timestamp queries: the sum over the predict's compute passes of (end − start); uploads, " +
    'queue gaps and the read-back are excluded (wall time is recorded too). Browsers may round timestamps ' +
    '(Chrome to 100 µs without --enable-webgpu-developer-features).',
  wall: 'Wall time around engine.predict (upload, GPU work, read-back of the statistics): this adapter has no timestamp queries.',
};

/** Said beside either note when the TF.js peer ran: its rows are always wall time. */
const PEER_TIMING_NOTE =
  " TF.js rows: wall time around its call (upload, its GPU work, read-back), its passes being on its own device, not this page's timer; compare the libraries by the 'wall ms' column.";

/** The note for a run's results: the engine rows' timing, and the peer's when it ran. */
function timingNote(timing: Timing, results: readonly BenchResult[]): string {
  return TIMING_NOTES[timing] + (results.some((r) => r.strategy === 'tfjs-webgpu') ? PEER_TIMING_NOTE : '');
}

const hooks: BenchHooks = {
  status: 'starting',
  adapter: null,
  timing: 'wall',
  workload: 'quick',
  results: [],
  error: null,
  report: () => ({
    tool: 'webgpu-bnn bench page',
    date: new Date().toISOString(),
    userAgent: navigator.userAgent,
    adapter: hooks.adapter,
    timing: hooks.timing,
    timingNote: timingNote(hooks.timing, hooks.results),
    config: lastConfig,
    results: hooks.results,
  }),
  run: () => runBench(readConfig()),
  stop: () => stopBench(),
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

function strategyOptions(strategy: EngineStrategy): Pick<PredictOptions, 'path' | 'kernel'> {
  return strategy === 'marginal' ? { path: 'marginal' } : { path: 'joint', kernel: strategy };
}

/** One timed call: its predictive mean (checked finite) and, for the engine, the kernels its layers ran. */
type PredictCall = () => Promise<{ readonly mean: ArrayLike<number>; readonly kernels?: readonly string[] }>;

/** What a case runs: the engine with a strategy, or the TF.js peer (wall time only: its passes are not on our timer). */
function caseCall(engine: Engine, peer: TfPeer | null, strategy: Strategy, x: Float32Array, S: number, N: number, signal: AbortSignal): PredictCall {
  if (strategy === 'tfjs-webgpu') {
    if (!peer) throw new Error('internal: the TF.js peer was not created');
    return () => {
      signal.throwIfAborted();
      return peer.predict(x, N, S);
    };
  }
  const options: PredictOptions = { samples: S, seed: 1, signal, ...strategyOptions(strategy) };
  return () => engine.predict(x, options);
}

async function measure(
  call: PredictCall,
  t: GpuTimer | null,
  widths: readonly number[],
  strategy: Strategy,
  implementation: string,
  S: number,
  N: number,
  repeats: number,
): Promise<BenchResult> {
  const warmStart = performance.now();
  await call();
  const warmupMs = performance.now() - warmStart;
  const wallMs: number[] = [];
  const gpuMs: number[] = [];
  let gpuOk = t?.available ?? false;
  let kernels: readonly string[] | null = null;
  for (let i = 0; i < repeats; i++) {
    t?.begin();
    const start = performance.now();
    let r: Awaited<ReturnType<PredictCall>>;
    try {
      r = await call();
    } catch (error) {
      await t?.end(); // a cancelled call still closes its timing window
      throw error;
    }
    wallMs.push(performance.now() - start);
    const g = t ? await t.end() : null;
    if (g === null) gpuOk = false;
    else gpuMs.push(g);
    if (!Number.isFinite(r.mean[0])) throw new Error(`${strategy}: non-finite result`);
    kernels = r.kernels ?? null;
  }
  const medianWallMs = median(wallMs);
  const medianGpuMs = gpuOk && gpuMs.length > 0 ? median(gpuMs) : null;
  const timing: Timing = medianGpuMs !== null && medianGpuMs > 0 ? 'gpu-timestamp' : 'wall';
  const timeMs = timing === 'gpu-timestamp' ? (medianGpuMs ?? medianWallMs) : medianWallMs;
  const macs = macsPerForward(widths);
  return {
    architecture: widths.join('-'),
    strategy,
    implementation,
    kernels,
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
  const heads = ['architecture', 'strategy', 'kernels run', 'S', 'N', 'warm-up ms', 'wall ms', 'GPU ms', 'samples×inputs/s', 'GFLOP/s', 'timing'];
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
      r.kernels ? [...new Set(r.kernels)].join(' / ') : '–',
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
  const series = (f: (r: BenchResult) => number): PlotSeries[] => [...groups].map(([label, rs]) => ({ label, points: rs.map((r) => [r.samples * r.inputs, f(r)] as const) }));
  rateChart = plotSeries(
    ui.chartRate,
    series((r) => r.sampleInputsPerSecond),
    'S·N',
    'samples×inputs/s',
    rateChart,
  );
  gflopsChart = plotSeries(
    ui.chartGflops,
    series((r) => r.gflops),
    'S·N',
    'GFLOP/s',
    gflopsChart,
  );
}

async function runBench(config: BenchConfig): Promise<BenchReport> {
  const t = timer;
  if (!t) throw new Error('WebGPU is not available');
  if (controller) throw new Error('a run is in progress');
  const abort = new AbortController();
  controller = abort;
  lastConfig = config;
  hooks.results = [];
  hooks.error = null;
  ui.error.hidden = true;
  ui.run.disabled = true;
  ui.stop.disabled = false;
  ui.download.disabled = true;
  setStatus('running', 'Running…');
  const total = config.architectures.length * config.strategies.length * config.samples.length * config.inputs.length;
  const started = performance.now();
  let done = 0;
  try {
    for (const widths of config.architectures) {
      const model = benchModel(widths);
      const engine = Engine.create(t.ctx, model);
      let peer: TfPeer | null = null;
      try {
        for (const strategy of config.strategies) {
          for (const S of config.samples) {
            for (const N of config.inputs) {
              abort.signal.throwIfAborted();
              const elapsed = performance.now() - started;
              const eta = done > 0 ? `, about ${formatSeconds((elapsed / done) * (total - done))} left` : '';
              ui.progress.textContent = `case ${done + 1}/${total}: ${widths.join('-')}, ${strategy}, S = ${S}, N = ${N} (${formatSeconds(elapsed)}${eta})`;
              if (strategy === 'tfjs-webgpu') peer ??= await createTfPeer(model);
              const x = benchInputs(N, widths[0] ?? 1);
              const call = caseCall(engine, peer, strategy, x, S, N, abort.signal);
              const implementation = strategy === 'tfjs-webgpu' ? (peer?.description ?? 'TF.js') : 'webgpu-bnn';
              const result = await measure(call, strategy === 'tfjs-webgpu' ? null : t, widths, strategy, implementation, S, N, config.repeats);
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
        peer?.dispose();
      }
    }
    finishTiming();
    ui.progress.textContent = `${done} cases done in ${formatSeconds(performance.now() - started)}.`;
    setStatus('done', `Done: ${done} cases`);
    return hooks.report();
  } catch (error) {
    if (isAbort(error)) {
      finishTiming();
      ui.progress.textContent = `Stopped after ${done} of ${total} cases (${formatSeconds(performance.now() - started)}); the table and the JSON keep them.`;
      setStatus('stopped', `Stopped: ${done} of ${total} cases`);
      return hooks.report();
    }
    const message = describeError(error);
    hooks.error = message;
    ui.error.textContent = message;
    ui.error.hidden = false;
    setStatus('error', 'The run failed');
    throw error;
  } finally {
    controller = null;
    ui.run.disabled = false;
    ui.stop.disabled = true;
    ui.download.disabled = hooks.results.length === 0;
  }
}

/**
 * Cancels the run. The predict in flight rejects when the engine next checks the signal, after the
 * submit the GPU is working on (the engine records up to 64 chunks per submit: on a CPU fallback a
 * large case can take a while), so the page says so until it has.
 */
function stopBench(): void {
  if (!controller || controller.signal.aborted) return;
  controller.abort();
  ui.stop.disabled = true;
  ui.progress.textContent = 'Stopping: the GPU finishes the work it has already been given…';
  setStatus('stopping', 'Stopping…');
}

/** The timing the results use (all GPU timestamps, or wall time), shown beside the adapter. */
function finishTiming(): void {
  if (hooks.results.length === 0) return;
  // The engine's rows decide (the peer's are wall time whatever the adapter has).
  const engineRows = hooks.results.filter((r) => r.strategy !== 'tfjs-webgpu');
  hooks.timing = engineRows.length > 0 && engineRows.every((r) => r.timing === 'gpu-timestamp') ? 'gpu-timestamp' : 'wall';
  ui.timingMode.textContent = timingNote(hooks.timing, hooks.results);
}

function formatSeconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
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

/** Fills the inputs with a workload. */
function applyWorkload(name: WorkloadName): void {
  const w: Workload = WORKLOADS[name];
  hooks.workload = name;
  ui.workload.value = name;
  ui.arch.value = w.architectures;
  ui.samples.value = w.samples;
  ui.inputs.value = w.inputs;
  ui.repeats.value = String(w.repeats);
  const wanted = new Set<string>(w.strategies);
  ui.strategies.querySelectorAll<HTMLInputElement>('input[type=checkbox]').forEach((c) => (c.checked = wanted.has(c.value)));
}

/** URL parameters override the workload's inputs one by one. */
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
  const asked = params.get('workload');
  applyWorkload(asked !== null && isWorkloadName(asked) ? asked : 'quick');
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
  // On a GPU the quick workload mostly measures overheads: start from the larger one there.
  if (asked === null && !hooks.adapter.cpuFallback) {
    applyWorkload('gpu');
    applyUrlParams(params);
  }
  renderAdapter(ui.adapter, hooks.adapter);
  ui.timingMode.textContent = TIMING_NOTES[hooks.timing];
  setStatus('idle', `WebGPU ready: ${hooks.adapter.vendor} ${hooks.adapter.architecture}`.trim());
  ui.run.disabled = false;
  ui.workload.addEventListener('change', () => {
    if (isWorkloadName(ui.workload.value)) applyWorkload(ui.workload.value);
  });
  ui.run.addEventListener('click', () => {
    let config: BenchConfig;
    try {
      config = readConfig();
    } catch (error) {
      ui.error.textContent = describeError(error);
      ui.error.hidden = false;
      return;
    }
    void runBench(config).catch(() => undefined);
  });
  ui.stop.addEventListener('click', () => hooks.stop());
  ui.download.addEventListener('click', download);
  if (params.get('autorun') === '1') await runBench(readConfig()).catch(() => undefined);
}

void start().catch((error: unknown) => {
  hooks.error = describeError(error);
  setStatus('error', `The benchmark page failed to start: ${describeError(error)}`);
});
