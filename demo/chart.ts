/**
 * The predictive chart (uPlot): the predictive mean, the epistemic band (mean ± z·epistemic std)
 * and, around it, the rest of the total interval (mean ± z·total std) shaded apart as the
 * aleatoric part; a few posterior function samples; the data points (drawn in a hook, so they
 * need not share the prediction grid's x). Clicks are reported in data coordinates, with the index
 * of the data point under the cursor if there is one.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PredictResult } from '../src/index.js';
import type { Points } from './data.js';
import { VIEW } from './data.js';

export const COLORS = {
  mean: '#1f3f99',
  epistemic: 'rgba(47, 95, 208, 0.38)',
  aleatoric: 'rgba(240, 150, 40, 0.30)',
  edge: 'rgba(47, 95, 208, 0.0)',
  sample: 'rgba(120, 40, 140, 0.55)',
  point: '#222831',
} as const;

/** Series layout: 0 x, 1 total upper, 2 epistemic upper, 3 mean, 4 epistemic lower, 5 total lower, 6.. function samples. */
const S_TOTAL_HI = 1;
const S_EPI_HI = 2;
const S_EPI_LO = 4;
const S_TOTAL_LO = 5;
const FIXED_SERIES = 6;

export interface ChartPrediction {
  readonly x: readonly number[];
  readonly result: PredictResult;
  /** z of the interval level: bands are mean ± z·std. */
  readonly z: number;
  /** How many of result.fSamples' functions to draw (output 0). */
  readonly functions: number;
}

export interface ChartClick {
  readonly x: number;
  readonly y: number;
  /** Index of the data point within a few pixels of the click, or -1. */
  readonly pointIndex: number;
}

export interface ChartState {
  readonly series: number;
  readonly bands: number;
  readonly functions: number;
  readonly points: number;
  readonly gridPoints: number;
  readonly yRange: readonly [number, number];
}

/** The bands drawn at one grid point. */
export interface BandWidths {
  readonly x: number;
  /** Width of mean ± z·σ_epi. */
  readonly epistemic: number;
  /** Width of mean ± z·σ_total. */
  readonly total: number;
}

const HIT_RADIUS_PX = 7;

export class PredictiveChart {
  private plot: uPlot | null = null;
  private points: Points = { x: [], y: [] };
  private prediction: ChartPrediction | null = null;
  private bandCount = 0;
  private range: [number, number] = [NaN, NaN];
  /** A y range set by the caller (charts side by side share their axes), or null for the chart's own. */
  private fixedRange: readonly [number, number] | null = null;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly el: HTMLElement,
    private readonly onClick: (click: ChartClick) => void,
    private readonly height = 440,
  ) {
    this.rebuild();
    this.resizeObserver = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: this.height }));
    this.resizeObserver.observe(el);
  }

  /** New data points; `rescale` false keeps the axes (a click must not move what is under the cursor). */
  setPoints(points: Points, rescale = true): void {
    this.points = points;
    if (rescale || !this.plot) this.rebuild();
    else this.plot.redraw(false, false);
  }

  /** `yRange` fixes the y axis (default: the data and the mean, padded: yRangeOf). */
  setPrediction(prediction: ChartPrediction | null, yRange: readonly [number, number] | null = null): void {
    this.prediction = prediction;
    this.fixedRange = yRange;
    this.rebuild();
  }

  state(): ChartState {
    const p = this.plot;
    return {
      series: p ? p.series.length - 1 : 0,
      bands: p ? this.bandCount : 0,
      functions: p ? Math.max(0, p.series.length - FIXED_SERIES) : 0,
      points: this.points.x.length,
      gridPoints: this.prediction?.x.length ?? 0,
      yRange: this.range,
    };
  }

  /** The band widths at the grid point nearest x (output 0), as drawn; null without a prediction. */
  bandsAt(x: number): BandWidths | null {
    const pred = this.prediction;
    if (!pred || pred.x.length === 0) return null;
    let best = 0;
    pred.x.forEach((g, i) => {
      if (Math.abs(g - x) < Math.abs((pred.x[best] ?? Infinity) - x)) best = i;
    });
    const D = pred.result.outputDim;
    return {
      x: pred.x[best] ?? NaN,
      epistemic: 2 * pred.z * (pred.result.epistemicStd[best * D] ?? NaN),
      total: 2 * pred.z * (pred.result.std[best * D] ?? NaN),
    };
  }

  /** RGBA of the canvas at data coordinates (for tests: is a band drawn there?). */
  pixelAt(x: number, y: number): [number, number, number, number] | null {
    const p = this.plot;
    if (!p) return null;
    const px = Math.round(p.valToPos(x, 'x', true));
    const py = Math.round(p.valToPos(y, 'y', true));
    const data = p.ctx.getImageData(px, py, 1, 1).data;
    return [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0, data[3] ?? 0];
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private width(): number {
    return Math.max(320, this.el.clientWidth || 800);
  }

  private rebuild(): void {
    this.plot?.destroy();
    const pred = this.prediction;
    const xs = pred ? Float64Array.from(pred.x) : new Float64Array([VIEW.xMin, VIEW.xMax]);
    const n = xs.length;
    const D = pred?.result.outputDim ?? 1;
    const col = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
    const r = pred?.result;
    const z = pred?.z ?? 0;
    const at = (a: Float32Array | undefined, i: number) => (a ? (a[i * D] ?? NaN) : NaN);
    const mean = col((i) => at(r?.mean, i));
    const epi = col((i) => at(r?.epistemicStd, i));
    const total = col((i) => at(r?.std, i));
    const data: (Float64Array | number[])[] = [
      xs,
      col((i) => (mean[i] ?? NaN) + z * (total[i] ?? NaN)),
      col((i) => (mean[i] ?? NaN) + z * (epi[i] ?? NaN)),
      mean,
      col((i) => (mean[i] ?? NaN) - z * (epi[i] ?? NaN)),
      col((i) => (mean[i] ?? NaN) - z * (total[i] ?? NaN)),
    ];
    const series: uPlot.Series[] = [
      {},
      { label: 'total upper', stroke: COLORS.edge, width: 0, points: { show: false } },
      { label: 'epistemic upper', stroke: COLORS.edge, width: 0, points: { show: false } },
      { label: 'mean', stroke: COLORS.mean, width: 2.5, points: { show: false } },
      { label: 'epistemic lower', stroke: COLORS.edge, width: 0, points: { show: false } },
      { label: 'total lower', stroke: COLORS.edge, width: 0, points: { show: false } },
    ];
    const fs = r?.fSamples;
    const functions = pred && fs ? Math.min(pred.functions, Math.floor(fs.length / (n * D))) : 0;
    for (let k = 0; k < functions; k++) {
      data.push(col((i) => fs?.[(k * n + i) * D] ?? NaN));
      series.push({ label: `f${k}`, stroke: COLORS.sample, width: 1, points: { show: false } });
    }
    const bands: uPlot.Band[] = pred
      ? [
          { series: [S_TOTAL_HI, S_EPI_HI], fill: COLORS.aleatoric },
          { series: [S_EPI_LO, S_TOTAL_LO], fill: COLORS.aleatoric },
          { series: [S_EPI_HI, S_EPI_LO], fill: COLORS.epistemic },
        ]
      : [];
    this.bandCount = bands.length;
    this.range = this.fixedRange ? [this.fixedRange[0], this.fixedRange[1]] : yRangeOf(this.points, [mean]);
    const points = this.points;
    const opts: uPlot.Options = {
      width: this.width(),
      height: this.height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, auto: false, range: [VIEW.xMin, VIEW.xMax] },
        y: { auto: false, range: this.range },
      },
      axes: [
        { label: 'x', stroke: '#444' },
        { label: 'y', stroke: '#444' },
      ],
      series,
      bands,
      hooks: {
        draw: [(u) => drawPoints(u, points)],
        ready: [(u) => this.listen(u)],
      },
    };
    this.plot = new uPlot(opts, data as uPlot.AlignedData, this.el);
  }

  private listen(u: uPlot): void {
    u.over.addEventListener('click', (event: MouseEvent) => {
      const left = event.offsetX;
      const top = event.offsetY;
      const x = u.posToVal(left, 'x');
      const y = u.posToVal(top, 'y');
      let pointIndex = -1;
      let best = HIT_RADIUS_PX;
      this.points.x.forEach((px, i) => {
        const dx = u.valToPos(px, 'x') - left;
        const dy = u.valToPos(this.points.y[i] ?? 0, 'y') - top;
        const d = Math.hypot(dx, dy);
        if (d <= best) {
          best = d;
          pointIndex = i;
        }
      });
      this.onClick({ x, y, pointIndex });
    });
  }
}

/** y range: the data points and the means, padded; wide bands far from the data are clipped. */
export function yRangeOf(points: Points, means: readonly ArrayLike<number>[]): [number, number] {
  const values = [...points.y, ...means.flatMap((m) => Array.from(m).filter(Number.isFinite))];
  if (values.length === 0) return [-2, 2];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = 0.4 * Math.max(hi - lo, 1);
  return [lo - pad, hi + pad];
}

function drawPoints(u: uPlot, points: Points): void {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.fillStyle = COLORS.point;
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  const radius = 3.5 * devicePixelRatio;
  points.x.forEach((x, i) => {
    const cx = u.valToPos(x, 'x', true);
    const cy = u.valToPos(points.y[i] ?? 0, 'y', true);
    ctx.beginPath();
    ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  });
  ctx.restore();
}

/** The legend under the chart (uPlot's own legend is off: it would list every band edge). */
export function renderLegend(el: HTMLElement, level: number): void {
  const pct = `${Math.round(level * 100)}%`;
  el.innerHTML = `
    <span><span class="swatch" style="background:${COLORS.mean}"></span>predictive mean</span> &nbsp;
    <span><span class="swatch" style="background:${COLORS.epistemic}"></span>epistemic: mean ± z·σ<sub>epi</sub></span> &nbsp;
    <span><span class="swatch" style="background:${COLORS.aleatoric}"></span>aleatoric: out to mean ± z·σ<sub>total</sub> (${pct})</span> &nbsp;
    <span><span class="swatch" style="background:${COLORS.sample}"></span>posterior function samples</span> &nbsp;
    <span><span class="swatch" style="background:${COLORS.point}; border-radius: 50%"></span>data</span>`;
}
