/** `webgpu-bnn predict <model> --x <file> [--y <file> | --target <column>] ...`: posterior predictive statistics. */
import { loadCalibrationCache, saveCalibrationCache } from '../calibration-cache.js';
import type { GpuContext } from '../../gpu/device.js';
import type { Engine } from '../../infer/engine.js';
import type { PredictOptions, PredictResult } from '../../infer/types.js';
import { isDeterministic } from '../../model/deterministic.js';
import { outputDim, type Model } from '../../model/spec.js';
import { UsageError, flag, parseCommand, parseIntegerOption, parseKernel, parseLevel, parsePath, requiredOption, stringOption, MAX_SAMPLES } from '../args.js';
import type { Command } from '../command.js';
import { formatMs, formatNumber, formatRate, renderFields } from '../format.js';
import { describeAdapter } from '../../gpu/adapter-line.js';
import { withEnsembleEngine } from '../gpu.js';
import type { CliIo } from '../io.js';
import { readModelOrPosterior, readX, readXAndTarget, readY } from '../inputs.js';
import { tableRows, type NumericTable } from '../matrix-file.js';
import { meanLogPredictiveDensity, predictionCsv, predictionJson, predictionTable, throughput } from '../report.js';
import { linearizedResult, reportLinearized } from './predict-linearized.js';

const HELP = `Usage: webgpu-bnn predict <model> --x <file> [--y <file> | --target <column>] [options]

Posterior predictive of a Bayesian neural network at the rows of x, from S Monte-Carlo
samples of its weights drawn on the GPU: mean, total std, epistemic std (spread of f over
samples), aleatoric std (observation noise), a central interval, exact quantiles on request
and, with y, the log predictive density. A classifier (categorical, bernoulli) gives its mean
class probabilities, the predictive entropy split into expected entropy (aleatoric) and
mutual information (epistemic), the variation ratio and, with y, its metrics.

Arguments:
  <model>            model file: .safetensors in the webgpu-bnn format (one model, or a deep
                     ensemble written by 'train --method ensemble'), or a Pyro AutoNormal export.
                     An ensemble is predicted as the uniform mixture of its members: S samples
                     split evenly over them (S a multiple of the members; default: one pass
                     per member when no member is random, exactly the mixture); or a
                     Laplace posterior written by 'train --method laplace --posterior-out':
                     its linearised (GLM) predictive, closed-form on the host (no samples,
                     no GPU; --samples, --seed, --path, --kernel and --quantiles do not apply)

Options:
  --x <file>         inputs, one row per input: CSV (a header row of names is optional; comma
                     or whitespace separated) or JSON (array of rows, or a flat array for one
                     column). The CSV that 'train --data' reads works with --target
  --y <file>         observed targets, one row per row of x (same formats): adds the log
                     predictive density per input; a classifier's y is a column of class
                     indices 0..K-1 (bernoulli: 0/1 per output) and adds accuracy, NLL,
                     Brier score and ECE
  --target <col>     the x file also holds the target (as 'train --data' does): this column,
                     by header name or 0-based index, is taken out of x and used as y
  --samples <S>      posterior samples, >= 1 (default 1000)
  --seed <K>         RNG seed, a non-negative integer (default 0)
  --level <p>        central probability of the interval, in (0, 1) (default 0.9)
  --quantiles <q,..> exact predictive quantiles at these levels, e.g. 0.05,0.5,0.95 (the
                     mixture over samples, not the moment-matched normal of the interval)
  --path <p>         auto (default): marginal for a few inputs when it draws fewer normals,
                     else joint; joint: one weight draw per sample, shared by all inputs;
                     marginal: local reparameterisation, independent draws per input
  --kernel <k>       kernel of the joint path: auto (default), fused, tiled, registers,
                     materialized or subgroups (needs the adapter's 'subgroups' feature);
                     or calibrate: time each at 64 samples first, then predict with the fastest
                     (the same draws); the choices are cached per adapter in
                     $WEBGPU_BNN_CACHE_DIR (default ~/.cache/webgpu-bnn), so only the first run
                     of a shape pays for the timing
  --output <f>       table (default), csv (one line per input: x, then the statistics) or json
                     (all arrays, flat [N, D] row-major; timing; adapter)
  --json             the same as --output json
  -h, --help         show this help

Results go to standard output, nothing else does; errors are one line on standard error.
`;

const GRAMMAR = {
  command: 'predict',
  positionals: ['model'],
  options: {
    x: { type: 'string' },
    y: { type: 'string' },
    target: { type: 'string' },
    samples: { type: 'string' },
    seed: { type: 'string' },
    level: { type: 'string' },
    quantiles: { type: 'string' },
    path: { type: 'string' },
    kernel: { type: 'string' },
    output: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

type OutputFormat = 'table' | 'csv' | 'json';

function parseOutput(text: string | undefined, json: boolean): OutputFormat {
  if (text === undefined) return json ? 'json' : 'table';
  if (text !== 'table' && text !== 'csv' && text !== 'json') throw new UsageError(`--output must be table, csv or json, got '${text}'`);
  if (json && text !== 'json') throw new UsageError(`--json and --output ${text} disagree; give one of them`);
  return text;
}

function parseQuantiles(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim());
  const levels = parts.map((t) => (t === '' ? NaN : Number(t)));
  if (levels.length === 0 || levels.some((q) => !(q > 0 && q < 1)))
    throw new UsageError(`--quantiles must be levels in (0, 1) separated by commas, such as 0.05,0.5,0.95, got '${text}'`);
  return levels;
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'posterior predictive statistics at the rows of x',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const modelPath = line.positionals[0] ?? '';
    const xPath = requiredOption(line, 'x', 'predict');
    const yPath = stringOption(line, 'y');
    const target = stringOption(line, 'target');
    if (yPath !== undefined && target !== undefined) throw new UsageError('predict: give the targets either as --y <file> or as --target <column> of the x file, not both');
    const levelText = stringOption(line, 'level');
    const quantilesText = stringOption(line, 'quantiles');
    const output = parseOutput(stringOption(line, 'output'), flag(line, 'json'));
    const samplesText = stringOption(line, 'samples');
    const seedText = stringOption(line, 'seed');
    const pathText = stringOption(line, 'path');
    const kernelText = stringOption(line, 'kernel');
    const options: PredictOptions = {
      ...(samplesText === undefined ? {} : { samples: parseIntegerOption(samplesText, 'samples', 1, MAX_SAMPLES) }),
      ...(seedText === undefined ? {} : { seed: parseIntegerOption(seedText, 'seed', 0, Number.MAX_SAFE_INTEGER) }),
      intervalLevel: levelText === undefined ? 0.9 : parseLevel(levelText),
      ...(quantilesText === undefined ? {} : { quantiles: parseQuantiles(quantilesText) }),
      ...(pathText === undefined ? {} : { path: parsePath(pathText) }),
      ...(kernelText === undefined ? {} : { kernel: parseKernel(kernelText) }),
    };

    // Every file is read and checked before the GPU is touched.
    const contents = await readModelOrPosterior(modelPath);
    const model = contents.kind === 'laplace' ? contents.model : (contents.members[0] as Model);
    let x: NumericTable;
    let y: NumericTable | null = null;
    if (target !== undefined) ({ x, y } = await readXAndTarget(xPath, target, model));
    else {
      x = await readX(xPath, model);
      if (yPath !== undefined) y = await readY(yPath, model, x);
    }
    if (contents.kind === 'laplace') {
      for (const [name, given] of [
        ['samples', samplesText],
        ['seed', seedText],
        ['path', pathText],
        ['kernel', kernelText],
        ['quantiles', quantilesText],
      ] as const) {
        if (given !== undefined) throw new UsageError(`predict: --${name} does not apply to a Laplace posterior file (its linearised predictive is closed-form)`);
      }
      const start = performance.now();
      const result = linearizedResult(contents.fit, x, y, options.intervalLevel ?? 0.9);
      reportLinearized(io, { x, result, fit: contents.fit, modelPath, predictMs: performance.now() - start, output });
      return 0;
    }
    const members = contents.members;
    if (members.length > 1 && options.samples !== undefined && options.samples % members.length !== 0) {
      throw new UsageError(
        `predict: --samples ${options.samples}: an ensemble of ${members.length} members takes a multiple of ${members.length} (each member gets S / ${members.length})`,
      );
    }
    const call: PredictOptions = { ...options, ...(y ? { y: tableRows(y) } : {}) };

    await withEnsembleEngine(io, members, async (engine, ctx) => {
      const calibrate = call.kernel === 'calibrate';
      if (calibrate) await loadCalibrationCache(io, ctx);
      const start = performance.now();
      const result = await engine.predict(tableRows(x), call);
      const predictMs = performance.now() - start;
      if (calibrate) await saveCalibrationCache(io, ctx);
      report(io, { x, result, modelPath, ctx, predictMs, output, options: call, members, engine });
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
  readonly output: OutputFormat;
  readonly options: PredictOptions;
  readonly members: readonly Model[];
  readonly engine: Engine;
}

/** What produced the samples, in words: 'S = 1000 (seed 0, path joint, kernel auto)' or the ensemble's split. */
function describeSampling(r: Report): string {
  const { options: o, members, result } = r;
  const path = result.path;
  const asked = o.kernel ?? 'auto';
  const ran = [...new Set(result.kernels ?? [])].join('/');
  const kernel = ran === '' || ran === asked ? asked : `${asked}: ${ran}`;
  const how = `seed ${o.seed ?? 0}, path ${path}${path === 'joint' ? `, kernel ${kernel}` : ''}`;
  if (members.length === 1) return `${result.samples} (${how})`;
  const exact = members.every((m) => isDeterministic(m.spec));
  return exact
    ? `ensemble of ${members.length} members: the exact mixture (one pass per member)`
    : `${result.samples}, ${result.samples / members.length} per member of ${members.length} (${how})`;
}

/** Prints a prediction: the JSON document, the CSV, or the fields, the table and the summary lines. */
function report(io: CliIo, r: Report): void {
  const { x, result } = r;
  if (r.output === 'json') {
    const o = r.options;
    io.stdout(
      predictionJson(result, {
        model: r.modelPath,
        adapter: r.ctx.adapter,
        seed: o.seed ?? 0,
        path: r.members.length > 1 ? 'ensemble' : result.path,
        kernel: o.kernel ?? 'auto',
        predictMs: r.predictMs,
      }),
    );
    return;
  }
  if (r.output === 'csv') {
    io.stdout(predictionCsv(x, result));
    return;
  }
  const D = outputDim(r.members[0]?.spec ?? r.engine.model.spec);
  io.stdout(
    renderFields([
      ['model', r.modelPath],
      ['adapter', describeAdapter(r.ctx)],
      ['samples', describeSampling(r)],
      ...(result.likelihood === 'categorical' ? [['classes', String(D)] as [string, string]] : D > 1 ? [['outputs', String(D)] as [string, string]] : []),
    ]) + '\n',
  );
  io.stdout(predictionTable(x, result));
  const lpd = meanLogPredictiveDensity(result);
  const summary: [string, string][] = [];
  if (lpd !== null) summary.push(['mean log predictive density', formatNumber(lpd)]);
  const m = result.metrics;
  if (m) {
    summary.push(['accuracy', formatNumber(m.accuracy)], ['nll', formatNumber(m.nll)], ['brier', formatNumber(m.brier)], ['ece (15 bins)', formatNumber(m.ece)]);
  }
  summary.push([
    'time',
    `${formatMs(r.predictMs)} for ${result.samples} samples x ${x.rows} inputs (${formatRate(throughput(result.samples, x.rows, r.predictMs))} sample-inputs/s, including pipeline compilation)`,
  ]);
  io.stdout('\n' + renderFields(summary));
}
