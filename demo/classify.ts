/**
 * The classification page's wiring: WebGPU start-up (or the message saying what to do), the
 * labelled points (presets, clicks, K and the class picker), loading or training a categorical
 * classifier, and predicting it on a G × G grid over the view to draw the three maps side by side
 * (decision regions, predictive entropy, mutual information) with the probabilities under the
 * cursor. The pieces are their own modules: data (class-data.ts), grid and statistics
 * (class-grid.ts), images (class-maps.ts, colour-maps.ts), canvases (map-canvas.ts), legends
 * (map-legends.ts), models (classifier-models.ts), training (train-classifier.ts in the shared
 * train panel), hooks (classify-hooks.ts).
 *
 * URL parameters (all optional): samples, seed, grid, preset, classes, method and epochs (train
 * panel), model (a built-in id loaded at start, default 'pyro-blobs3'; 'none' for none).
 */
import type { GpuContext } from '../src/index.js';
import { renderAdapter, renderThroughput, summarizeAdapter } from './adapter-info.js';
import {
  addLabelledPoint,
  classCounts,
  classPreset,
  CLASS_PRESETS,
  EMPTY_POINTS,
  keepClasses,
  MAX_CLASSES,
  PRESET_VIEW,
  removeLabelledPoint,
  viewAround,
  type ClassPresetName,
  type LabelledPoints,
  type View,
} from './class-data.js';
import { classMapsFrom, describeProbe, gridInputs, probeAt, type ClassMaps, type GridSpec } from './class-grid.js';
import { mapImages, type MapName } from './class-maps.js';
import { BUILTIN_CLASSIFIERS, checkTwoInputs, classesOf, describeClassifier, loadBuiltinClassifier, type LoadedClassifier } from './classifier-models.js';
import { appendModelButtons, applyUrlInputs } from './dom.js';
import { installClassifyHooks, type ClassifierSummary, type ClassifyHooks, type ClassifyStatus } from './classify-hooks.js';
import { classifyUi as ui } from './classify-ui.js';
import { classColour, cssColour } from './colour-maps.js';
import { describeError } from './errors.js';
import { showWebGpuMissing, startGpu } from './gpu.js';
import { MapCanvas, type MapPointer } from './map-canvas.js';
import { renderClassLegend, renderHeatLegend } from './map-legends.js';
import { architecture, loadModelFile, loadModelUrl, type LoadedModel } from './model-loading.js';
import { createPredictor, type Predictor } from './predictor.js';
import { classifierTrainer, type ClassifierTrainMethod } from './train-classifier.js';
import { setupTrainPanel, type TrainOutcome, type TrainPanel } from './train-panel.js';

const MAP_PX = 280;
const DEFAULT_MODEL = 'pyro-blobs3';
const MAP_NAMES: readonly MapName[] = ['regions', 'entropy', 'mi'];

// ---- state ----
let ctx: GpuContext | null = null;
let predictor: Predictor | null = null;
let points: LabelledPoints = EMPTY_POINTS;
let classes = 3;
let selectedClass = 0;
let view: View = PRESET_VIEW;
let maps: ClassMaps | null = null;
let callsOnPredictor = 0;
let trainPanel: TrainPanel | null = null;
let resolveReady: () => void = () => undefined;

const hooks: ClassifyHooks = installClassifyHooks({
  status: 'starting',
  error: null,
  adapter: null,
  model: null,
  classes,
  points: 0,
  counts: [],
  view,
  predictCount: 0,
  lastPredict: null,
  train: null,
  probe: null,
  ready: new Promise<void>((resolve) => (resolveReady = resolve)),
  loadModel: (idOrUrl) => serial(() => loadAndPredict(idOrUrl)),
  runTraining: async (method, epochs) => {
    if (method !== undefined) {
      ui.train.method.value = method;
      ui.train.method.dispatchEvent(new Event('change')); // the method's defaults
    }
    if (epochs !== undefined) ui.train.epochs.value = String(epochs);
    await trainPanel?.run();
  },
  stopTraining: () => trainPanel?.stop(),
  probeAt: (x, y) => (maps ? probeAt(maps, x, y) : null),
  pixelAt: (map, x, y) => canvases[map].pixelAt(x, y),
  canvasPoint: (map, x, y) => {
    const canvas = canvases[map];
    const [px, py] = canvas.toCanvas(x, y);
    const scale = canvas.canvas.getBoundingClientRect().width / canvas.canvas.width;
    return [px * scale, py * scale];
  },
});

function onMapClick(at: MapPointer, pointIndex: number): void {
  points = pointIndex >= 0 ? removeLabelledPoint(points, pointIndex) : addLabelledPoint(points, at.x, at.y, selectedClass);
  showPoints();
}

function onMapHover(at: MapPointer | null): void {
  for (const name of MAP_NAMES) canvases[name].setCursor(at);
  const probe = at && maps ? probeAt(maps, at.x, at.y) : null;
  hooks.probe = probe;
  if (probe) ui.probe.textContent = describeProbe(probe);
}

const canvases: Record<MapName, MapCanvas> = {
  regions: new MapCanvas(ui.maps.regions, MAP_PX, { onClick: onMapClick, onHover: onMapHover }),
  entropy: new MapCanvas(ui.maps.entropy, MAP_PX, { onClick: onMapClick, onHover: onMapHover }),
  mi: new MapCanvas(ui.maps.mi, MAP_PX, { onClick: onMapClick, onHover: onMapHover }),
};

// ---- helpers ----
function setStatus(status: ClassifyStatus, text: string): void {
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

function readyText(): string {
  const a = hooks.adapter;
  return a ? `WebGPU ready: ${a.vendor || 'unknown vendor'} ${a.architecture}`.trim() : 'ready';
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

function intParam(input: HTMLInputElement, fallback: number, min: number, max: number): number {
  const v = Math.round(Number(input.value));
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

// ---- data ----
function showPoints(): void {
  for (const name of MAP_NAMES) canvases[name].setPoints(ui.showPoints.checked ? points : EMPTY_POINTS);
  const counts = classCounts(points, classes);
  hooks.points = points.x.length;
  hooks.counts = counts;
  ui.pointCount.textContent = `(${points.x.length} points: ${counts.join(' / ')})`;
}

/** K classes: the class picker, the legend, and the points of classes ≥ K dropped. */
function setClasses(k: number): void {
  classes = k;
  hooks.classes = k;
  ui.classes.value = String(k);
  points = keepClasses(points, k);
  selectedClass = Math.min(selectedClass, k - 1);
  ui.classPicker.replaceChildren();
  for (let c = 0; c < k; c++) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'class';
    input.value = String(c);
    input.checked = c === selectedClass;
    input.addEventListener('change', () => (selectedClass = c));
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = cssColour(classColour(c));
    label.append(input, swatch, `class ${c}`);
    ui.classPicker.append(label);
  }
  if (!maps) renderClassLegend(ui.legends.regions, k);
  showPoints();
}

function setView(next: View): void {
  view = next;
  hooks.view = next;
  for (const name of MAP_NAMES) canvases[name].setView(next);
}

function applyPreset(name: ClassPresetName): void {
  const k = name === 'moons' ? 2 : classes;
  points = classPreset(name, k);
  setClasses(k);
  if (view !== PRESET_VIEW) {
    setView(PRESET_VIEW);
    clearMaps('The view changed: predict again (or train) for the maps.');
  }
}

function clearMaps(note: string): void {
  maps = null;
  for (const name of MAP_NAMES) canvases[name].setImage(null, 0);
  renderClassLegend(ui.legends.regions, classes);
  renderHeatLegend(ui.legends.entropy, null, 'nats');
  renderHeatLegend(ui.legends.mi, null, 'nats');
  ui.mapsNote.textContent = note;
}

// ---- predictions ----
async function predictMaps(): Promise<void> {
  if (!predictor) return;
  ui.predictError.hidden = true;
  const grid: GridSpec = { view, size: intParam(ui.grid, 64, 4, 256) };
  const samples = intParam(ui.samples, 200, 1, 100_000);
  const seed = intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER);
  try {
    const start = performance.now();
    const result = await predictor.predict(gridInputs(grid), { samples, seed });
    const ms = performance.now() - start;
    maps = classMapsFrom(result, grid);
    const images = mapImages(maps);
    canvases.regions.setImage(images.regions, images.size);
    canvases.entropy.setImage(images.entropy, images.size);
    canvases.mi.setImage(images.mi, images.size);
    renderClassLegend(ui.legends.regions, maps.classes);
    renderHeatLegend(ui.legends.entropy, images.entropyScale, 'nats');
    renderHeatLegend(ui.legends.mi, images.miScale, 'nats');
    const range = (values: Float32Array): [number, number] => values.reduce<[number, number]>(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
    hooks.lastPredict = {
      grid: grid.size,
      samples: result.samples,
      classes: maps.classes,
      ms,
      entropyMax: images.entropyScale.max,
      miMax: images.miScale.max,
      entropyRange: range(maps.entropy),
      miRange: range(maps.mutualInformation),
    };
    ui.mapsNote.textContent = `${grid.size} × ${grid.size} grid over x₁ ∈ [${view.xMin.toFixed(1)}, ${view.xMax.toFixed(1)}], x₂ ∈ [${view.yMin.toFixed(1)}, ${view.yMax.toFixed(1)}]; ${result.samples} posterior samples. Entropy spans 0 to ln K (every class equally likely); the mutual information's scale tops out at its largest value on the grid.`;
    hooks.predictCount += 1;
    renderThroughput(ui.throughput, { samples: result.samples, members: predictor.members, inputs: result.n, ms, firstCall: callsOnPredictor === 0 });
    callsOnPredictor += 1;
  } catch (error) {
    showError(ui.predictError, error);
    setStatus('error', 'Predict failed (see the Predict panel)');
    throw error;
  }
}

// ---- models ----
function summary(loaded: LoadedModel, k: number): ClassifierSummary {
  return { name: loaded.name, format: loaded.format, architecture: architecture(loaded.model), classes: k, members: loaded.members.length };
}

/** Checks the model can draw the maps (2 inputs, categorical), makes it the page's model and predicts. */
async function useModel(loaded: LoadedModel, data: LabelledPoints | null): Promise<ClassifierSummary> {
  if (!ctx) throw new Error('WebGPU is not available');
  checkTwoInputs(loaded);
  const k = classesOf(loaded);
  if (k > MAX_CLASSES) throw new Error(`${loaded.name} has ${k} classes: the page draws at most ${MAX_CLASSES}`);
  predictor?.dispose();
  predictor = createPredictor(ctx, loaded.members, loaded.name);
  callsOnPredictor = 0;
  hooks.model = summary(loaded, k);
  ui.modelInfo.textContent = describeClassifier(loaded);
  ui.modelError.hidden = true;
  ui.predictButton.disabled = false;
  if (data) {
    points = data;
    ui.preset.value = 'model';
    setView(viewAround(data));
  }
  if (k !== classes) setClasses(k);
  else showPoints();
  await predictMaps();
  return hooks.model;
}

async function loadAndPredict(idOrUrl: string): Promise<ClassifierSummary> {
  try {
    const { loaded, points: data }: LoadedClassifier = BUILTIN_CLASSIFIERS.some((m) => m.id === idOrUrl)
      ? await loadBuiltinClassifier(idOrUrl)
      : { loaded: await loadModelUrl(idOrUrl), points: null };
    return await useModel(loaded, data);
  } catch (error) {
    showError(ui.modelError, error);
    throw error;
  }
}

const METHOD_NAMES: Readonly<Record<ClassifierTrainMethod, string>> = { ensemble: 'deep ensemble', vi: 'VI', 'mc-dropout': 'MC dropout', map: 'MAP' };

async function useTrained(outcome: TrainOutcome<ClassifierTrainMethod>): Promise<void> {
  const first = outcome.models[0];
  if (!first) throw new Error('training returned no model');
  const name = outcome.method === 'ensemble' ? `deep ensemble of ${outcome.models.length}` : METHOD_NAMES[outcome.method];
  const loaded: LoadedModel = { model: first, members: outcome.models, name: `${name} (trained)`, format: 'trained', points: null };
  await serial(() => useModel(loaded, null));
}

// ---- start-up ----
function applyUrlParams(params: URLSearchParams): void {
  applyUrlInputs(params, [
    ['samples', ui.samples],
    ['seed', ui.seed],
    ['grid', ui.grid],
    ['preset', ui.preset],
    ['classes', ui.classes],
  ] as const);
}

function buildModelButtons(): void {
  appendModelButtons(ui.builtinModels, BUILTIN_CLASSIFIERS, (id) => hooks.loadModel(id));
}

function wireData(): void {
  const presetName = (ui.preset.value in CLASS_PRESETS ? ui.preset.value : 'blobs') as ClassPresetName;
  ui.preset.value = presetName;
  classes = Math.min(MAX_CLASSES, Math.max(2, Number(ui.classes.value) || 3));
  applyPreset(presetName);
  ui.preset.addEventListener('change', () => {
    if (ui.preset.value in CLASS_PRESETS) applyPreset(ui.preset.value as ClassPresetName);
  });
  ui.classes.addEventListener('change', () => {
    const k = Number(ui.classes.value);
    if (ui.preset.value === 'blobs' || ui.preset.value === 'spirals') {
      classes = k;
      applyPreset(ui.preset.value);
    } else setClasses(k);
  });
  ui.showPoints.addEventListener('change', showPoints);
  ui.clearPoints.addEventListener('click', () => {
    points = EMPTY_POINTS;
    showPoints();
  });
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  applyUrlParams(params);
  buildModelButtons();
  wireData();
  clearMaps('Train a classifier on the points, or load the Pyro classifier, to see the maps.');

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
  ui.predictButton.addEventListener('click', () => void serial(predictMaps).catch(() => undefined));
  ui.modelFile.addEventListener('change', () => {
    const file = ui.modelFile.files?.[0];
    if (!file) return;
    void serial(async () => useModel(await loadModelFile(file), null)).catch((error: unknown) => showError(ui.modelError, error));
  });

  trainPanel = setupTrainPanel(ui.train, {
    ctx: () => ctx,
    trainer: classifierTrainer(
      () => points,
      () => classes,
    ),
    seed: () => intParam(ui.seed, 0, 0, Number.MAX_SAFE_INTEGER),
    onTrained: useTrained,
    onStatus: (status) => (hooks.train = status),
  });
  const method = params.get('method');
  const epochs = params.get('epochs');
  if (method !== null) {
    ui.train.method.value = method;
    ui.train.method.dispatchEvent(new Event('change'));
  }
  if (epochs !== null) ui.train.epochs.value = epochs;

  const initial = params.get('model') ?? DEFAULT_MODEL;
  if (initial !== 'none') await hooks.loadModel(initial).catch(() => undefined);
}

start()
  .catch((error: unknown) => {
    setStatus('error', `The page failed to start: ${describeError(error)}`);
    hooks.error = describeError(error);
  })
  .finally(() => resolveReady());
