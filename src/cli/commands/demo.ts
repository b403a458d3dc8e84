/**
 * `webgpu-bnn demo`: the posterior predictive of a shipped model on the shipped grid
 * (data/toy1d-grid.csv, x from -3 to 3): the uncertainty table, the time it took and the adapter.
 * The default model is models/toy1d-ensemble.safetensors, a deep ensemble that webgpu-bnn trained
 * (scripts/train-demo-model.ts) on data with a gap, so the table shows the std growing away from
 * the data; `--model pyro-toy1d` runs the Pyro import example with S Monte-Carlo samples. Shipped
 * files are found from the package, not the working directory.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { AdapterDescription } from '../../gpu/device.js';
import type { PredictOptions, PredictResult } from '../../infer/types.js';
import { isDeterministic } from '../../model/deterministic.js';
import type { Model } from '../../model/spec.js';
import { exampleModelPath, exampleModels } from '../../node/examples.js';
import { normalQuantile } from '../../math/special.js';
import { flag, parseCommand, samplingOptions, stringOption, UsageError } from '../args.js';
import type { Command } from '../command.js';
import { formatMs, formatRate, renderFields } from '../format.js';
import { describeAdapterDescription } from '../../gpu/adapter-line.js';
import { withEnsembleEngine } from '../gpu.js';
import { readModelMembers, readX } from '../inputs.js';
import type { CliIo } from '../io.js';
import { readTableFile, tableRows, type NumericTable } from '../matrix-file.js';
import { packagePath, packageRoot } from '../package-root.js';
import { architecture, formatLevel, parameterCounts, predictionJson, predictionTable, throughput } from '../report.js';

const DEFAULT_DEMO_MODEL = 'toy1d-ensemble';
const DEMO_INPUTS = ['data', 'toy1d-grid.csv'] as const;
const LEVEL = 0.9;

/** What the demo says about the models it ships, and where their training data is. */
interface ShippedModel {
  readonly about: string;
  /** The training data (x, y columns) inside the package, when it ships. */
  readonly data: readonly string[] | null;
  /** Where the training data lies, said in words when the data itself does not ship. */
  readonly dataRange: string;
}

const SHIPPED: Readonly<Record<string, ShippedModel>> = {
  'toy1d-ensemble': {
    about: 'trained by webgpu-bnn with scripts/train-demo-model.ts',
    data: ['data', 'toy1d-gap.csv'],
    dataRange: 'x in [-2, -0.5] and [0.5, 2]',
  },
  'pyro-toy1d': {
    about: 'Pyro AutoNormal export, an import example',
    data: null,
    dataRange: 'x in about [-2, 2]',
  },
};

const HELP = `Usage: webgpu-bnn demo [--model <name|file>] [--samples S] [--seed K] [--json]

Predicts with a model shipped with the package on a grid of x from -3 to 3
(data/toy1d-grid.csv) and prints the uncertainty table, the time it took and the GPU
adapter used.

The default model, toy1d-ensemble (models/toy1d-ensemble.safetensors), is a deep ensemble of
5 ReLU networks 1-32-32-1 that webgpu-bnn trained on 80 noisy points of sin(2x) with x in
[-2, -0.5] and [0.5, 2] (data/toy1d-gap.csv). Its mean follows the sine on the data; its
epistemic std (how much the members disagree) grows in the gap around 0 and beyond +-2, as
the table's column 'where' marks. Its predictive is the exact mixture of the members (one
pass each: they are point networks), so --samples and --seed change nothing for it.

--model pyro-toy1d runs the Pyro AutoNormal export shipped as an import example (a 1-32-32-1
ReLU BNN trained in Pyro on x in about [-2, 2]) with S Monte-Carlo posterior samples drawn
on the GPU.

Options:
  --model <m>        a shipped model by name (${Object.keys(SHIPPED).join(', ')}) or a
                     model file with one input (default ${DEFAULT_DEMO_MODEL})
  --samples <S>      posterior samples (default 1000; an ensemble: a multiple of its
                     members, default one per member)
  --seed <K>         RNG seed (default 0)
  --json             print the predict JSON instead of the table
  -h, --help         show this help
`;

const GRAMMAR = {
  command: 'demo',
  positionals: [],
  options: { model: { type: 'string' }, samples: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
} as const;

/** A shipped model's name, else the argument as a path. */
function resolveModel(argument: string): { path: string; shipped: ShippedModel | null } {
  const names = exampleModels();
  if (names.includes(argument)) return { path: exampleModelPath(argument), shipped: SHIPPED[argument] ?? null };
  // A bare word that is no file was meant as a name: say which names there are.
  if (/^[\w-]+$/.test(argument) && !existsSync(argument)) throw new UsageError(`demo: --model ${argument}: no shipped model of that name (${names.join(', ')}) and no such file`);
  return { path: argument, shipped: null };
}

/** Where each grid x lies against the training data: on it, in a gap inside its range, or beyond it. */
export function dataCoverage(grid: readonly number[], trainingX: readonly number[], onDataDistance: number): string[] {
  const lo = Math.min(...trainingX);
  const hi = Math.max(...trainingX);
  return grid.map((x) => {
    const nearest = Math.min(...trainingX.map((t) => Math.abs(t - x)));
    if (nearest <= onDataDistance) return 'data';
    return x > lo && x < hi ? 'gap' : 'beyond';
  });
}

/** Appends a left-aligned column to a table rendered by renderTable (title, rule, then one line per row). */
function withColumn(table: string, title: string, cells: readonly string[]): string {
  const lines = table.trimEnd().split('\n');
  const width = Math.max(...lines.map((l) => l.length));
  const cellWidth = Math.max(title.length, ...cells.map((c) => c.length));
  return (
    lines
      .map((line, i) => {
        const cell = i === 0 ? title : i === 1 ? '-'.repeat(cellWidth) : (cells[i - 2] ?? '');
        return `${line.padEnd(width)}  ${cell}`.trimEnd();
      })
      .join('\n') + '\n'
  );
}

/** '0.0172 on the data; 0.2604 at x = 0 (gap); 0.4425 at x = 3 (beyond)': the average on the data, the largest elsewhere. */
function coverageSummary(grid: readonly number[], coverage: readonly string[], epistemic: ArrayLike<number>): string {
  const onData = coverage.flatMap((c, i) => (c === 'data' ? [epistemic[i] ?? NaN] : []));
  const parts = [`${(onData.reduce((a, b) => a + b, 0) / Math.max(1, onData.length)).toFixed(4)} on average on the data`];
  for (const where of ['gap', 'beyond']) {
    let best = -1;
    coverage.forEach((c, i) => {
      if (c === where && (best < 0 || (epistemic[i] ?? -Infinity) > (epistemic[best] ?? -Infinity))) best = i;
    });
    if (best >= 0) parts.push(`${(epistemic[best] ?? NaN).toFixed(4)} at x = ${grid[best] ?? NaN} (${where === 'gap' ? 'in the gap' : 'beyond the data'})`);
  }
  return parts.join(', ');
}

interface Timed {
  readonly result: PredictResult;
  /** The first call: compiles the pipelines. */
  readonly coldMs: number;
  /** The call whose result is shown. */
  readonly ms: number;
  readonly adapter: AdapterDescription;
}

/**
 * Predicts twice with one engine (the model, or the ensemble's members as their mixture): the
 * first call compiles the pipelines, the second, timed, is the one shown.
 */
function predictTimed(io: CliIo, members: readonly Model[], rows: number[][], options: PredictOptions): Promise<Timed> {
  return withEnsembleEngine(io, members, async (engine, ctx) => {
    const coldStart = performance.now();
    // The fewest samples the engine takes: one per member.
    await engine.predict(rows, { samples: members.length, seed: options.seed ?? 0 });
    const coldMs = performance.now() - coldStart;
    const start = performance.now();
    const result = await engine.predict(rows, options);
    return { result, coldMs, ms: performance.now() - start, adapter: ctx.adapter };
  });
}

/** What produced the samples, in words. */
function describeSampling(members: readonly Model[], result: PredictResult, seed: number): string {
  if (members.length === 1) return `${result.samples} (seed ${seed})`;
  if (members.every((m) => isDeterministic(m.spec))) return `ensemble of ${members.length} members: the exact mixture (one pass per member)`;
  return `${result.samples}, ${result.samples / members.length} per member of ${members.length} (seed ${seed})`;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'predict with a shipped model on a grid: uncertainty table and throughput',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const root = packageRoot();
    const { path: modelFile, shipped } = resolveModel(stringOption(line, 'model') ?? DEFAULT_DEMO_MODEL);
    const inputsFile = packagePath(...DEMO_INPUTS);
    const members = await readModelMembers(modelFile);
    const model = members[0] as Model;
    const ensemble = members.length > 1;
    const x = await readX(inputsFile, model);
    const trainingData: NumericTable | null = shipped?.data ? await readTableFile(packagePath(...shipped.data), 'training data') : null;
    const rows = tableRows(x);
    const { samples, seed } = samplingOptions(line, 1000);
    // An ensemble's default is the engine's (one pass per member when no member needs samples); a
    // given S must be a multiple of the members, as for predict.
    const samplesGiven = stringOption(line, 'samples') !== undefined;
    if (ensemble && samplesGiven && samples % members.length !== 0) {
      throw new UsageError(`demo: --samples ${samples}: an ensemble of ${members.length} members takes a multiple of ${members.length} (each member gets S / ${members.length})`);
    }
    const options: PredictOptions = { seed, intervalLevel: LEVEL, ...(ensemble && !samplesGiven ? {} : { samples }) };

    const run = await predictTimed(io, members, rows, options);
    const { result, adapter } = run;
    if (flag(line, 'json')) {
      io.stdout(predictionJson(result, { model: modelFile, adapter, seed, path: ensemble ? 'ensemble' : 'joint', kernel: 'auto', predictMs: run.ms }));
      return 0;
    }

    const xs = Array.from(x.data);
    const shownPath = (p: string) => (p.startsWith(root) ? relative(root, p) : p);
    const what = ensemble ? `deep ensemble of ${members.length} x ${architecture(model)}` : `${architecture(model)}, ${parameterCounts(model).network} weights and biases`;
    const trainingX = trainingData ? Array.from({ length: trainingData.rows }, (_, r) => trainingData.data[r * trainingData.cols] ?? NaN) : null;
    const step = xs.length > 1 ? Math.abs((xs[1] ?? 0) - (xs[0] ?? 0)) : 0;
    // A grid point is "on the data" when a training point is within half a grid step of it.
    const coverage = trainingX ? dataCoverage(xs, trainingX, step / 2) : null;

    io.stdout('webgpu-bnn demo: the posterior predictive of a Bayesian neural network on WebGPU\n\n');
    io.stdout(
      renderFields([
        ['model', `${shownPath(modelFile)} (${shipped ? `${shipped.about}: ` : ''}${what})`],
        ...(shipped ? [['training data', `${shipped.data ? `${shipped.data.join('/')}, ${trainingData?.rows ?? 0} points with ` : ''}${shipped.dataRange}`] as const] : []),
        ['inputs', `${shownPath(inputsFile)} (${x.rows} points, x from ${Math.min(...xs)} to ${Math.max(...xs)})`],
        ['samples', describeSampling(members, result, seed)],
        ['adapter', describeAdapterDescription(adapter)],
      ]) + '\n',
    );
    const table = predictionTable(x, result);
    io.stdout(coverage ? withColumn(table, 'where', coverage) : table);
    const z = normalQuantile((1 + LEVEL) / 2);
    io.stdout(
      '\n' +
        (ensemble
          ? "epistemic = std of the members' means (they agree where there was data, and differ away from it);\naleatoric = sqrt(mean of the members' sigma(x)^2), the noise each member learnt;"
          : 'epistemic = std of f(x) over the posterior samples (grows away from the training data);\naleatoric = sqrt(mean sigma^2), the observation noise;') +
        ` std = sqrt(epistemic^2 + aleatoric^2);\n${formatLevel(LEVEL)} interval = mean +/- ${z.toFixed(3)} std (moment-matched normal).\n`,
    );
    if (coverage) io.stdout(`epistemic std: ${coverageSummary(xs, coverage, result.epistemicStd)}.\n`);
    io.stdout('\n');
    io.stdout(
      renderFields([
        [
          'throughput',
          `${formatRate(throughput(result.samples, x.rows, run.ms))} samples x inputs per second (${result.samples} samples x ${x.rows} inputs in ${formatMs(run.ms)})`,
        ],
        ['first call', `${formatMs(run.coldMs)} (compiles the pipelines)`],
        ['adapter', describeAdapterDescription(adapter)],
      ]),
    );
    return 0;
  },
};
