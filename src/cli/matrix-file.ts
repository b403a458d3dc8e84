/**
 * Reading x and y from files: CSV (an optional header row; values separated by commas and/or
 * whitespace; blank lines and lines starting with '#' are skipped) or JSON (an array of rows, or a
 * flat array for one column). Every problem is an InvalidInputError naming the file, line and column:
 * a value that is not a finite number, or one beyond float32's range (the GPU computes in float32,
 * where 1e39 is Infinity), and a file with NUL bytes (binary, not a table).
 *
 * The first row is a header only when none of its tokens looks like a number: a row mixing numbers
 * and words is a data row with a typo ('1.5,2x,3'), which must be reported, not silently taken as
 * column names (which would drop the row).
 */
import { InvalidInputError, preview } from '../errors.js';
import { FLOAT32_MAX, isFloat32Finite } from '../float32.js';
import { readFileBounded } from '../node/read-file.js';
import { parseJsonStrict, previewJson } from '../model/strict-json.js';

export { describeFsError } from '../node/read-file.js';

/**
 * Largest table file read, in bytes. The text becomes one JavaScript string (V8's longest is
 * 2^29 - 24 characters, ~512 M) and then a Float64Array; 256 MiB of CSV is ~20 million numbers,
 * more rows than one predict call can take on any device, and stays far from V8's string limit.
 */
export const MAX_TABLE_FILE_BYTES = 256 * 2 ** 20;

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

/**
 * Reads a CSV or JSON table of finite numbers from `path`: a regular file of at most
 * MAX_TABLE_FILE_BYTES (not a device, FIFO or directory), decoded as UTF-8.
 */
export async function readTableFile(path: string, role: TableRole): Promise<NumericTable> {
  const bytes = await readFileBounded(path, { what: `${role} file`, maxBytes: MAX_TABLE_FILE_BYTES, capName: 'MAX_TABLE_FILE_BYTES' });
  const text = new TextDecoder('utf-8').decode(bytes);
  // A binary file's first line would read as a header of odd names, and the error would be 'no data rows'.
  if (text.includes('\u0000')) {
    throw new InvalidInputError(`${role} file '${preview(path, 200)}' holds NUL bytes: it is binary, not a CSV or JSON table`);
  }
  return parseTable(text, `${role} file '${preview(path, 200)}'`, path.toLowerCase().endsWith('.json'));
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
      checkHeaderRow(tokens, source, lineNo);
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
        const shown = token === '' ? 'empty' : `'${preview(token)}'`;
        throw new InvalidInputError(`${source} line ${lineNo} column ${c + 1}: ${shown} is not a finite number`);
      }
      checkFloat32(v, () => `${source} line ${lineNo} column ${c + 1}: '${preview(token)}'`);
      values.push(v);
    });
    rows++;
  }
  if (rows === 0) throw new InvalidInputError(`${source} has no data rows`);
  return { rows, cols, data: Float64Array.from(values), header };
}

/**
 * A first row with a non-number must hold no number at all to be a header: '1.5,2x,3' is data with
 * a typo, and taking it as column names would silently drop the row.
 */
function checkHeaderRow(tokens: readonly string[], source: string, lineNo: number): void {
  const numberAt = tokens.findIndex((t) => NUMBER_LIKE.test(t));
  if (numberAt < 0) return;
  const badAt = tokens.findIndex((t) => !NUMBER_LIKE.test(t));
  const bad = tokens[badAt] ?? '';
  throw new InvalidInputError(
    `${source} line ${lineNo} is neither a header (it has the number '${preview(tokens[numberAt] ?? '')}' in column ` +
      `${numberAt + 1}) nor data (column ${badAt + 1}: ${bad === '' ? 'empty' : `'${preview(bad)}'`} is not a number); ` +
      `a header row holds only names`,
  );
}

/** Rejects a finite value that float32, which the GPU computes in, cannot hold. */
function checkFloat32(v: number, where: () => string): void {
  if (!isFloat32Finite(v)) {
    throw new InvalidInputError(`${where()} is beyond float32's range (±${FLOAT32_MAX.toPrecision(5)}), which the GPU computes in`);
  }
}

/** Splits on commas (with optional spaces around them) or, when there is no comma, on whitespace. */
function splitCsvLine(line: string): string[] {
  return line.includes(',') ? line.split(',').map((t) => t.trim()) : line.split(/\s+/);
}

function unquote(token: string): string {
  return /^".*"$|^'.*'$/.test(token) ? token.slice(1, -1) : token;
}

function parseJsonTable(text: string, source: string): NumericTable {
  const json = parseJsonStrict(text, { what: source, error: InvalidInputError });
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
        throw new InvalidInputError(`${source} row ${r} column ${c}: ${previewJson(v)} is not a finite number`);
      }
      checkFloat32(v, () => `${source} row ${r} column ${c}: ${previewJson(v)}`);
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
    throw new InvalidInputError(`${source} has ${table.cols} column${table.cols === 1 ? '' : 's'}, but the model has ${expected} ${what}`);
  }
}
