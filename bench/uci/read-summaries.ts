/**
 * Reads the JSON summaries a results folder holds (<data set>-<method>.json, summary.ts) back for
 * the cross-run table, checking the fields the table uses so a stray or truncated file is named
 * in the error instead of printing NaN (a run's own NaN, written as null, reads back as NaN).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInputError } from '../../src/errors.js';
import { UCI_METHODS } from './methods.js';
import type { MeanSe } from './published.js';
import type { UciSummary } from './summary.js';

// JSON writes NaN as null: a run with a diverged split (its test scores NaN) has a null mean.
const isNumberOrNaN = (v: unknown): boolean => typeof v === 'number' || v === null;
const isMeanSe = (v: unknown): boolean => typeof v === 'object' && v !== null && isNumberOrNaN((v as { mean?: unknown }).mean) && isNumberOrNaN((v as { se?: unknown }).se);
const readMeanSe = (v: { mean: number | null; se: number | null }): MeanSe => ({ mean: v.mean ?? NaN, se: v.se ?? NaN });

function checkSummary(value: unknown, file: string): UciSummary {
  const s = value as Partial<Record<keyof UciSummary, unknown>> | null;
  const problem =
    typeof s !== 'object' || s === null
      ? 'not a JSON object'
      : typeof s.dataset !== 'string'
        ? "no 'dataset'"
        : !UCI_METHODS.some((m) => m === s.method)
          ? `unknown method '${String(s.method)}'`
          : !isMeanSe(s.rmse) || !isMeanSe(s.ll)
            ? "'rmse' or 'll' is not {mean, se}"
            : !Array.isArray(s.splits)
              ? "no 'splits' list"
              : typeof (s.settings as { epochs?: unknown } | undefined)?.epochs !== 'number'
                ? "no 'settings.epochs'"
                : typeof (s.timing as { wallMs?: unknown } | undefined)?.wallMs !== 'number'
                  ? "no 'timing.wallMs'"
                  : s.published !== null && !Array.isArray(s.published)
                    ? "'published' is neither null nor a list"
                    : null;
  if (problem) throw new InvalidInputError(`${file}: not a UCI run summary (${problem})`);
  const summary = s as UciSummary;
  return { ...summary, rmse: readMeanSe(summary.rmse), ll: readMeanSe(summary.ll) };
}

/** One run summary file, parsed and checked. */
export async function readSummary(file: string): Promise<UciSummary> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read '${file}': ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return checkSummary(parsed, file);
}

/** Every <data set>-<method>.json of `dir`, parsed and checked. */
export async function readSummaries(dir: string): Promise<UciSummary[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new InvalidInputError(`cannot read the results folder '${dir}': ${(error as Error).message}`, { cause: error });
  }
  // <data set>-<method>.json and its variants' <data set>-<method>-<variant>.json (heteroscedastic, laplace-diagonal, laplace-kfac).
  const files = names.filter((n) => n.endsWith('.json') && UCI_METHODS.some((m) => n.endsWith(`-${m}.json`) || n.includes(`-${m}-`))).sort();
  if (files.length === 0) throw new InvalidInputError(`'${dir}' holds no <data set>-<method>.json run summaries`);
  return Promise.all(files.map((name) => readSummary(join(dir, name))));
}
