/**
 * Training in the page: `trainInPage` runs the library's `train(ctx, arch, data, options)` on the
 * chart's points with the demo's defaults per method, and the panel around it (method select,
 * epochs, hidden widths, learning rate, live loss curve).
 *
 * Responsiveness: `train` awaits the GPU once per epoch (it reads the epoch's loss back) and reports
 * it through onProgress; the loss curve is redrawn at most once per animation frame, and
 * trainInPage yields to the event loop before starting so the UI shows the state change first.
 */
import type { GpuContext, Model } from '../src/index.js';
import { train } from '../src/train/index.js';
import type { ArchitectureSpec, TrainData, TrainMethod, TrainOptions, TrainProgress } from '../src/train/index.js';
import type { Points } from './data.js';
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
 * Panel defaults per method, set when the method changes. VI gets a small network: with ~50 points
 * the KL term of a 1-32-32-1 mean-field posterior outweighs the data and the fit collapses to the
 * prior, while 1-16-1 fits and shows the bands widening away from the data.
 */
export const METHOD_DEFAULTS: Readonly<Record<DemoTrainMethod, { hidden: string; epochs: number; lr: number }>> = {
  vi: { hidden: '16', epochs: 600, lr: 0.01 },
  'mc-dropout': { hidden: '32,32', epochs: 300, lr: 0.01 },
  ensemble: { hidden: '32,32', epochs: 300, lr: 0.01 },
};

/** Minibatch size (at most): 48 points make 3 steps per epoch. */
export const BATCH_SIZE = 16;

export const MC_DROPOUT_RATE = 0.1;
/** Model precision for MC dropout: sigma = 1/sqrt(tau) = 0.2 in y's units. */
export const MC_DROPOUT_TAU = 25;

/** Yields to the event loop (a macrotask, so it also runs in a background tab, where frames stop). */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Trains on the points with the demo's settings for `method`; onEpoch sees the mean loss of each epoch. */
export async function trainInPage(
  ctx: GpuContext,
  request: TrainRequest,
  onEpoch: (epoch: number, epochs: number, loss: number) => void = () => undefined,
): Promise<TrainOutcome> {
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
    onProgress: (p: TrainProgress) => {
      let sum = 0;
      for (const v of p.loss) sum += v;
      const loss = sum / Math.max(1, p.loss.length);
      losses.push(loss);
      onEpoch(p.epoch, p.epochs, loss);
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
  readonly progress: HTMLElement;
  readonly note: HTMLElement;
  readonly lossChart: HTMLElement;
}

export type TrainState = 'idle' | 'running' | 'done' | 'error';

export interface TrainStatus {
  readonly state: TrainState;
  readonly method: DemoTrainMethod | null;
  readonly losses: readonly number[];
  readonly elapsedMs: number | null;
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

/** Wires the panel; returns a function that runs the training as if the button was clicked. */
export function setupTrainPanel(el: TrainPanelElements, deps: TrainPanelDeps): () => Promise<void> {
  const chart = new LossChart(el.lossChart, Math.max(240, el.lossChart.clientWidth || 300));
  let status: TrainStatus = { state: 'idle', method: null, losses: [], elapsedMs: null, error: null };
  const set = (patch: Partial<TrainStatus>) => {
    status = { ...status, ...patch };
    deps.onStatus(status);
  };
  el.note.textContent = `Trains on the points in the chart on the GPU (Adam, minibatches of ${BATCH_SIZE}); the loss curve updates every epoch.`;
  el.method.addEventListener('change', () => {
    const d = METHOD_DEFAULTS[el.method.value as DemoTrainMethod];
    if (!d) return;
    el.hidden.value = d.hidden;
    el.epochs.value = String(d.epochs);
    el.lr.value = String(d.lr);
  });
  deps.onStatus(status);
  const run = async () => {
    const ctx = deps.ctx();
    if (!ctx || status.state === 'running') return;
    const method = el.method.value as DemoTrainMethod;
    let request: TrainRequest;
    try {
      request = {
        method,
        points: deps.points(),
        hidden: parseHidden(el.hidden.value),
        epochs: Math.max(1, Math.round(Number(el.epochs.value) || 1)),
        lr: Number(el.lr.value) || 0.01,
        seed: deps.seed(),
      };
    } catch (error) {
      set({ state: 'error', error: String(error instanceof Error ? error.message : error) });
      el.progress.textContent = status.error ?? '';
      return;
    }
    chart.reset();
    el.button.disabled = true;
    set({ state: 'running', method, losses: [], elapsedMs: null, error: null });
    el.progress.textContent = 'starting…';
    const losses: number[] = [];
    try {
      const outcome = await trainInPage(ctx, request, (epoch, epochs, loss) => {
        losses.push(loss);
        chart.push(epoch, loss);
        el.progress.textContent = `epoch ${epoch}/${epochs}, loss ${loss.toPrecision(4)}`;
        set({ losses: [...losses] });
      });
      chart.reset();
      outcome.losses.forEach((l, i) => chart.push(i + 1, l));
      chart.draw();
      el.progress.textContent = `done: ${outcome.losses.length} epochs in ${(outcome.elapsedMs / 1000).toFixed(1)} s, final loss ${outcome.losses.at(-1)?.toPrecision(4) ?? '–'}`;
      await deps.onTrained(outcome);
      set({ state: 'done', losses: outcome.losses, elapsedMs: outcome.elapsedMs });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      el.progress.textContent = `failed: ${message}`;
      set({ state: 'error', error: message });
    } finally {
      el.button.disabled = false;
    }
  };
  el.button.disabled = deps.ctx() === null;
  el.button.addEventListener('click', () => void run());
  return run;
}
