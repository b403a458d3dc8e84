/**
 * A data table with the target among its columns (what 'train --data' and 'predict --target'
 * read): which column is the target, and the table split into inputs and target.
 */
import { UsageError } from './args.js';
import type { NumericTable } from './matrix-file.js';

/** The target column of `table`: a header name, else a 0-based index. */
export function resolveTarget(table: NumericTable, target: string, source: string): number {
  const byName = table.header?.indexOf(target) ?? -1;
  if (byName >= 0) return byName;
  if (/^\d+$/.test(target.trim())) {
    const index = Number(target.trim());
    if (index < table.cols) return index;
    throw new UsageError(`--target ${target}: ${source} has ${table.cols} columns (indices 0..${table.cols - 1})`);
  }
  const names = table.header ? `columns: ${table.header.join(', ')}` : 'it has no header row; give the target as a 0-based column index';
  throw new UsageError(`--target '${target}' is not a column of ${source} (${names})`);
}

/** Splits the table into inputs (all columns but the target) and the target. */
export function splitColumns(table: NumericTable, target: number): { x: Float64Array; y: Float64Array; inputs: number } {
  const inputs = table.cols - 1;
  const x = new Float64Array(table.rows * inputs);
  const y = new Float64Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    let j = 0;
    for (let c = 0; c < table.cols; c++) {
      const v = table.data[r * table.cols + c] as number;
      if (c === target) y[r] = v;
      else x[r * inputs + j++] = v;
    }
  }
  return { x, y, inputs };
}

/** Splits the table into inputs (all columns but the targets) and rows of the target columns, in the order given. */
export function splitTargetColumns(table: NumericTable, targets: readonly number[]): { x: Float64Array; y: number[][]; inputs: number } {
  const inputs = table.cols - targets.length;
  const x = new Float64Array(table.rows * inputs);
  const y: number[][] = [];
  for (let r = 0; r < table.rows; r++) {
    let j = 0;
    for (let c = 0; c < table.cols; c++) if (!targets.includes(c)) x[r * inputs + j++] = table.data[r * table.cols + c] as number;
    y.push(targets.map((c) => table.data[r * table.cols + c] as number));
  }
  return { x, y, inputs };
}
