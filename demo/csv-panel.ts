/**
 * The CSV panel: predictions for an uploaded file's rows (x columns, then y when present) in a
 * table, with the mean log predictive density when the file has targets.
 */
import type { PredictOptions } from '../src/index.js';
import { parseCsv, renderPredictionTable, splitXY } from './csv.js';
import type { BnnHooks } from './hooks.js';
import type { Predictor } from './predictor.js';
import type { DemoUi } from './ui.js';

export async function predictCsv(file: File, predictor: Predictor, outputDim: number, options: PredictOptions, ui: DemoUi): Promise<NonNullable<BnnHooks['csv']>> {
  ui.csvError.hidden = true;
  const table = parseCsv(await file.text());
  const { x, y } = splitXY(table, predictor.inputDim, outputDim);
  const result = await predictor.predict(x, y ? { ...options, y } : options);
  renderPredictionTable(ui.csvTable, x, y, result);
  const lpd = result.logPredictiveDensity;
  const meanLpd = lpd ? lpd.reduce((a, b) => a + b, 0) / lpd.length : null;
  const samples = predictor.members > 1 ? `an ensemble of ${predictor.members}` : `S = ${result.samples}`;
  ui.csvInfo.textContent =
    `Predictions for ${file.name}: ${result.n} rows, ${samples}` + (meanLpd !== null ? `, mean log predictive density ${meanLpd.toFixed(4).replace(/^-/, '−')}` : '');
  ui.csvResults.hidden = false;
  ui.csvResults.scrollIntoView({ block: 'nearest' });
  return { rows: result.n, hasY: y !== null, meanLogPredictiveDensity: meanLpd };
}
