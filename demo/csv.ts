/**
 * CSV upload: parse x (and optionally y) columns, and the prediction table. Same rules as the CLI:
 * an optional header row, values separated by commas and/or whitespace, blank lines and lines
 * starting with '#' skipped. With inputDim + D columns the last D are y (the table then shows the
 * log predictive density).
 */
import type { PredictResult } from '../src/index.js';

export interface CsvTable {
  readonly header: readonly string[] | null;
  readonly rows: readonly (readonly number[])[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

export function parseCsv(text: string): CsvTable {
  const rows: number[][] = [];
  let header: string[] | null = null;
  let cols = -1;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const tokens = line.split(/[\s,;]+/).filter((t) => t !== '');
    if (rows.length === 0 && header === null && tokens.some((t) => !NUMBER.test(t))) {
      header = tokens;
      cols = tokens.length;
      return;
    }
    if (cols >= 0 && tokens.length !== cols) throw new Error(`line ${i + 1}: ${tokens.length} columns, expected ${cols}`);
    cols = tokens.length;
    const values = tokens.map((t, c) => {
      if (!NUMBER.test(t)) throw new Error(`line ${i + 1}, column ${c + 1}: '${t}' is not a number`);
      return Number(t);
    });
    rows.push(values);
  });
  if (rows.length === 0) throw new Error('the CSV has no data rows');
  return { header, rows };
}

/** Splits rows into x (the first inputDim columns) and y (the next D, when present). */
export function splitXY(table: CsvTable, inputDim: number, outputDim: number): { x: number[][]; y: number[][] | null } {
  const cols = table.rows[0]?.length ?? 0;
  if (cols !== inputDim && cols !== inputDim + outputDim) {
    throw new Error(`the CSV has ${cols} columns; this model needs ${inputDim} (x) or ${inputDim + outputDim} (x then y)`);
  }
  const x = table.rows.map((r) => r.slice(0, inputDim));
  const y = cols > inputDim ? table.rows.map((r) => r.slice(inputDim)) : null;
  return { x, y };
}

/**
 * Formats one column so its numbers line up: fixed 4 decimals when every non-zero magnitude is in
 * [1e-3, 1e6), otherwise the whole column in exponent form (a mix of both would not align).
 */
export function formatColumn(values: readonly number[]): string[] {
  const magnitudes = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const fixed = magnitudes.every((a) => a >= 1e-3 && a < 1e6);
  return values.map((v) => {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
    const text = fixed ? v.toFixed(4) : v.toExponential(3);
    return text.replace(/^-/, '−'); // a real minus sign: as wide as a digit in tabular figures
  });
}

interface TableColumn {
  readonly title: string;
  readonly cells: readonly string[];
  /** A border before it: x | y | predictions | density. */
  readonly groupStart?: boolean;
  readonly className?: string;
}

/**
 * Renders the predictions: row number, x columns, y columns (when the CSV had them), then mean,
 * std, epistemic, aleatoric, the interval and the log predictive density (with y); a caption says
 * what the columns are. At most maxRows rows are shown.
 */
export function renderPredictionTable(el: HTMLElement, x: readonly (readonly number[])[], y: readonly (readonly number[])[] | null, r: PredictResult, maxRows = 500): void {
  const D = r.outputDim;
  const inputDim = x[0]?.length ?? 0;
  const level = Math.round(r.intervalLevel * 1000) / 10;
  const shown = Math.min(r.n, maxRows);
  const rows = Array.from({ length: shown }, (_, i) => i);
  const suffix = (d: number) => (D === 1 ? '' : `[${d}]`);
  const stat = (a: ArrayLike<number>, d: number) => formatColumn(rows.map((i) => a[i * D + d] ?? NaN));
  const columns: TableColumn[] = [{ title: '#', cells: rows.map(String), className: 'index' }];
  for (let c = 0; c < inputDim; c++) {
    columns.push({ title: inputDim === 1 ? 'x' : `x${c}`, cells: formatColumn(rows.map((i) => x[i]?.[c] ?? NaN)), groupStart: c === 0 });
  }
  if (y) {
    for (let d = 0; d < D; d++) columns.push({ title: `y${suffix(d)}`, cells: formatColumn(rows.map((i) => y[i]?.[d] ?? NaN)), groupStart: d === 0 });
  }
  for (let d = 0; d < D; d++) {
    const s = suffix(d);
    columns.push(
      { title: `mean${s}`, cells: stat(r.mean, d), groupStart: true },
      { title: `std${s}`, cells: stat(r.std, d) },
      { title: `epistemic${s}`, cells: stat(r.epistemicStd, d) },
      { title: `aleatoric${s}`, cells: stat(r.aleatoricStd, d) },
      { title: `${level}% lower${s}`, cells: stat(r.lower, d) },
      { title: `${level}% upper${s}`, cells: stat(r.upper, d) },
    );
  }
  const lpd = r.logPredictiveDensity;
  if (lpd) columns.push({ title: 'log p(y)', cells: formatColumn(rows.map((i) => lpd[i] ?? NaN)), groupStart: true });

  const table = document.createElement('table');
  table.className = 'results';
  table.createCaption().textContent =
    `std is the total predictive std, sqrt(epistemic² + aleatoric²); the interval is mean ± z·std (${level}%)` +
    (lpd ? "; log p(y) is the log predictive density of the row's y." : '.');
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = column.title;
    if (column.groupStart) th.className = 'group-start';
    head.append(th);
  }
  const body = table.createTBody();
  for (let i = 0; i < shown; i++) {
    const tr = body.insertRow();
    for (const column of columns) {
      const td = tr.insertCell();
      td.textContent = column.cells[i] ?? '';
      const classes = [column.groupStart ? 'group-start' : '', column.className ?? ''].filter((c) => c !== '');
      if (classes.length > 0) td.className = classes.join(' ');
    }
  }
  el.replaceChildren(table);
  if (shown < r.n) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = `first ${shown} of ${r.n} rows shown`;
    el.append(note);
  }
}
