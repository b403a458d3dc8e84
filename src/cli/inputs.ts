/**
 * The files a command reads, checked against each other before any GPU work: the model, a
 * parameter point, and x / y (columns against the model, rows of y against x).
 */
import { InvalidInputError, ModelFormatError, preview } from '../errors.js';
import { isLaplaceMetadata, laplaceFitFromBytes, laplaceMapModel, type LaplaceFileFit } from '../laplace/fit-file.js';
import { ensembleFromBytes } from '../model/ensemble-file.js';
import { modelFromBytes } from '../model/format.js';
import { MAX_MODEL_FILE_BYTES } from '../model/limits.js';
import { pointFromBytes } from '../model/point.js';
import { parseSafetensors } from '../model/safetensors.js';
import { readFileBounded } from '../node/read-file.js';
import { likelihoodKind, outputDim, targetDim, type Model } from '../model/spec.js';
import { checkTargets } from '../infer/targets.js';
import { resolveTarget, splitColumns } from './columns.js';
import { expectColumns, readTableFile, type NumericTable } from './matrix-file.js';

/** A model or point file's bytes: a regular file of at most MAX_MODEL_FILE_BYTES. */
function readBytes(path: string, what: string): Promise<Uint8Array> {
  return readFileBounded(path, { what, maxBytes: MAX_MODEL_FILE_BYTES, capName: 'MAX_MODEL_FILE_BYTES' });
}

/** Prefixes a ModelFormatError with the file it came from. */
function inFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelFormatError(`${preview(path, 200)}: ${error.message}`, { cause: error });
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

/** What a model path holds: a model's members, or a Laplace posterior file with its MAP network (for the checks of x and y). */
export type ModelFileContents = { readonly kind: 'members'; readonly members: Model[] } | { readonly kind: 'laplace'; readonly fit: LaplaceFileFit; readonly model: Model };

/** A model file's members, or the Laplace posterior of a file written by `train --posterior-out`. */
export async function readModelOrPosterior(path: string): Promise<ModelFileContents> {
  const bytes = await readBytes(path, 'model file');
  return inFile(path, (): ModelFileContents => {
    if (!isLaplaceMetadata(parseSafetensors(bytes).metadata)) return { kind: 'members', members: ensembleFromBytes(bytes) };
    const fit = laplaceFitFromBytes(bytes);
    return { kind: 'laplace', fit, model: laplaceMapModel(fit) };
  });
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
  expectColumns(x, inputs, `x file '${preview(path, 200)}'`, inputs === 1 ? 'input' : 'inputs');
  return x;
}

/** Targets the likelihood cannot score (labels, Beta values, Dirichlet rows) refused before the GPU is touched (the engine checks them again). */
function checkClassLabels(model: Model, y: NumericTable): void {
  checkTargets(likelihoodKind(model.spec.likelihood), y.data, outputDim(model.spec));
}

/** y with the model's target columns (a categorical model's: one, the class index) and one row per row of x. */
export async function readY(path: string, model: Model, x: NumericTable): Promise<NumericTable> {
  const y = await readTableFile(path, 'y');
  const D = targetDim(model.spec);
  expectColumns(y, D, `y file '${preview(path, 200)}'`, D === 1 ? 'output' : 'outputs');
  if (y.rows !== x.rows) throw new InvalidInputError(`y file '${preview(path, 200)}' has ${y.rows} rows, but x has ${x.rows}`);
  checkClassLabels(model, y);
  return y;
}

/**
 * x and y from one table holding the target too (the CSV 'train --data' reads): the target column
 * (a header name or 0-based index) becomes y, the other columns x, checked against the model.
 */
export async function readXAndTarget(path: string, target: string, model: Model): Promise<{ x: NumericTable; y: NumericTable }> {
  const table = await readTableFile(path, 'x');
  const source = `x file '${path}'`;
  const column = resolveTarget(table, target, source);
  const D = targetDim(model.spec);
  if (D !== 1) throw new InvalidInputError(`--target gives one target column, but the model has ${D} outputs; give y as --y <file>`);
  const { x, y, inputs } = splitColumns(table, column);
  const header = table.header ? table.header.filter((_, c) => c !== column) : null;
  const xTable: NumericTable = { rows: table.rows, cols: inputs, data: x, header };
  const inputDim = model.spec.inputDim;
  expectColumns(xTable, inputDim, `${source} without its target column`, inputDim === 1 ? 'input' : 'inputs');
  const yTable: NumericTable = { rows: table.rows, cols: 1, data: y, header: table.header ? [table.header[column] ?? 'y'] : null };
  checkClassLabels(model, yTable);
  return { x: xTable, y: yTable };
}
