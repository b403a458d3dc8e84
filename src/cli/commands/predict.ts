/** `webgpu-bnn predict <model> --x <file> [--y <file>] ...`: posterior predictive statistics. */
import type { GpuContext } from '../../gpu/device.js';
import { mixtureAsPrediction, predictEnsemble } from '../../infer/ensemble.js';
import type { PredictOptions, PredictResult } from '../../infer/types.js';
import type { Model } from '../../model/spec.js';
import { UsageError, flag, parseCommand, parseKernel, parseLevel, parsePath, requiredOption, samplingOptions, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatMs, formatNumber, formatRate, renderFields } from '../format.js';
import { describeAdapter, withContext, withEngine } from '../gpu.js';
import type { CliIo } from '../io.js';
import { readModelMembers, readX, readY } from '../inputs.js';
import { tableRows, type NumericTable } from '../matrix-file.js';
import { meanLogPredictiveDensity, predictionJson, predictionTable, throughput } from '../report.js';

const HELP = `Usage: webgpu-bnn predict <model> --x <file> [--y <file>] [options]

Posterior predictive of a Bayesian neural network at the rows of x, from S Monte-Carlo
samples of its weights drawn on the GPU: mean, total std, epistemic std (spread of f over
samples), aleatoric std (observation noise), a central interval and, with y, the log
predictive density.

Arguments:
  <model>            model file: .safetensors in the webgpu-bnn format (one model, or a deep
                     ensemble written by 'train --method ensemble'), or a Pyro AutoNormal export.
                     An ensemble is predicted as the exact uniform mixture of its members, so
                     --samples, --seed, --path and --kernel do not apply to it

Options:
  --x <file>         inputs, one row per input: CSV (optional header row; comma or whitespace
                     separated) or JSON (array of rows, or a flat array for one column)
  --y <file>         observed targets, one row per row of x (same formats): adds the log
                     predictive density per input
  --samples <S>      posterior samples, >= 1 (default 1000)
  --seed <K>         RNG seed, a non-negative integer (default 0)
  --level <p>        central probability of the interval, in (0, 1) (default 0.9)
  --path <p>         joint: one weight draw per sample, shared by all inputs (default);
                     marginal: local reparameterisation, independent draws per input
  --kernel <k>       kernel of the joint path: auto (default), fused, registers or materialized
  --json             print JSON (all arrays, flat [N, D] row-major; timing; adapter)
  -h, --help         show this help
`;

const GRAMMAR = {
  command: 'predict',
  positionals: ['model'],
  options: {
    x: { type: 'string' },
    y: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    level: { type: 'string' },
    path: { type: 'string' },
    kernel: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

export const predictCommand: Command = {
  name: 'predict',
  summary: 'posterior predictive statistics at the rows of x',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const modelPath = line.positionals[0] ?? '';
    const xPath = requiredOption(line, 'x', 'predict');
    const yPath = stringOption(line, 'y');
    const levelText = stringOption(line, 'level');
    const intervalLevel = levelText === undefined ? 0.9 : parseLevel(levelText);

    // Every file is read and checked before the GPU is touched.
    const members = await readModelMembers(modelPath);
    const model = members[0] as Model;
    const x = await readX(xPath, model);
    const y = yPath === undefined ? null : await readY(yPath, model, x);
    if (members.length > 1) {
      for (const option of ['samples', 'seed', 'path', 'kernel'] as const) {
        if (stringOption(line, option) !== undefined) throw new UsageError(`predict: --${option} does not apply to an ensemble file (its predictive is the exact mixture of its ${members.length} members)`);
      }
      await withContext(io, async (ctx) => {
        const start = performance.now();
        const mix = await predictEnsemble(ctx, members, tableRows(x), y ? { y: y.data } : {});
        const result = mixtureAsPrediction(mix, intervalLevel);
        const predictMs = performance.now() - start;
        report(io, { x, result, modelPath, ctx, predictMs, json: flag(line, 'json'), seed: 0, path: 'ensemble', kernel: 'none', what: `ensemble of ${members.length} members (exact mixture)` });
      });
      return 0;
    }
    const { samples, seed } = samplingOptions(line, 1000);
    const pathText = stringOption(line, 'path');
    const kernelText = stringOption(line, 'kernel');
    const path = pathText === undefined ? 'joint' : parsePath(pathText);
    const kernel = kernelText === undefined ? 'auto' : parseKernel(kernelText);
    const options: PredictOptions = { samples, seed, intervalLevel, path, kernel, ...(y ? { y: tableRows(y) } : {}) };

    await withEngine(io, model, async (engine, ctx) => {
      const start = performance.now();
      const result = await engine.predict(tableRows(x), options);
      const predictMs = performance.now() - start;
      const what = `${samples} (seed ${seed}, path ${path}${path === 'joint' ? `, kernel ${kernel}` : ''})`;
      report(io, { x, result, modelPath, ctx, predictMs, json: flag(line, 'json'), seed, path, kernel, what });
    });
    return 0;
  },
};

interface Report {
  readonly x: NumericTable;
  readonly result: PredictResult;
  readonly modelPath: string;
  readonly ctx: GpuContext;
  readonly predictMs: number;
  readonly json: boolean;
  readonly seed: number;
  readonly path: string;
  readonly kernel: string;
  /** The 'samples' line of the text report. */
  readonly what: string;
}

/** Prints a prediction: the JSON document, or the fields, the table and the summary lines. */
function report(io: CliIo, r: Report): void {
  const { x, result } = r;
  if (r.json) {
    io.stdout(predictionJson(result, { model: r.modelPath, adapter: r.ctx.adapter, seed: r.seed, path: r.path, kernel: r.kernel, predictMs: r.predictMs }));
    return;
  }
  io.stdout(renderFields([['model', r.modelPath], ['adapter', describeAdapter(r.ctx)], ['samples', r.what]]) + '\n');
  io.stdout(predictionTable(x, result));
  const lpd = meanLogPredictiveDensity(result);
  const summary: [string, string][] = [];
  if (lpd !== null) summary.push(['mean log predictive density', formatNumber(lpd)]);
  summary.push([
    'time',
    `${formatMs(r.predictMs)} for ${result.samples} samples x ${x.rows} inputs (${formatRate(throughput(result.samples, x.rows, r.predictMs))} sample-inputs/s, including pipeline compilation)`,
  ]);
  io.stdout('\n' + renderFields(summary));
}
