/**
 * Training in the page: `trainInPage` runs the library's `train(ctx, arch, data, options)` on the
 * chart's points with the demo's defaults per method, and the panel around it (method select,
 * epochs, hidden widths, learning rate, live loss curve).
 *
 * Responsiveness: `train` awaits the GPU once per epoch (it reads the epoch's loss back) and reports
 * it through onProgress; the loss curve is redrawn at most once per animation frame, and
 * trainInPage yields to the event loop before starting so the UI shows the state change first.
 * Stop aborts the run through train's `signal` (checked after every epoch): the call rejects with
 * an AbortError and the chart keeps the model it had.
 */
import type { GpuContext, Model } from '../src/index.js';
import { train } from '../src/train/index.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions, TrainProgress } from '../src/train/index.js';
import type { Points } from './data.js';
import { describeError, isAbort } from './errors.js';
import { LossChart } from './loss-chart.js';

/** The methods the demo offers ('map' is in the library too, but has no epistemic uncertainty to show). */
export type DemoTrainMethod = Extract<TrainMethod, 'vi' | 'mc-dropout' | 'ensemble'>;

export interface TrainRequest {
  readonly method: DemoTrainMethod;
  readonly points: Points;
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly lr: number;
  readonly seed: number;
  /** Ensemble members (default 5). */
  readonly members?: number;
  /** Cancels the run (after the current epoch). */
  readonly signal?: AbortSignal;
}

export interface TrainOutcome {
  readonly method: DemoTrainMethod;
  /** One model, or one per ensemble member. */
  readonly models: Model[];
  /** Mean loss over the models, per epoch. */
  readonly losses: number[];
  readonly elapsedMs: number;
}

/**
 * The method the panel starts with. A deep ensemble shows what the presets are for: its members
 * agree on the data and disagree in the gap and beyond it, while mean-field VI and MC dropout put
 * their narrowest band in the gap (the "in-between" failure of factorised posteriors; models/README.md
 * has the comparison on the shipped data).
 */
export const DEFAULT_METHOD: DemoTrainMethod = 'ensemble';

/**
 * Panel defaults per method, set when the method changes. VI gets a small network: with ~50 points
 * the KL term of a 1-32-32-1 mean-field posterior outweighs the data and the fit collapses to the
 * prior, while 1-16-1 fits and shows the bands widening away from the data. The ensemble's 200
 * epochs (600 Adam steps) fit the presets and take about 10 s on SwiftShader.
 */
export const METHOD_DEFAULTS: Readonly<Record<DemoTrainMethod, { hidden: string; epochs: number; lr: number }>> = {
  ensemble: { hidden: '32,32', epochs: 200, lr: 0.01 },
  vi: { hidden: '16', epochs: 600, lr: 0.01 },
  'mc-dropout': { hidden: '32,32', epochs: 300, lr: 0.01 },
};

/** Minibatch size (at most): 48 points make 3 steps per epoch. */
export const BATCH_SIZE = 16;

export const MC_DROPOUT_RATE = 0.1;
/** Model precision for MC dropout: sigma = 1/sqrt(tau) = 0.2 in y's units. */
export const MC_DROPOUT_TAU = 25;

export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Mean loss over the models. */
  readonly loss: number;
  /** Since train() started (the first epoch includes compiling the kernels). */
  readonly elapsedMs: number;
}

/** Yields to the event loop (a macrotask, so it also runs in a background tab, where frames stop). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Trains on the points with the demo's settings for `method`; onEpoch sees the mean loss of each epoch. */
export async function trainInPage(ctx: GpuContext, request: TrainRequest, onEpoch: (progress: EpochProgress) => void = () => undefined): Promise<TrainOutcome> {
  const n = request.points.x.length;
  if (n < 2) throw new Error('add at least 2 points to train on');
  const arch: ArchitectureSpec = {
    inputDim: 1,
    hidden: request.hidden,
    activation: 'relu',
    ...(request.method === 'mc-dropout' ? { dropout: MC_DROPOUT_RATE } : {}),
  };
  const data: TrainData = { x: request.points.x.map((v) => [v]), y: Float64Array.from(request.points.y) };
  const members = request.method === 'ensemble' ? (request.members ?? 5) : 1;
  const models =
    request.method === 'ensemble'
      ? Array.from({ length: members }, () => ({})) // members differ by model index
      : request.method === 'mc-dropout'
        ? [{ dropout: MC_DROPOUT_RATE, tau: MC_DROPOUT_TAU }]
        : [{ priorScale: 1 }];
  const losses: number[] = [];
  const options: TrainOptions = {
    method: request.method,
    epochs: request.epochs,
    batchSize: Math.min(n, BATCH_SIZE),
    lr: request.lr,
    optimizer: 'adam',
    seed: request.seed,
    models,
    ...(request.method === 'vi' ? { samplesPerStep: 2 } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
    onProgress: (p: TrainProgress) => {
      let sum = 0;
      for (const v of p.loss) sum += v;
      const loss = sum / Math.max(1, p.loss.length);
      losses.push(loss);
      onEpoch({ epoch: p.epoch, epochs: p.epochs, loss, elapsedMs: p.elapsedMs });
    },
  };
  await yieldToPage();
  const result = await train(ctx, arch, data, options);
  if (losses.length === 0) {
    // No progress reports: take the history.
    for (const row of result.history) losses.push(row.reduce((a, b) => a + b, 0) / Math.max(1, row.length));
  }
  return { method: request.method, models: result.models, losses, elapsedMs: result.elapsedMs };
}

export interface TrainPanelElements {
  readonly method: HTMLSelectElement;
  readonly epochs: HTMLInputElement;
  readonly hidden: HTMLInputElement;
  readonly lr: HTMLInputElement;
  readonly button: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly bar: HTMLProgressElement;
  readonly progress: HTMLElement;
  readonly note: HTMLElement;
  readonly lossChart: HTMLElement;
}

export type TrainState = 'idle' | 'running' | 'done' | 'stopped' | 'error';

export interface TrainStatus {
  readonly state: TrainState;
  readonly method: DemoTrainMethod | null;
  readonly losses: readonly number[];
  /** Epochs asked for in the current or last run. */
  readonly epochs: number | null;
  readonly elapsedMs: number | null;
  /** Estimated time left while running (null until it can be estimated). */
  readonly etaMs: number | null;
  /** `name: message` of the failure. */
  readonly error: string | null;
}

export interface TrainPanelDeps {
  readonly ctx: () => GpuContext | null;
  readonly points: () => Points;
  readonly seed: () => number;
  /** Called with the trained models; the app turns them into a predictor and predicts. */
  readonly onTrained: (outcome: TrainOutcome) => Promise<void>;
  readonly onStatus: (status: TrainStatus) => void;
}

/** What the panel does: run as if Train was clicked (resolves when the run ends), and stop a run. */
export interface TrainPanel {
  run(): Promise<void>;
  stop(): void;
}

export function parseHidden(text: string): number[] {
  const widths = text
    .split(/[\s,;x-]+/)
    .filter((t) => t !== '')
    .map(Number);
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1 || w > 1024)) {
    throw new Error(`hidden widths: expected numbers like "32,32", got '${text}'`);
  }
  return widths;
}

/** '4.2 s', '1 min 05 s'. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

/**
 * Time left after `epoch` of `epochs`, from the epochs after the first: the first one also
 * compiles the kernels and would make the estimate far too long. Null before epoch 2.
 */
export function estimateRemainingMs(epoch: number, epochs: number, elapsedMs: number, firstEpochMs: number): number | null {
  if (epoch < 2) return null;
  return ((elapsedMs - firstEpochMs) / (epoch - 1)) * (epochs - epoch);
}

/** Wires the panel; returns its run and stop actions (the hooks use them as the buttons do). */
export function setupTrainPanel(el: TrainPanelElements, deps: TrainPanelDeps): TrainPanel {
  const chart = new LossChart(el.lossChart, Math.max(240, el.lossChart.clientWidth || 300));
  el.lossChart.hidden = true; // an empty plot until the first run
  let status: TrainStatus = { state: 'idle', method: null, losses: [], epochs: null, elapsedMs: null, etaMs: null, error: null };
  let controller: AbortController | null = null;
  const set = (patch: Partial<TrainStatus>) => {
    status = { ...status, ...patch };
    deps.onStatus(status);
  };
  const setRunning = (running: boolean) => {
    el.button.disabled = running;
    el.stop.disabled = !running;
    el.method.disabled = running;
    el.bar.hidden = !running;
  };
  el.note.textContent = `Trains on the points in the chart on the GPU (Adam, minibatches of ${BATCH_SIZE}); the loss curve updates every epoch. Stop ends the run after the current epoch.`;
  const applyMethodDefaults = () => {
    const d = METHOD_DEFAULTS[el.method.value as DemoTrainMethod];
    if (!d) return;
    el.hidden.value = d.hidden;
    el.epochs.value = String(d.epochs);
    el.lr.value = String(d.lr);
  };
  el.method.value = DEFAULT_METHOD;
  applyMethodDefaults();
  el.method.addEventListener('change', applyMethodDefaults);
  deps.onStatus(status);
  const run = async () => {
    const ctx = deps.ctx();
    if (!ctx || status.state === 'running') return;
    const method = el.method.value as DemoTrainMethod;
    const abort = new AbortController();
    let request: TrainRequest;
    try {
      request = {
        method,
        points: deps.points(),
        hidden: parseHidden(el.hidden.value),
        epochs: Math.max(1, Math.round(Number(el.epochs.value) || 1)),
        lr: Number(el.lr.value) || 0.01,
        seed: deps.seed(),
        signal: abort.signal,
      };
    } catch (error) {
      set({ state: 'error', error: describeError(error) });
      el.progress.textContent = status.error ?? '';
      return;
    }
    controller = abort;
    el.lossChart.hidden = false;
    chart.reset();
    setRunning(true);
    el.bar.max = request.epochs;
    el.bar.value = 0;
    set({ state: 'running', method, losses: [], epochs: request.epochs, elapsedMs: null, etaMs: null, error: null });
    el.progress.textContent = 'compiling the training kernels…';
    const losses: number[] = [];
    let firstEpochMs = 0;
    let lastEpoch = 0;
    try {
      const outcome = await trainInPage(ctx, request, ({ epoch, epochs, loss, elapsedMs }) => {
        if (epoch === 1) firstEpochMs = elapsedMs;
        lastEpoch = epoch;
        losses.push(loss);
        chart.push(epoch, loss);
        el.bar.value = epoch;
        const etaMs = estimateRemainingMs(epoch, epochs, elapsedMs, firstEpochMs);
        const left = etaMs === null ? 'estimating the time left…' : `about ${formatDuration(etaMs)} left`;
        el.progress.textContent = `epoch ${epoch}/${epochs} · loss ${loss.toPrecision(4)} · ${formatDuration(elapsedMs)}, ${left}`;
        set({ losses: [...losses], elapsedMs, etaMs });
      });
      chart.reset();
      outcome.losses.forEach((l, i) => chart.push(i + 1, l));
      chart.draw();
      el.progress.textContent = `done: ${outcome.losses.length} epochs in ${formatDuration(outcome.elapsedMs)}, final loss ${outcome.losses.at(-1)?.toPrecision(4) ?? '–'}`;
      set({ elapsedMs: outcome.elapsedMs, etaMs: null });
      await deps.onTrained(outcome);
      set({ state: 'done', losses: outcome.losses });
    } catch (error) {
      chart.draw();
      if (isAbort(error)) {
        el.progress.textContent = `stopped after epoch ${lastEpoch} of ${request.epochs}: this run's models were dropped, the chart is unchanged.`;
        set({ state: 'stopped', etaMs: null });
      } else {
        const message = describeError(error);
        el.progress.textContent = `failed: ${message}`;
        set({ state: 'error', etaMs: null, error: message });
      }
    } finally {
      controller = null;
      setRunning(false);
    }
  };
  const stop = () => controller?.abort();
  setRunning(false);
  el.button.disabled = deps.ctx() === null;
  el.button.addEventListener('click', () => void run());
  el.stop.addEventListener('click', stop);
  return { run, stop };
}
