/**
 * The demo page's wiring: WebGPU start-up (or the message saying what to do), the data on the
 * chart, loading models, predicting on the chart's grid and on an uploaded CSV, the train panel,
 * and the window.__bnn hooks (hooks.ts).
 *
 * URL parameters (all optional; the inputs start from them): samples, seed, grid, functions, path,
 * kernel, preset, method and epochs (train panel), model (a built-in id loaded at start, default
 * 'toy1d-ensemble'; 'none' for none).
 */
import { ensembleToBytes, modelToBytes, outputDim, type GpuContext, type PredictOptions, type PredictResult, type SamplingPath, type KernelStrategy } from '../src/index.js';
import { normalQuantile } from '../src/math/special.js';
import { renderAdapter, renderThroughput, summarizeAdapter } from './adapter-info.js';
import { PredictiveChart, renderLegend } from './chart.js';
import { parseCsv, renderPredictionTable, splitXY } from './csv.js';
import { describeError } from './errors.js';
import { addPoint, grid, preset, removePoint, PRESETS, type Points, type PresetName } from './data.js';
import { showWebGpuMissing, startGpu } from './gpu.js';
import { installHooks, type BnnHooks, type LastPredict, type ModelSummary, type PlainPrediction } from './hooks.js';
import { architecture, BUILTIN_MODELS, DEFAULT_MODEL_ID, describeModel, loadBuiltin, loadModelFile, loadModelUrl, type LoadedModel } from './model-loading.js';
import { createPredictor, type Predictor } from './predictor.js';
import { setupTrainPanel, type TrainOutcome, type TrainPanel } from './train-panel.js';

const INTERVAL_LEVEL = 0.9;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from index.html`);
  return el as T;
}

const ui = {
  status: byId<HTMLElement>('status'),
  missing: byId<HTMLElement>('webgpu-missing'),
  adapter: byId<HTMLElement>('adapter'),
  throughput: byId<HTMLElement>('throughput'),
  preset: byId<HTMLSelectElement>('preset'),
  clearPoints: byId<HTMLButtonElement>('clear-points'),
  pointCount: byId<HTMLElement>('point-count'),
  builtinModels: byId<HTMLElement>('builtin-models'),
  modelFile: byId<HTMLInputElement>('model-file'),
  saveModel: byId<HTMLButtonElement>('save-model'),
  modelInfo: byId<HTMLElement>('model-info'),
  modelError: byId<HTMLElement>('model-error'),
  samples: byId<HTMLInputElement>('samples'),
  seed: byId<HTMLInputElement>('seed'),
  grid: byId<HTMLInputElement>('grid'),
  functions: byId<HTMLInputElement>('func-samples'),
  path: byId<HTMLSelectElement>('path'),
  kernel: byId<HTMLSelectElement>('kernel'),
  predictButton: byId<HTMLButtonElement>('predict-btn'),
  predictError: byId<HTMLElement>('predict-error'),
  chart: byId<HTMLElement>('chart'),
  chartLegend: byId<HTMLElement>('chart-legend'),
  chartNote: byId<HTMLElement>('chart-note'),
  csvFile: byId<HTMLInputElement>('csv-file'),
  csvInfo: byId<HTMLElement>('csv-info'),
  csvResults: byId<HTMLElement>('csv-results'),
  csvError: byId<HTMLElement>('csv-error'),
  csvTable: byId<HTMLElement>('csv-table'),
  train: {
    method: byId<HTMLSelectElement>('train-method'),
    epochs: byId<HTMLInputElement>('train-epochs'),
    hidden: byId<HTMLInputElement>('train-hidden'),
    lr: byId<HTMLInputElement>('train-lr'),
    button: byId<HTMLButtonElement>('train-btn'),
    stop: byId<HTMLButtonElement>('train-stop'),
    bar: byId<HTMLProgressElement>('train-bar'),
    progress: byId<HTMLElement>('train-progress'),
    note: byId<HTMLElement>('train-note'),
    lossChart: byId<HTMLElement>('loss-chart'),
  },
};

// ---- state ----
let ctx: GpuContext | null = null;
let predictor: Predictor | null = null;
/** The current model's members (what Save writes) and its name. */
let current: LoadedModel | null = null;
let modelOutputDim = 1;
/** Chart predictions since the predictor changed (the first one compiles pipelines). */
let callsOnPredictor = 0;
let points: Points = { x: [], y: [] };
let resolveReady: () => void = () => undefined;
let trainPanel: TrainPanel | null = null;

const hooks: BnnHooks = installHooks({
  status: 'starting',
  error: null,
  adapter: null,
  model: null,
  points: 0,
  predictCount: 0,
  lastPredict: null,
  chart: null,
  train: null,
  csv: null,
  ready: new Promise<void>((resolve) => (resolveReady = resolve)),
  loadModel: (idOrUrl) => serial(() => loadAndPredict(idOrUrl)),
  predict: (x, options = {}) => serial(() => predictPlain(x, options)),
  pixelAt: (x, y) => chart.pixelAt(x, y),
  bandsAt: (x) => chart.bandsAt(x),
  runTraining: async (method, epochs) => {
    if (method !== undefined) {
      ui.train.method.value = method;
      ui.train.method.dispatchEvent(new Event('change')); // the method's defaults
    }
    if (epochs !== undefined) ui.train.epochs.value = String(epochs);
    await trainPanel?.run();
  },
  stopTraining: () => trainPanel?.stop(),
});

const chart = new PredictiveChart(ui.chart, (click) => {
  points = click.pointIndex >= 0 ? removePoint(points, click.pointIndex) : addPoint(points, click.x, click.y);
  showPoints(false);
});
renderLegend(ui.chartLegend, INTERVAL_LEVEL);

// ---- helpers ----
function setStatus(status: BnnHooks['status'], text: string): void {
  hooks.status = status;
  ui.status.dataset['state'] = status;
  ui.status.textContent = text;
}

function showError(target: HTMLElement, error: unknown): string {
  const message = describeError(error);
  target.textContent = message;
  target.hidden = false;
  hooks.error = message;
  return message;
}

let queue: Promise<unknown> = Promise.resolve();
/** GPU work runs one task at a time, in order. */
function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    setStatus('busy', 'Working on the GPU…');
    try {
      return await task();
    } finally {
      if (hooks.status === 'busy') setStatus('ready', readyText());
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

function readyText(): string {
  const a = hooks.adapter;
  return a ? `WebGPU ready: ${a.vendor || 'unknown vendor'} ${a.architecture}`.trim() : 'ready';
}

function intParam(input: HTMLInputElement, fallback: number, min: number, max: number): number {
  const v = Math.round(Number(input.value));
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

function predictOptions(): PredictOptions {
  return {
    samples: intParam(ui.samples, 1000, 1, 1_000_000),
    seed: intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    intervalLevel: INTERVAL_LEVEL,
    path: ui.path.value as SamplingPath,
    kernel: ui.kernel.value as KernelStrategy,
  };
}

function plain(r: PredictResult, ms: number): PlainPrediction {
  return {
    n: r.n,
    outputDim: r.outputDim,
    samples: r.samples,
    mean: Array.from(r.mean),
    std: Array.from(r.std),
    epistemicStd: Array.from(r.epistemicStd),
    aleatoricStd: Array.from(r.aleatoricStd),
    lower: Array.from(r.lower),
    upper: Array.from(r.upper),
    logPredictiveDensity: r.logPredictiveDensity ? Array.from(r.logPredictiveDensity) : null,
    ms,
  };
}

function everyOutput0(p: PlainPrediction): PlainPrediction {
  if (p.outputDim === 1) return p;
  const pick = (a: number[]) => a.filter((_, i) => i % p.outputDim === 0);
  return { ...p, mean: pick(p.mean), std: pick(p.std), epistemicStd: pick(p.epistemicStd), aleatoricStd: pick(p.aleatoricStd), lower: pick(p.lower), upper: pick(p.upper) };
}

function showPoints(rescale = true): void {
  chart.setPoints(points, rescale);
  hooks.points = points.x.length;
  hooks.chart = chart.state();
  ui.pointCount.textContent = `(${points.x.length} points)`;
}

// ---- predictions ----
async function predictChart(): Promise<void> {
  if (!predictor) return;
  ui.predictError.hidden = true;
  if (predictor.inputDim !== 1) {
    ui.chartNote.textContent = `This model has ${predictor.inputDim} inputs: the chart needs 1. Predict on a CSV instead.`;
    chart.setPrediction(null);
    hooks.chart = chart.state();
    return;
  }
  const options = predictOptions();
  const xs = grid(intParam(ui.grid, 121, 2, 4096));
  const x = xs.map((v) => [v]);
  try {
    const start = performance.now();
    const result = await predictor.predict(x, options);
    const ms = performance.now() - start;
    const functions = intParam(ui.functions, 5, 0, 50);
    // A few posterior functions: the first K samples of the same seed (draws depend only on seed and sample index).
    const withSamples =
      functions > 0 && options.path !== 'marginal'
        ? await predictor.predict(x, { ...options, samples: Math.min(functions, options.samples ?? 1000), returnSamples: true })
        : null;
    const shown: PredictResult = withSamples?.fSamples ? { ...result, fSamples: withSamples.fSamples } : result;
    chart.setPrediction({ x: xs, result: shown, z: normalQuantile((1 + INTERVAL_LEVEL) / 2), functions });
    ui.chartNote.textContent =
      options.path === 'marginal' && functions > 0 ? 'The marginal path has no per-sample functions: none drawn.' : '';
    const last: LastPredict = { ...everyOutput0(plain(result, ms)), x: xs, seed: options.seed ?? 0, options, functions: chart.state().functions };
    hooks.lastPredict = last;
    hooks.chart = chart.state();
    hooks.predictCount += 1;
    renderThroughput(ui.throughput, { samples: result.samples, members: predictor.members, inputs: result.n, ms, firstCall: callsOnPredictor === 0 });
    callsOnPredictor += 1;
  } catch (error) {
    showError(ui.predictError, error);
    setStatus('error', 'Predict failed (see the Predict panel)');
    throw error;
  }
}

async function predictPlain(x: number[][], options: Omit<PredictOptions, 'returnSamples'>): Promise<PlainPrediction> {
  if (!predictor) throw new Error('no model loaded');
  const start = performance.now();
  const result = await predictor.predict(x, options);
  return plain(result, performance.now() - start);
}

function summary(loaded: LoadedModel): ModelSummary {
  return { name: loaded.name, format: loaded.format, architecture: architecture(loaded.model), inputDim: loaded.model.spec.inputDim, members: loaded.members.length };
}

function predictorFor(context: GpuContext, loaded: LoadedModel): Predictor {
  return createPredictor(context, loaded.members, loaded.name);
}

/** Downloads the current model in the webgpu-bnn format (an ensemble's members in one file). */
function saveModel(): void {
  if (!current) return;
  const bytes = current.members.length > 1 ? ensembleToBytes(current.members) : modelToBytes(current.model);
  const blob = new Blob([Uint8Array.from(bytes)], { type: 'application/octet-stream' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${current.name.replace(/\.safetensors$/, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'model'}.safetensors`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function usePredictor(next: Predictor, loaded: LoadedModel): void {
  predictor?.dispose();
  predictor = next;
  current = loaded;
  ui.saveModel.disabled = false;
  callsOnPredictor = 0;
  modelOutputDim = outputDim(loaded.model.spec);
  hooks.model = summary(loaded);
  ui.modelInfo.textContent = describeModel(loaded);
  ui.modelError.hidden = true;
  ui.predictButton.disabled = false;
}

async function useLoaded(loaded: LoadedModel): Promise<ModelSummary> {
  if (!ctx) throw new Error('WebGPU is not available');
  usePredictor(predictorFor(ctx, loaded), loaded);
  if (loaded.points) {
    points = loaded.points;
    ui.preset.value = 'model';
    showPoints();
  }
  await predictChart();
  return summary(loaded);
}

async function loadAndPredict(idOrUrl: string): Promise<ModelSummary> {
  try {
    const loaded = BUILTIN_MODELS.some((m) => m.id === idOrUrl) ? await loadBuiltin(idOrUrl) : await loadModelUrl(idOrUrl);
    return await useLoaded(loaded);
  } catch (error) {
    showError(ui.modelError, error);
    throw error;
  }
}

async function useTrained(outcome: TrainOutcome): Promise<void> {
  if (!ctx) return;
  const first = outcome.models[0];
  if (!first) throw new Error('training returned no model');
  const name = { vi: 'VI', 'mc-dropout': 'MC dropout', ensemble: `deep ensemble of ${outcome.models.length}` }[outcome.method];
  const loaded: LoadedModel = { model: first, members: outcome.models, name: `${name} (trained)`, format: 'trained', points: null };
  const next = predictorFor(ctx, loaded);
  await serial(async () => {
    usePredictor(next, loaded);
    await predictChart();
  });
}

// ---- CSV ----
async function predictCsv(file: File): Promise<void> {
  ui.csvError.hidden = true;
  if (!predictor) throw new Error('load or train a model first');
  const table = parseCsv(await file.text());
  const { x, y } = splitXY(table, predictor.inputDim, modelOutputDim);
  const options = predictOptions();
  const result = await predictor.predict(x, y ? { ...options, y } : options);
  renderPredictionTable(ui.csvTable, x, y, result);
  const lpd = result.logPredictiveDensity;
  const meanLpd = lpd ? lpd.reduce((a, b) => a + b, 0) / lpd.length : null;
  const samples = predictor.members > 1 ? `an ensemble of ${predictor.members}` : `S = ${result.samples}`;
  ui.csvInfo.textContent =
    `Predictions for ${file.name}: ${result.n} rows, ${samples}` + (meanLpd !== null ? `, mean log predictive density ${meanLpd.toFixed(4).replace(/^-/, '−')}` : '');
  ui.csvResults.hidden = false;
  ui.csvResults.scrollIntoView({ block: 'nearest' });
  hooks.csv = { rows: result.n, hasY: y !== null, meanLogPredictiveDensity: meanLpd };
}

// ---- start-up ----
function applyUrlParams(params: URLSearchParams): void {
  const inputs: [string, HTMLInputElement | HTMLSelectElement][] = [
    ['samples', ui.samples],
    ['seed', ui.seed],
    ['grid', ui.grid],
    ['functions', ui.functions],
    ['path', ui.path],
    ['kernel', ui.kernel],
    ['preset', ui.preset],
  ];
  for (const [name, input] of inputs) {
    const v = params.get(name);
    if (v !== null) input.value = v;
  }
}

function buildModelButtons(): void {
  for (const entry of BUILTIN_MODELS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = entry.label;
    button.dataset['model'] = entry.id;
    button.disabled = true;
    button.addEventListener('click', () => void hooks.loadModel(entry.id).catch(() => undefined));
    ui.builtinModels.append(button);
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  applyUrlParams(params);
  const method = params.get('method');
  const epochs = params.get('epochs');
  buildModelButtons();
  const presetName = (ui.preset.value in PRESETS ? ui.preset.value : 'gap') as PresetName;
  points = preset(presetName);
  showPoints();
  ui.preset.addEventListener('change', () => {
    points = preset(ui.preset.value as PresetName);
    showPoints();
  });
  ui.clearPoints.addEventListener('click', () => {
    points = { x: [], y: [] };
    showPoints();
  });

  const started = await startGpu();
  if (!started.ok) {
    showWebGpuMissing(ui.missing, started);
    setStatus('no-webgpu', 'WebGPU is not available: see the message below');
    hooks.error = started.message;
    ui.adapter.innerHTML = '<dt>adapter</dt><dd>none (WebGPU unavailable)</dd>';
    ui.train.note.textContent = 'Training needs WebGPU.';
    return;
  }
  ctx = started.ctx;
  hooks.adapter = summarizeAdapter(ctx);
  renderAdapter(ui.adapter, hooks.adapter);
  setStatus('ready', readyText());
  void ctx.lost.then((lost) => {
    setStatus('error', lost.message);
    hooks.error = lost.message;
  });

  ui.builtinModels.querySelectorAll('button').forEach((b) => (b.disabled = false));
  ui.predictButton.addEventListener('click', () => void serial(predictChart).catch(() => undefined));
  ui.saveModel.addEventListener('click', saveModel);
  ui.modelFile.addEventListener('change', () => {
    const file = ui.modelFile.files?.[0];
    if (!file) return;
    void serial(async () => useLoaded(await loadModelFile(file))).catch((error: unknown) => showError(ui.modelError, error));
  });
  ui.csvFile.addEventListener('change', () => {
    const file = ui.csvFile.files?.[0];
    if (!file) return;
    void serial(() => predictCsv(file)).catch((error: unknown) => showError(ui.csvError, error));
  });

  trainPanel = setupTrainPanel(ui.train, {
    ctx: () => ctx,
    points: () => points,
    seed: () => intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    onTrained: useTrained,
    onStatus: (status) => (hooks.train = status),
  });
  if (method !== null) {
    ui.train.method.value = method;
    ui.train.method.dispatchEvent(new Event('change'));
  }
  if (epochs !== null) ui.train.epochs.value = epochs;

  const initial = params.get('model') ?? DEFAULT_MODEL_ID;
  if (initial !== 'none') await hooks.loadModel(initial).catch(() => undefined);
}

start()
  .catch((error: unknown) => {
    setStatus('error', `The demo failed to start: ${describeError(error)}`);
    hooks.error = describeError(error);
  })
  .finally(() => resolveReady());
