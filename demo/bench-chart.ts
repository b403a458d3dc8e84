/** Benchmark plots (uPlot): one line per (architecture, strategy) over the workload size S·N, log-log. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface PlotSeries {
  readonly label: string;
  /** (x, y) pairs; several at one x keep the largest y. */
  readonly points: readonly (readonly [number, number])[];
}

const PALETTE = ['#2f5fd0', '#e07b00', '#2a9d47', '#c2185b', '#6a4fb3', '#00838f', '#8d6e63', '#5f6b7a', '#b8a000', '#d84315'];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? '#333';
}

function compact(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  if (v >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** The powers of 10 around [min, max] (uPlot range callback; null bounds when there is no data). */
function wholeDecades(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [1, 10];
  return [10 ** Math.floor(Math.log10(min)), 10 ** Math.max(Math.ceil(Math.log10(max)), Math.floor(Math.log10(min)) + 1)];
}

export function plotSeries(el: HTMLElement, series: readonly PlotSeries[], xLabel: string, yLabel: string, old: uPlot | null): uPlot {
  old?.destroy();
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const data: (number | null)[][] = [xs];
  for (const s of series) {
    const best = new Map<number, number>();
    for (const [x, y] of s.points) best.set(x, Math.max(y, best.get(x) ?? -Infinity));
    data.push(xs.map((x) => (best.has(x) && (best.get(x) ?? 0) > 0 ? (best.get(x) ?? null) : null)));
  }
  const opts: uPlot.Options = {
    width: Math.max(360, el.clientWidth || 800),
    height: 300,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    // Whole decades on both axes: a log axis labels only powers of 10, and data within one decade
    // (S·N from 2k to 8k) would otherwise show a single label.
    scales: { x: { time: false, distr: 3, range: wholeDecades }, y: { distr: 3, range: wholeDecades } },
    axes: [
      { label: xLabel, values: (_u, splits) => splits.map(compact) },
      { label: yLabel, size: 64, values: (_u, splits) => splits.map(compact) },
    ],
    series: [
      { label: xLabel },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: seriesColor(i),
        width: 2,
        spanGaps: true,
        points: { show: true, size: 7, fill: seriesColor(i) },
      })),
    ],
  };
  return new uPlot(opts, data as uPlot.AlignedData, el);
}
