/**
 * Two methods side by side on the chart's points: each is trained with its comparison settings
 * (regression-methods.ts: small networks, fast on SwiftShader), predicted on the
 * same grid with the same seed, and drawn in its own chart (mean, epistemic and aleatoric bands,
 * function samples) on shared axes, with a caption giving each side's epistemic std at the middle
 * of the widest gap in the data. On the gap preset this is the picture used to show what mean-field
 * VI misses: its band stays narrow between the clusters, while posterior samples spread out there.
 */
import type { GpuContext, PredictOptions } from '../src/index.js';
import { normalQuantile } from '../src/math/special.js';
import { PredictiveChart, renderLegend, yRangeOf, type ChartState } from './chart.js';
import { grid, type Points } from './data.js';
import { describeError } from './errors.js';
import { predictOnGrid } from './grid-prediction.js';
import { createPredictor } from './predictor.js';
import { nearestIndex, widestGapCentre, type ComparisonPair } from './compare.js';
import { compareSettings, DEFAULT_COMPARISON, regressionMethod, type DemoTrainMethod } from './regression-methods.js';
import { formatDuration, parseHidden, type MethodDefaults } from './train-panel.js';
import { trainInPage } from './train-regression.js';

export interface ComparisonSide {
  readonly method: DemoTrainMethod;
  /** The method's short name, as the chart's title shows it. */
  readonly name: string;
  /** Models the predictor mixes (1, an ensemble's members, a sampler's kept samples). */
  readonly members: number;
  readonly settings: MethodDefaults;
  readonly trainMs: number;
  /** Mean loss of the last epoch. */
  readonly finalLoss: number;
  /** The prediction on the grid (output 0), as plain arrays. */
  readonly x: number[];
  readonly mean: number[];
  readonly std: number[];
  readonly epistemicStd: number[];
  /** The function samples drawn, each on the grid. */
  readonly functions: number[][];
  readonly chart: ChartState;
}

export interface ComparisonStatus {
  readonly state: 'idle' | 'running' | 'done' | 'error';
  readonly methods: ComparisonPair | null;
  /** Left, then right, once done. */
  readonly sides: readonly ComparisonSide[];
  /** The middle of the widest gap between the points' x (null with fewer than 2 distinct x). */
  readonly gapCentre: number | null;
  readonly error: string | null;
}

export interface ComparisonElements {
  readonly section: HTMLElement;
  readonly button: HTMLButtonElement;
  readonly progress: HTMLElement;
  readonly caption: HTMLElement;
  readonly legend: HTMLElement;
  readonly titles: readonly [HTMLElement, HTMLElement];
  readonly charts: readonly [HTMLElement, HTMLElement];
}

export interface ComparisonDeps {
  readonly ctx: () => GpuContext | null;
  readonly points: () => Points;
  readonly seed: () => number;
  /** The page's predict options (S, seed, path, kernel, interval level). */
  readonly predictOptions: () => PredictOptions;
  readonly gridSize: () => number;
  readonly functions: () => number;
  /** Runs GPU predictions one task at a time with the page's other work. */
  readonly serial: <T>(task: () => Promise<T>) => Promise<T>;
  readonly onStatus: (status: ComparisonStatus) => void;
}

export interface Comparison {
  /** Trains and draws both methods; resolves when done or failed (the status says which). */
  run(methods?: ComparisonPair): Promise<void>;
}

function settingsText(method: DemoTrainMethod, s: MethodDefaults): string {
  const detail = regressionMethod(method).detail;
  return `1-${parseHidden(s.hidden).join('-')}-1, ${s.epochs} epochs, lr ${s.lr}${detail ? `, ${detail}` : ''}`;
}

const INTERVAL_LEVEL = 0.9;

export function setupComparison(el: ComparisonElements, deps: ComparisonDeps): Comparison {
  let charts: [PredictiveChart, PredictiveChart] | null = null;
  let status: ComparisonStatus = { state: 'idle', methods: null, sides: [], gapCentre: null, error: null };
  const set = (patch: Partial<ComparisonStatus>) => {
    status = { ...status, ...patch };
    deps.onStatus(status);
  };
  deps.onStatus(status);

  const trainSide = async (ctx: GpuContext, method: DemoTrainMethod, points: Points, step: string) => {
    const settings = compareSettings(method);
    const name = regressionMethod(method).short;
    el.progress.textContent = `${step} training ${name}: compiling the training kernels…`;
    const outcome = await trainInPage(
      ctx,
      { method, hidden: parseHidden(settings.hidden), epochs: settings.epochs, lr: settings.lr, seed: deps.seed(), points },
      ({ epoch, epochs, loss, elapsedMs }) => {
        const detail = regressionMethod(method).detail;
        const then = epoch === epochs && detail ? ` · now ${detail}…` : '';
        el.progress.textContent = `${step} training ${name}: epoch ${epoch}/${epochs} · loss ${loss.toPrecision(4)} · ${formatDuration(elapsedMs)}${then}`;
      },
    );
    return { outcome, settings };
  };

  const run = async (methods: ComparisonPair = DEFAULT_COMPARISON) => {
    const ctx = deps.ctx();
    if (!ctx || status.state === 'running') return;
    const points = deps.points();
    el.button.disabled = true;
    el.section.hidden = false;
    el.caption.textContent = '';
    set({ state: 'running', methods, sides: [], gapCentre: widestGapCentre(points.x), error: null });
    try {
      if (points.x.length < 2) throw new Error('add at least 2 points to compare on');
      const trained: Awaited<ReturnType<typeof trainSide>>[] = [];
      for (const [i, method] of methods.entries()) trained.push(await trainSide(ctx, method, points, `(${i + 1}/2)`));
      el.progress.textContent = 'predicting…';
      const xs = grid(deps.gridSize());
      const options = deps.predictOptions();
      const functions = deps.functions();
      const predictions = await deps.serial(async () => {
        const out = [];
        for (const { outcome } of trained) {
          const predictor = createPredictor(ctx, outcome.models, outcome.method);
          try {
            out.push(await predictOnGrid(predictor, xs, options, functions));
          } finally {
            predictor.dispose();
          }
        }
        return out;
      });
      const yRange = yRangeOf(
        points,
        predictions.map((p) => p.result.mean),
      );
      if (!charts) {
        charts = [new PredictiveChart(el.charts[0], () => undefined, 320), new PredictiveChart(el.charts[1], () => undefined, 320)];
        renderLegend(el.legend, INTERVAL_LEVEL);
      }
      const z = normalQuantile((1 + INTERVAL_LEVEL) / 2);
      const sides: ComparisonSide[] = trained.map(({ outcome, settings }, i) => {
        const chart = charts?.[i];
        const { result } = predictions[i] ?? {};
        if (!chart || !result) throw new Error('comparison: a side has no prediction');
        chart.setPoints(points);
        chart.setPrediction({ x: xs, result, z, functions }, yRange);
        const name = regressionMethod(outcome.method).name(outcome.models.length);
        const title = el.titles[i];
        if (title) title.textContent = `${name} · ${settingsText(outcome.method, settings)} · trained in ${formatDuration(outcome.elapsedMs)}`;
        const D = result.outputDim;
        const pick = (a: ArrayLike<number>) => Array.from({ length: xs.length }, (_, j) => a[j * D] ?? NaN);
        const drawn = chart.state().functions;
        const fs = result.fSamples;
        return {
          method: outcome.method,
          name,
          members: outcome.models.length,
          settings,
          trainMs: outcome.elapsedMs,
          finalLoss: outcome.losses.at(-1) ?? NaN,
          x: xs,
          mean: pick(result.mean),
          std: pick(result.std),
          epistemicStd: pick(result.epistemicStd),
          functions: fs ? Array.from({ length: drawn }, (_, k) => pick(fs.subarray(k * xs.length * D, (k + 1) * xs.length * D))) : [],
          chart: chart.state(),
        };
      });
      el.caption.textContent = caption(sides, status.gapCentre);
      el.progress.textContent = `done: both trained on the ${points.x.length} points in the chart (seed ${deps.seed()}), predicted with S = ${options.samples ?? 1000}.`;
      set({ state: 'done', sides });
    } catch (error) {
      const message = describeError(error);
      el.progress.textContent = `failed: ${message}`;
      set({ state: 'error', error: message });
    } finally {
      el.button.disabled = false;
    }
  };

  el.button.disabled = deps.ctx() === null;
  el.button.addEventListener('click', () => void run());
  return { run };
}

/** What the two charts show, with each side's epistemic std at the gap's middle. */
function caption(sides: readonly ComparisonSide[], gapCentre: number | null): string {
  const [a, b] = sides.map((s) => ({ ...s, name: regressionMethod(s.method).short }));
  if (!a || !b) return '';
  if (gapCentre === null) return `${a.name} (left) and ${b.name} (right) on the same axes.`;
  const at = (s: typeof a) => s.epistemicStd[nearestIndex(s.x, gapCentre)] ?? NaN;
  const [ea, eb] = [at(a), at(b)];
  const wider = ea >= eb ? a : b;
  const narrower = wider === a ? b : a;
  const ratio = Math.max(ea, eb) / Math.min(ea, eb);
  const verdict =
    Number.isFinite(ratio) && ratio < 1.2
      ? 'the two bands are about as wide there'
      : `${wider.name}'s band opens up where no data pin the function down, ${narrower.name}'s is ${Number.isFinite(ratio) ? `${ratio.toFixed(1)}× narrower` : 'zero'}`;
  return (
    `${a.name} (left) and ${b.name} (right) on the same axes. In the middle of the widest gap in the data (x = ${gapCentre.toFixed(2)}), ` +
    `the epistemic std is ${ea.toPrecision(3)} for ${a.name} and ${eb.toPrecision(3)} for ${b.name}: ${verdict}.`
  );
}
