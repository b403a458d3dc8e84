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

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

/** Renders a table: row, x columns, mean, std, epistemic, aleatoric, interval, log predictive density. */
export function renderPredictionTable(el: HTMLElement, x: readonly (readonly number[])[], r: PredictResult, maxRows = 500): void {
  const D = r.outputDim;
  const inputDim = x[0]?.length ?? 0;
  const level = Math.round(r.intervalLevel * 100);
  const heads = ['#', ...Array.from({ length: inputDim }, (_, c) => (inputDim === 1 ? 'x' : `x${c}`))];
  for (let d = 0; d < D; d++) {
    const s = D === 1 ? '' : `[${d}]`;
    heads.push(`mean${s}`, `std${s}`, `epistemic${s}`, `aleatoric${s}`, `${level}% low${s}`, `${level}% high${s}`);
  }
  if (r.logPredictiveDensity) heads.push('log p(y)');
  const table = document.createElement('table');
  table.className = 'results';
  const thead = table.createTHead().insertRow();
  for (const h of heads) {
    const th = document.createElement('th');
    th.textContent = h;
    thead.append(th);
  }
  const body = table.createTBody();
  const shown = Math.min(r.n, maxRows);
  for (let i = 0; i < shown; i++) {
    const cells: string[] = [String(i), ...(x[i] ?? []).map((v) => fmt(v))];
    for (let d = 0; d < D; d++) {
      const k = i * D + d;
      cells.push(fmt(r.mean[k]), fmt(r.std[k]), fmt(r.epistemicStd[k]), fmt(r.aleatoricStd[k]), fmt(r.lower[k]), fmt(r.upper[k]));
    }
    if (r.logPredictiveDensity) cells.push(fmt(r.logPredictiveDensity[i]));
    const tr = body.insertRow();
    for (const c of cells) tr.insertCell().textContent = c;
  }
  el.replaceChildren(table);
  if (shown < r.n) {
    const note = document.createElement('p');
    note.className = 'note';
    note.textContent = `first ${shown} of ${r.n} rows shown`;
    el.append(note);
  }
}
