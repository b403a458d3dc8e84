/**
 * The published UCI results of bench/uci/PROTOCOL.md (or of a PROTOCOL.md in the data folder's parent): two markdown tables,
 * "Test RMSE" and "Test log-likelihood", one row per data set and one column per method, cells
 * "mean±se". Rows are matched to a folder by name: every word of the row's name ("Wine (red)")
 * must be a word of the folder's name ("wine-quality-red"; camelCase splits: "bostonHousing").
 */
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface MeanSe {
  readonly mean: number;
  readonly se: number;
}

export interface PublishedColumn {
  /** The column's title in the RMSE table (the log-likelihood table's where that is missing). */
  readonly column: string;
  readonly rmse: MeanSe | null;
  readonly ll: MeanSe | null;
}

interface Table {
  readonly columns: readonly string[];
  readonly rows: ReadonlyMap<string, readonly (MeanSe | null)[]>;
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

/** '4.32±0.29', '-2.90 ± 0.07', '4.32+-0.29' -> { mean, se }; anything else -> null. */
export function parseMeanSe(text: string): MeanSe | null {
  const m = /^([+-]?\d*\.?\d+(?:e[+-]?\d+)?)\s*(?:±|\+-|\+\/-)\s*(\d*\.?\d+(?:e[+-]?\d+)?)$/i.exec(text.replace(/\u2212/g, '-').trim());
  return m ? { mean: Number(m[1]), se: Number(m[2]) } : null;
}

/** The first markdown table after the first line matching `title`. */
function tableAfter(lines: readonly string[], title: RegExp): Table | null {
  const at = lines.findIndex((l) => title.test(l));
  if (at < 0) return null;
  let i = at + 1;
  while (i < lines.length && !(lines[i] ?? '').trim().startsWith('|')) i++;
  const header = lines[i];
  if (header === undefined) return null;
  const columns = cells(header).slice(1);
  const rows = new Map<string, (MeanSe | null)[]>();
  for (i += 1; i < lines.length && (lines[i] ?? '').trim().startsWith('|'); i++) {
    const row = cells(lines[i] ?? '');
    if (row.every((c) => /^:?-+:?$/.test(c))) continue;
    rows.set(row[0] ?? '', row.slice(1).map(parseMeanSe));
  }
  return { columns, rows };
}

function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** The published row name that names `dataset` (the one with the most words when several do). */
function matchRow(names: Iterable<string>, dataset: string): string | null {
  const have = new Set(words(dataset));
  let best: string | null = null;
  for (const name of names) {
    const need = words(name);
    if (need.length > 0 && need.every((w) => have.has(w)) && (best === null || need.length > words(best).length)) best = name;
  }
  return best;
}

/** The published columns for `dataset` from bench/uci/PROTOCOL.md's text, or null when it has no such row. */
export function publishedFor(markdown: string, dataset: string): PublishedColumn[] | null {
  const lines = markdown.split(/\r?\n/);
  const rmse = tableAfter(lines, /^\s*test rmse/i);
  const ll = tableAfter(lines, /^\s*test log-?likelihood/i);
  if (!rmse && !ll) return null;
  const rmseRow = rmse ? matchRow(rmse.rows.keys(), dataset) : null;
  const llRow = ll ? matchRow(ll.rows.keys(), dataset) : null;
  if (rmseRow === null && llRow === null) return null;
  const count = Math.max(rmse?.columns.length ?? 0, ll?.columns.length ?? 0);
  return Array.from({ length: count }, (_, c) => ({
    column: rmse?.columns[c] ?? ll?.columns[c] ?? `column ${c + 1}`,
    rmse: (rmseRow !== null ? rmse?.rows.get(rmseRow)?.[c] : null) ?? null,
    ll: (llRow !== null ? ll?.rows.get(llRow)?.[c] : null) ?? null,
  }));
}

// This module runs from bench/uci (sources, under vitest) or dist/bench/uci (built).
const REPOSITORY_COPIES = [new URL('./PROTOCOL.md', import.meta.url), new URL('../../../bench/uci/PROTOCOL.md', import.meta.url)].map((u) => fileURLToPath(u));

/** The text of the repository's bench/uci/PROTOCOL.md, or null when it cannot be read. */
export async function readRepositoryProtocol(): Promise<string | null> {
  for (const path of REPOSITORY_COPIES) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * The protocol document with the published tables: PROTOCOL.md next to the data set folder (in its
 * parent) when there is one, else the repository's copy (bench/uci/PROTOCOL.md). Null when neither
 * is readable or its tables have no row for the data set.
 */
export async function readPublished(datasetDir: string, dataset: string): Promise<{ path: string; columns: PublishedColumn[] } | null> {
  for (const path of [join(dirname(datasetDir), 'PROTOCOL.md'), ...REPOSITORY_COPIES]) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    const columns = publishedFor(text, dataset);
    return columns ? { path, columns } : null;
  }
  return null;
}
