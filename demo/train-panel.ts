/**
 * The train panel of the demo pages (method select, epochs, hidden widths, learning rate, Train and
 * Stop, live loss curve) around a page's trainer (`PanelTrainer`: the regression page's is in
 * train-regression.ts, the classification page's in train-classifier.ts), which runs the library's
 * `train(ctx, arch, data, options)` on the page's points.
 *
 * Responsiveness: `train` awaits the GPU once per epoch (it reads the epoch's loss back) and reports
 * it through onProgress; the loss curve is redrawn at most once per animation frame, and a trainer
 * yields to the event loop before starting (yieldToPage) so the UI shows the state change first.
 * Stop aborts the run through train's `signal` (checked after every epoch): the call rejects with
 * an AbortError and the page keeps the model it had.
 */
import type { GpuContext, Model } from '../src/index.js';
import type { TrainProgress, TrainResult } from '../src/train/index.js';
import { describeError, isAbort } from './errors.js';
import { LossChart } from './loss-chart.js';

/** A method's panel defaults, set when the method is picked. */
export interface MethodDefaults {
  readonly hidden: string;
  readonly epochs: number;
  readonly lr: number;
}

/** What the panel asks a trainer for (the points are the trainer's: it reads them when the run starts). */
export interface PanelRequest<M extends string> {
  readonly method: M;
  readonly hidden: readonly number[];
  readonly epochs: number;
  readonly lr: number;
  readonly seed: number;
  /** Cancels the run (after the current epoch). */
  readonly signal?: AbortSignal;
}

export interface TrainOutcome<M extends string = string> {
  readonly method: M;
  /** One model, or one per ensemble member. */
  readonly models: Model[];
  /** Mean loss over the models, per epoch. */
  readonly losses: number[];
  readonly elapsedMs: number;
}

export interface EpochProgress {
  readonly epoch: number;
  readonly epochs: number;
  /** Mean loss over the models. */
  readonly loss: number;
  /** Since train() started (the first epoch includes compiling the kernels). */
  readonly elapsedMs: number;
}

/** A page's training: its methods (the values of the method select), their defaults, and the run. */
export interface PanelTrainer<M extends string> {
  readonly defaultMethod: M;
  readonly defaults: Readonly<Record<M, MethodDefaults>>;
  /** Shown under the panel's title. */
  readonly note: string;
  train(ctx: GpuContext, request: PanelRequest<M>, onEpoch: (progress: EpochProgress) => void): Promise<TrainOutcome<M>>;
}

/** Yields to the event loop (a macrotask, so it also runs in a background tab, where frames stop). */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * train()'s onProgress, reporting each epoch's mean loss over the models to onEpoch, and the losses
 * of the run (from the reports, or from the result's history when there were none).
 */
export function lossRecorder(onEpoch: (progress: EpochProgress) => void): { onProgress: (p: TrainProgress) => void; losses: (result: Pick<TrainResult, 'history'>) => number[] } {
  const losses: number[] = [];
  const mean = (row: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < row.length; i++) sum += row[i] ?? NaN;
    return sum / Math.max(1, row.length);
  };
  return {
    onProgress: (p) => {
      const loss = mean(p.loss);
      losses.push(loss);
      onEpoch({ epoch: p.epoch, epochs: p.epochs, loss, elapsedMs: p.elapsedMs });
    },
    losses: (result) => (losses.length > 0 ? losses : result.history.map(mean)),
  };
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
  /** The method of the current or last run (the method select's value). */
  readonly method: string | null;
  readonly losses: readonly number[];
  /** Epochs asked for in the current or last run. */
  readonly epochs: number | null;
  readonly elapsedMs: number | null;
  /** Estimated time left while running (null until it can be estimated). */
  readonly etaMs: number | null;
  /** `name: message` of the failure. */
  readonly error: string | null;
}

export interface TrainPanelDeps<M extends string> {
  readonly ctx: () => GpuContext | null;
  readonly trainer: PanelTrainer<M>;
  readonly seed: () => number;
  /** Called with the trained models; the app turns them into a predictor and predicts. */
  readonly onTrained: (outcome: TrainOutcome<M>) => Promise<void>;
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
export function setupTrainPanel<M extends string>(el: TrainPanelElements, deps: TrainPanelDeps<M>): TrainPanel {
  const { trainer } = deps;
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
  el.note.textContent = trainer.note;
  const applyMethodDefaults = () => {
    const d = (trainer.defaults as Partial<Record<string, MethodDefaults>>)[el.method.value];
    if (!d) return;
    el.hidden.value = d.hidden;
    el.epochs.value = String(d.epochs);
    el.lr.value = String(d.lr);
  };
  el.method.value = trainer.defaultMethod;
  applyMethodDefaults();
  el.method.addEventListener('change', applyMethodDefaults);
  deps.onStatus(status);
  const run = async () => {
    const ctx = deps.ctx();
    if (!ctx || status.state === 'running') return;
    const method = el.method.value as M;
    const abort = new AbortController();
    let request: PanelRequest<M>;
    try {
      request = {
        method,
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
      const outcome = await trainer.train(ctx, request, ({ epoch, epochs, loss, elapsedMs }) => {
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
