/** `webgpu-bnn predict <model> --x <file> [--y <file>] ...`: posterior predictive statistics. */
import type { PredictOptions } from '../../infer/types.js';
import { flag, parseCommand, parseKernel, parseLevel, parsePath, requiredOption, samplingOptions, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { formatMs, formatNumber, formatRate, renderFields } from '../format.js';
import { describeAdapter, withEngine } from '../gpu.js';
import { readModelFile, readX, readY } from '../inputs.js';
import { tableRows } from '../matrix-file.js';
import { meanLogPredictiveDensity, predictionJson, predictionTable, throughput } from '../report.js';

const HELP = `Usage: webgpu-bnn predict <model> --x <file> [--y <file>] [options]

Posterior predictive of a Bayesian neural network at the rows of x, from S Monte-Carlo
samples of its weights drawn on the GPU: mean, total std, epistemic std (spread of f over
samples), aleatoric std (observation noise), a central interval and, with y, the log
predictive density.

Arguments:
  <model>            model file: .safetensors in the webgpu-bnn format, or a Pyro AutoNormal export

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
  --kernel <k>       kernel of the joint path: auto (default), fused or materialized
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
    const { samples, seed } = samplingOptions(line, 1000);
    const levelText = stringOption(line, 'level');
    const pathText = stringOption(line, 'path');
    const kernelText = stringOption(line, 'kernel');
    const intervalLevel = levelText === undefined ? 0.9 : parseLevel(levelText);
    const path = pathText === undefined ? 'joint' : parsePath(pathText);
    const kernel = kernelText === undefined ? 'auto' : parseKernel(kernelText);

    // Every file is read and checked before the GPU is touched.
    const model = await readModelFile(modelPath);
    const x = await readX(xPath, model);
    const y = yPath === undefined ? null : await readY(yPath, model, x);
    const options: PredictOptions = { samples, seed, intervalLevel, path, kernel, ...(y ? { y: tableRows(y) } : {}) };

    await withEngine(io, model, async (engine, ctx) => {
      const start = performance.now();
      const result = await engine.predict(tableRows(x), options);
      const predictMs = performance.now() - start;
      if (flag(line, 'json')) {
        io.stdout(predictionJson(result, { model: modelPath, adapter: ctx.adapter, seed, path, kernel, predictMs }));
        return;
      }
      io.stdout(
        renderFields([
          ['model', modelPath],
          ['adapter', describeAdapter(ctx)],
          ['samples', `${samples} (seed ${seed}, path ${path}${path === 'joint' ? `, kernel ${kernel}` : ''})`],
        ]) + '\n',
      );
      io.stdout(predictionTable(x, result));
      const lpd = meanLogPredictiveDensity(result);
      const summary: [string, string][] = [];
      if (lpd !== null) summary.push(['mean log predictive density', formatNumber(lpd)]);
      summary.push([
        'time',
        `${formatMs(predictMs)} for ${samples} samples x ${x.rows} inputs (${formatRate(throughput(samples, x.rows, predictMs))} sample-inputs/s, including pipeline compilation)`,
      ]);
      io.stdout('\n' + renderFields(summary));
    });
    return 0;
  },
};
