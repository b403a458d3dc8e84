/**
 * Loading a data set folder in the UCI benchmark layout (bench/uci/PROTOCOL.md):
 * data.txt (whitespace-separated numbers, one row per example), index_features.txt,
 * index_target.txt, index_train_K.txt / index_test_K.txt for K = 0..n_splits-1, n_splits.txt,
 * n_hidden.txt, n_epochs.txt, and the MC-dropout grid dropout_rates.txt and tau_values.txt
 * (optional here: only the MC-dropout protocol needs them). Every problem is an InvalidInputError
 * naming the file and, where it helps, the line.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InvalidInputError } from '../../src/errors.js';

export interface UciSplit {
  /** 0-based row indices into the data set, in file order. */
  readonly train: readonly number[];
  readonly test: readonly number[];
}

export interface UciDataset {
  /** Folder name, e.g. 'bostonHousing'. */
  readonly name: string;
  readonly dir: string;
  /** Examples (rows of data.txt). */
  readonly rows: number;
  readonly inputDim: number;
  /** Inputs, row-major [rows, inputDim], and targets [rows]. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly splits: readonly UciSplit[];
  readonly nHidden: number;
  readonly nEpochs: number;
  /** The MC-dropout grid, or null where the folder has no such file. */
  readonly dropoutRates: readonly number[] | null;
  readonly tauValues: readonly number[] | null;
}

async function readText(dir: string, file: string, required: true): Promise<string>;
async function readText(dir: string, file: string, required: false): Promise<string | null>;
async function readText(dir: string, file: string, required: boolean): Promise<string | null> {
  const path = join(dir, file);
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ENOENT' && !required) return null;
    const why = code === 'ENOENT' ? 'missing' : code === 'EISDIR' ? 'is a directory' : cause instanceof Error ? cause.message : String(cause);
    throw new InvalidInputError(`UCI folder '${dir}': ${file} ${why}`, { cause });
  }
}

/** The numbers of a whitespace-separated file, with the line each came from. */
function numbers(text: string, where: string): { values: number[]; lines: number[] } {
  const values: number[] = [];
  const lines: number[] = [];
  text.split(/\r?\n|\r/).forEach((line, i) => {
    for (const token of line.trim().split(/[\s,]+/)) {
      if (token === '') continue;
      const v = Number(token);
      if (!Number.isFinite(v)) throw new InvalidInputError(`${where} line ${i + 1}: '${token}' is not a finite number`);
      values.push(v);
      lines.push(i + 1);
    }
  });
  return { values, lines };
}

/** Integer indices in [0, limit) (written as integers or integer-valued floats, e.g. 3.0e+00). */
function indices(text: string, where: string, limit: number, what: string): number[] {
  const { values, lines } = numbers(text, where);
  if (values.length === 0) throw new InvalidInputError(`${where} is empty`);
  return values.map((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new InvalidInputError(`${where} line ${lines[i] ?? 0}: ${what} ${v} is out of range (0..${limit - 1})`);
    }
    return v;
  });
}

function positiveInt(text: string, where: string): number {
  const { values } = numbers(text, where);
  const v = values[0];
  if (values.length !== 1 || v === undefined || !Number.isInteger(v) || v < 1) {
    throw new InvalidInputError(`${where} must hold one positive integer`);
  }
  return v;
}

/** A non-empty list of numbers, each accepted by `ok` (described by `range` in messages). */
function numberList(text: string, where: string, ok: (v: number) => boolean, range: string): number[] {
  const { values } = numbers(text, where);
  if (values.length === 0) throw new InvalidInputError(`${where} is empty`);
  for (const v of values) if (!ok(v)) throw new InvalidInputError(`${where}: ${v} is out of range ${range}`);
  return values;
}

/** Rows of data.txt, all with the same number of columns. */
function parseData(text: string, where: string): { rows: number; cols: number; values: Float64Array } {
  const all: number[] = [];
  let cols = -1;
  let rows = 0;
  text.split(/\r?\n|\r/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const tokens = trimmed.split(/[\s,]+/);
    if (cols >= 0 && tokens.length !== cols) {
      throw new InvalidInputError(`${where} line ${i + 1}: ${tokens.length} values, but the first row has ${cols}`);
    }
    cols = tokens.length;
    for (const token of tokens) {
      const v = Number(token);
      if (!Number.isFinite(v)) throw new InvalidInputError(`${where} line ${i + 1}: '${token}' is not a finite number`);
      all.push(v);
    }
    rows++;
  });
  if (rows === 0) throw new InvalidInputError(`${where} has no rows`);
  return { rows, cols, values: Float64Array.from(all) };
}

function checkDisjoint(train: readonly number[], test: readonly number[], where: string): void {
  const seen = new Set(train);
  if (seen.size !== train.length) throw new InvalidInputError(`${where}: index_train lists a row twice`);
  const testSet = new Set(test);
  if (testSet.size !== test.length) throw new InvalidInputError(`${where}: index_test lists a row twice`);
  for (const r of test) if (seen.has(r)) throw new InvalidInputError(`${where}: row ${r} is in both the training and the test part`);
  if (train.length < 2) throw new InvalidInputError(`${where}: the training part needs at least 2 rows`);
}

/** Reads and validates a UCI-layout folder. */
export async function loadUciDataset(folder: string): Promise<UciDataset> {
  const dir = resolve(folder);
  const at = (file: string) => `UCI folder '${folder}': ${file}`;
  const data = parseData(await readText(dir, 'data.txt', true), at('data.txt'));
  const features = indices(await readText(dir, 'index_features.txt', true), at('index_features.txt'), data.cols, 'column');
  const targets = indices(await readText(dir, 'index_target.txt', true), at('index_target.txt'), data.cols, 'column');
  if (targets.length !== 1) throw new InvalidInputError(`${at('index_target.txt')} must name one column, got ${targets.length}`);
  const target = targets[0] as number;
  if (features.includes(target)) throw new InvalidInputError(`${at('index_features.txt')} includes the target column ${target}`);
  if (new Set(features).size !== features.length) throw new InvalidInputError(`${at('index_features.txt')} lists a column twice`);
  const nSplits = positiveInt(await readText(dir, 'n_splits.txt', true), at('n_splits.txt'));
  const nHidden = positiveInt(await readText(dir, 'n_hidden.txt', true), at('n_hidden.txt'));
  const nEpochs = positiveInt(await readText(dir, 'n_epochs.txt', true), at('n_epochs.txt'));
  const dropoutText = await readText(dir, 'dropout_rates.txt', false);
  const tauText = await readText(dir, 'tau_values.txt', false);
  const splits: UciSplit[] = [];
  for (let k = 0; k < nSplits; k++) {
    const trainFile = `index_train_${k}.txt`;
    const testFile = `index_test_${k}.txt`;
    const train = indices(await readText(dir, trainFile, true), at(trainFile), data.rows, 'row');
    const test = indices(await readText(dir, testFile, true), at(testFile), data.rows, 'row');
    checkDisjoint(train, test, `UCI folder '${folder}' split ${k}`);
    splits.push({ train, test });
  }
  const d = features.length;
  const x = new Float64Array(data.rows * d);
  const y = new Float64Array(data.rows);
  for (let r = 0; r < data.rows; r++) {
    features.forEach((c, j) => {
      x[r * d + j] = data.values[r * data.cols + c] as number;
    });
    y[r] = data.values[r * data.cols + target] as number;
  }
  return {
    name: basename(dir),
    dir,
    rows: data.rows,
    inputDim: d,
    x,
    y,
    splits,
    nHidden,
    nEpochs,
    dropoutRates: dropoutText === null ? null : numberList(dropoutText, at('dropout_rates.txt'), (v) => v >= 0 && v < 1, '[0, 1)'),
    tauValues: tauText === null ? null : numberList(tauText, at('tau_values.txt'), (v) => v > 0, '(0, inf)'),
  };
}
