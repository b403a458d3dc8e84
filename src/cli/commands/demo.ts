/**
 * `webgpu-bnn demo`: the shipped Pyro model (models/pyro-toy1d.safetensors) on the shipped grid
 * (data/toy1d-grid.csv), S = 1000: the uncertainty table, throughput and adapter. Paths are
 * resolved from the package, not the working directory.
 */
import { relative } from 'node:path';
import { flag, parseCommand, samplingOptions } from '../args.js';
import type { Command } from '../command.js';
import { formatMs, formatRate, renderFields } from '../format.js';
import { describeAdapter, withEngine } from '../gpu.js';
import { readModelFile, readX } from '../inputs.js';
import { tableRows } from '../matrix-file.js';
import { normalQuantile } from '../../math/special.js';
import { packagePath, packageRoot } from '../package-root.js';
import { architecture, formatLevel, parameterCounts, predictionJson, predictionTable, throughput } from '../report.js';

export const DEMO_MODEL = ['models', 'pyro-toy1d.safetensors'] as const;
export const DEMO_INPUTS = ['data', 'toy1d-grid.csv'] as const;
const LEVEL = 0.9;

const HELP = `Usage: webgpu-bnn demo [--samples S] [--seed K] [--json]

Runs the posterior predictive of the model shipped with the package, a 1-32-32-1 ReLU
Bayesian MLP trained in Pyro (AutoNormal guide, models/pyro-toy1d.safetensors), on a grid
of x from -3 to 3 (data/toy1d-grid.csv), and prints the uncertainty table, the throughput
in samples x inputs per second and the GPU adapter used.

Options:
  --samples <S>      posterior samples (default 1000)
  --seed <K>         RNG seed (default 0)
  --json             print the predict JSON instead of the table
  -h, --help         show this help
`;

const GRAMMAR = {
  command: 'demo',
  positionals: [],
  options: { samples: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
} as const;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'predict with the shipped Pyro model on a grid: uncertainty table and throughput',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const { samples, seed } = samplingOptions(line, 1000);
    const root = packageRoot();
    const modelFile = packagePath(...DEMO_MODEL);
    const inputsFile = packagePath(...DEMO_INPUTS);
    const model = await readModelFile(modelFile);
    const x = await readX(inputsFile, model);
    const rows = tableRows(x);

    await withEngine(io, model, async (engine, ctx) => {
      // The first call compiles the pipelines; time a second one for the throughput.
      const coldStart = performance.now();
      await engine.predict(rows, { samples: 1, seed });
      const coldMs = performance.now() - coldStart;
      const start = performance.now();
      const result = await engine.predict(rows, { samples, seed, intervalLevel: LEVEL });
      const ms = performance.now() - start;
      if (flag(line, 'json')) {
        io.stdout(predictionJson(result, { model: modelFile, adapter: ctx.adapter, seed, path: 'joint', kernel: 'auto', predictMs: ms }));
        return;
      }
      const counts = parameterCounts(model);
      const xs = Array.from(x.data);
      const z = normalQuantile((1 + LEVEL) / 2);
      io.stdout('webgpu-bnn demo: Monte-Carlo posterior predictive of a Bayesian neural network on WebGPU\n\n');
      io.stdout(
        renderFields([
          ['model', `${relative(root, modelFile)} (Pyro AutoNormal export: ${architecture(model)}, ${counts.network} weights and biases, latent sigma)`],
          ['inputs', `${relative(root, inputsFile)} (${x.rows} points, x from ${Math.min(...xs)} to ${Math.max(...xs)}; the training data covered about [-2, 2])`],
          ['adapter', describeAdapter(ctx)],
          ['samples', `${samples} (seed ${seed})`],
        ]) + '\n',
      );
      io.stdout(predictionTable(x, result));
      io.stdout(
        `\nepistemic = std of f(x) over the posterior samples (grows away from the training data);\n` +
          `aleatoric = sqrt(mean sigma^2), the observation noise; std = sqrt(epistemic^2 + aleatoric^2);\n` +
          `${formatLevel(LEVEL)} interval = mean +/- ${z.toFixed(3)} std (moment-matched normal).\n\n`,
      );
      io.stdout(
        renderFields([
          ['throughput', `${formatRate(throughput(samples, x.rows, ms))} samples x inputs per second (${samples} x ${x.rows} in ${formatMs(ms)})`],
          ['first call', `${formatMs(coldMs)} (compiles the pipelines)`],
          ['adapter', describeAdapter(ctx)],
        ]),
      );
    });
    return 0;
  },
};
