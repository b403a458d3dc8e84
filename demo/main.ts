/**
 * The demo page's wiring: WebGPU start-up (or the message saying what to do), the data on the
 * chart, loading models and predicting on the chart's grid; the CSV panel (csv-panel.ts), Save
 * (save-model.ts), the train panel (train-panel.ts) and the window.__bnn hooks (hooks.ts) are wired
 * here from their own modules.
 *
 * URL parameters (all optional; the inputs start from them): samples, seed, grid, functions, path,
 * kernel, preset, method and epochs (train panel), model (a built-in id loaded at start, default
 * 'toy1d-ensemble'; 'none' for none), compare (two methods, 'hmc,vi': trained and drawn side by side
 * at start, compare-view.ts; without `model` it loads no model, so the preset's points stay).
 */
import { likelihoodKind, outputDim, type GpuContext, type PredictOptions, type SamplingPath, type KernelStrategy } from '../src/index.js';
import { normalQuantile } from '../src/math/special.js';
import { renderAdapter, renderThroughput, summarizeAdapter } from './adapter-info.js';
import { PredictiveChart, renderLegend } from './chart.js';
import { predictCsv } from './csv-panel.js';
import { describeError } from './errors.js';
import { addPoint, grid, preset, removePoint, PRESETS, type Points, type PresetName } from './data.js';
import { showWebGpuMissing, startGpu } from './gpu.js';
import { installHooks, type BnnHooks, type LastPredict, type ModelSummary, type PlainPrediction } from './hooks.js';
import { architecture, BUILTIN_MODELS, DEFAULT_MODEL_ID, describeModel, loadBuiltin, loadModelFile, loadModelUrl, type LoadedModel } from './model-loading.js';
import { appendModelButtons, applyUrlInputs } from './dom.js';
import { createPredictor, type Predictor } from './predictor.js';
import { parseComparison, type ComparisonPair } from './compare.js';
import { setupComparison, type Comparison } from './compare-view.js';
import { predictOnGrid } from './grid-prediction.js';
import { DEFAULT_COMPARISON, DEMO_METHODS, regressionMethod } from './regression-methods.js';
import { everyOutput0, plain } from './plain-prediction.js';
import { downloadModel } from './save-model.js';
import { setupTrainPanel, type TrainOutcome, type TrainPanel } from './train-panel.js';
import { regressionTrainer, type DemoTrainMethod } from './train-regression.js';
import { ui } from './ui.js';

const INTERVAL_LEVEL = 0.9;

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
let comparison: Comparison | null = null;

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
  compare: null,
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
  runComparison: async (methods) => {
    await comparison?.run(methods === undefined ? DEFAULT_COMPARISON : parseComparison(methods));
  },
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

function gridSize(): number {
  return intParam(ui.grid, 121, 2, 4096);
}

function functionCount(): number {
  return intParam(ui.functions, 5, 0, 50);
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
  const xs = grid(gridSize());
  try {
    const functions = functionCount();
    const { result, ms } = await predictOnGrid(predictor, xs, options, functions);
    chart.setPrediction({ x: xs, result, z: normalQuantile((1 + INTERVAL_LEVEL) / 2), functions });
    ui.chartNote.textContent = options.path === 'marginal' && functions > 0 ? 'The marginal path has no per-sample functions: none drawn.' : '';
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

/** Downloads the current model in the webgpu-bnn format. */
function saveModel(): void {
  if (current) downloadModel(current);
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
  const kind = likelihoodKind(loaded.model.spec.likelihood);
  if (kind === 'categorical') throw new Error(`${loaded.name} is a classifier (likelihood '${kind}'): open it on the classification page (classify.html)`);
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

async function useTrained(outcome: TrainOutcome<DemoTrainMethod>): Promise<void> {
  if (!ctx) return;
  const first = outcome.models[0];
  if (!first) throw new Error('training returned no model');
  const name = regressionMethod(outcome.method).name(outcome.models.length);
  const loaded: LoadedModel = { model: first, members: outcome.models, name: `${name} (trained)`, format: 'trained', points: null };
  const next = predictorFor(ctx, loaded);
  await serial(async () => {
    usePredictor(next, loaded);
    await predictChart();
  });
}

// ---- CSV ----
async function predictCsvFile(file: File): Promise<void> {
  if (!predictor) throw new Error('load or train a model first');
  hooks.csv = await predictCsv(file, predictor, modelOutputDim, predictOptions(), ui);
}

// ---- start-up ----
function applyUrlParams(params: URLSearchParams): void {
  applyUrlInputs(params, [
    ['samples', ui.samples],
    ['seed', ui.seed],
    ['grid', ui.grid],
    ['functions', ui.functions],
    ['path', ui.path],
    ['kernel', ui.kernel],
    ['preset', ui.preset],
  ] as const);
}

/** The method select's options, from the table (regression-methods.ts). */
function buildMethodOptions(): void {
  for (const name of DEMO_METHODS) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = regressionMethod(name).label;
    ui.train.method.append(option);
  }
  const [a, b] = DEFAULT_COMPARISON;
  ui.compare.button.textContent = `${regressionMethod(a).short} vs ${regressionMethod(b).short}, side by side`;
}

function buildModelButtons(): void {
  appendModelButtons(ui.builtinModels, BUILTIN_MODELS, (id) => hooks.loadModel(id));
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  applyUrlParams(params);
  const method = params.get('method');
  const epochs = params.get('epochs');
  const compare = params.get('compare');
  buildMethodOptions();
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
    void serial(() => predictCsvFile(file)).catch((error: unknown) => showError(ui.csvError, error));
  });

  trainPanel = setupTrainPanel(ui.train, {
    ctx: () => ctx,
    trainer: regressionTrainer(() => points),
    seed: () => intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    onTrained: useTrained,
    onStatus: (status) => (hooks.train = status),
  });
  if (method !== null) {
    ui.train.method.value = method;
    ui.train.method.dispatchEvent(new Event('change'));
  }
  if (epochs !== null) ui.train.epochs.value = epochs;

  comparison = setupComparison(ui.compare, {
    ctx: () => ctx,
    points: () => points,
    seed: () => intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    predictOptions,
    gridSize,
    functions: functionCount,
    serial,
    onStatus: (status) => (hooks.compare = status),
  });
  let pair: ComparisonPair | null = null;
  if (compare !== null) {
    try {
      pair = parseComparison(compare);
    } catch (error) {
      showError(ui.compare.progress, error);
      ui.compare.section.hidden = false;
    }
  }

  // A comparison from the URL trains on the preset's points: the default model would replace them with its own.
  const initial = params.get('model') ?? (compare !== null ? 'none' : DEFAULT_MODEL_ID);
  if (initial !== 'none') await hooks.loadModel(initial).catch(() => undefined);
  if (pair) void comparison.run(pair);
}

start()
  .catch((error: unknown) => {
    setStatus('error', `The demo failed to start: ${describeError(error)}`);
    hooks.error = describeError(error);
  })
  .finally(() => resolveReady());
