/**
 * Reading x and y from files: CSV (an optional header row; values separated by commas and/or
 * whitespace; blank lines and lines starting with '#' are skipped) or JSON (an array of rows, or a
 * flat array for one column). Every problem is an InvalidInputError naming the file, line and column.
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';

export interface NumericTable {
  readonly rows: number;
  readonly cols: number;
  /** Row-major values, all finite. */
  readonly data: Float64Array;
  /** Column names from a CSV header row, or null. */
  readonly header: readonly string[] | null;
}

/** What the file holds, for messages: 'x', 'y'. */
export type TableRole = string;

/** Looks like a number, finite or not: such a token is data (and rejected when not finite), never a header name. */
const NUMBER_LIKE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|nan|inf|infinity)$/i;

/** Reads a CSV or JSON table of finite numbers from `path`. */
export async function readTableFile(path: string, role: TableRole): Promise<NumericTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${role} file '${path}': ${describeFsError(cause)}`, { cause });
  }
  return parseTable(text, `${role} file '${path}'`, path.toLowerCase().endsWith('.json'));
}

/** A file-system error in a few words ('no such file' rather than ENOENT's full message). */
export function describeFsError(cause: unknown): string {
  const code = (cause as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return cause instanceof Error ? cause.message : String(cause);
}

/** Parses table text; JSON when `json` is set or the text starts with '[' (no CSV does). */
export function parseTable(text: string, source: string, json = false): NumericTable {
  const body = text.replace(/^\uFEFF/, '');
  return json || body.trimStart().startsWith('[') ? parseJsonTable(body, source) : parseCsvTable(body, source);
}

function parseCsvTable(text: string, source: string): NumericTable {
  const lines = text.split(/\r?\n|\r/);
  const values: number[] = [];
  let header: string[] | null = null;
  let cols = -1;
  let firstDataLine = 0;
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const tokens = splitCsvLine(line);
    const lineNo = i + 1;
    if (cols < 0 && header === null && tokens.some((t) => !NUMBER_LIKE.test(t))) {
      header = tokens.map(unquote);
      continue;
    }
    if (header !== null && cols < 0 && tokens.length !== header.length) {
      throw new InvalidInputError(`${source} line ${lineNo}: ${tokens.length} values, but the header has ${header.length} columns`);
    }
    if (cols >= 0 && tokens.length !== cols) {
      throw new InvalidInputError(`${source} line ${lineNo}: ${tokens.length} values, but line ${firstDataLine} has ${cols}`);
    }
    if (cols < 0) {
      cols = tokens.length;
      firstDataLine = lineNo;
    }
    tokens.forEach((token, c) => {
      const v = token === '' ? NaN : Number(token);
      if (!Number.isFinite(v) || !NUMBER_LIKE.test(token)) {
        const shown = token === '' ? 'empty' : `'${token}'`;
        throw new InvalidInputError(`${source} line ${lineNo} column ${c + 1}: ${shown} is not a finite number`);
      }
      values.push(v);
    });
    rows++;
  }
  if (rows === 0) throw new InvalidInputError(`${source} has no data rows`);
  return { rows, cols, data: Float64Array.from(values), header };
}

/** Splits on commas (with optional spaces around them) or, when there is no comma, on whitespace. */
function splitCsvLine(line: string): string[] {
  return line.includes(',') ? line.split(',').map((t) => t.trim()) : line.split(/\s+/);
}

function unquote(token: string): string {
  return /^".*"$|^'.*'$/.test(token) ? token.slice(1, -1) : token;
}

function parseJsonTable(text: string, source: string): NumericTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(`${source} is not valid JSON: ${reason}`, { cause });
  }
  if (!Array.isArray(json)) throw new InvalidInputError(`${source}: expected a JSON array (of rows, or of numbers for one column)`);
  if (json.length === 0) throw new InvalidInputError(`${source} has no data rows`);
  const nested = Array.isArray(json[0]);
  const cols = nested ? (json[0] as unknown[]).length : 1;
  if (cols === 0) throw new InvalidInputError(`${source} row 0 is empty`);
  const data = new Float64Array(json.length * cols);
  json.forEach((row: unknown, r) => {
    const cells: unknown[] = nested ? (Array.isArray(row) ? (row as unknown[]) : []) : [row];
    if (nested && !Array.isArray(row)) throw new InvalidInputError(`${source} row ${r} is not an array (row 0 is)`);
    if (!nested && Array.isArray(row)) throw new InvalidInputError(`${source} row ${r} is an array, but row 0 is a number`);
    if (cells.length !== cols) throw new InvalidInputError(`${source} row ${r} has ${cells.length} values, but row 0 has ${cols}`);
    cells.forEach((v, c) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidInputError(`${source} row ${r} column ${c}: ${JSON.stringify(v) ?? String(v)} is not a finite number`);
      }
      data[r * cols + c] = v;
    });
  });
  return { rows: json.length, cols, data, header: null };
}

/** The table's rows as arrays (what Engine.predict and the oracle take). */
export function tableRows(table: NumericTable): number[][] {
  return Array.from({ length: table.rows }, (_, r) => Array.from(table.data.subarray(r * table.cols, (r + 1) * table.cols)));
}

/** Checks the column count against the model: `expected` columns, described as e.g. 'inputs'. */
export function expectColumns(table: NumericTable, expected: number, source: string, what: string): void {
  if (table.cols !== expected) {
    throw new InvalidInputError(
      `${source} has ${table.cols} column${table.cols === 1 ? '' : 's'}, but the model has ${expected} ${what}`,
    );
  }
}
