/**
 * The files a command reads, checked against each other before any GPU work: the model, a
 * parameter point, and x / y (columns against the model, rows of y against x).
 */
import { readFile } from 'node:fs/promises';
import { InvalidInputError, ModelFormatError } from '../errors.js';
import { ensembleFromBytes } from '../model/ensemble-file.js';
import { modelFromBytes } from '../model/format.js';
import { pointFromBytes } from '../model/point.js';
import { outputDim, type Model } from '../model/spec.js';
import { describeFsError, expectColumns, readTableFile, type NumericTable } from './matrix-file.js';

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new InvalidInputError(`cannot read ${what} '${path}': ${describeFsError(cause)}`, { cause });
  }
}

/** Prefixes a ModelFormatError with the file it came from. */
function inFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelFormatError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** A model file (our format or a Pyro AutoNormal export) from a filesystem path. */
export async function readModelFile(path: string): Promise<Model> {
  const bytes = await readBytes(path, 'model file');
  return inFile(path, () => modelFromBytes(bytes));
}

/** The members of a model file: M for a deep-ensemble file, one for any single-model file. */
export async function readModelMembers(path: string): Promise<Model[]> {
  const bytes = await readBytes(path, 'model file');
  return inFile(path, () => ensembleFromBytes(bytes));
}

/** A parameter point (safetensors, one tensor per site) for `model`. */
export async function readPointFile(path: string, model: Model): Promise<Map<string, Float32Array>> {
  const bytes = await readBytes(path, 'point file');
  return inFile(path, () => pointFromBytes(bytes, model));
}

/** x with the model's input columns. */
export async function readX(path: string, model: Model): Promise<NumericTable> {
  const x = await readTableFile(path, 'x');
  const inputs = model.spec.inputDim;
  expectColumns(x, inputs, `x file '${path}'`, inputs === 1 ? 'input' : 'inputs');
  return x;
}

/** y with the model's output columns and one row per row of x. */
export async function readY(path: string, model: Model, x: NumericTable): Promise<NumericTable> {
  const y = await readTableFile(path, 'y');
  const D = outputDim(model.spec);
  expectColumns(y, D, `y file '${path}'`, D === 1 ? 'output' : 'outputs');
  if (y.rows !== x.rows) throw new InvalidInputError(`y file '${path}' has ${y.rows} rows, but x has ${x.rows}`);
  return y;
}
