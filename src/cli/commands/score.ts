/** `webgpu-bnn score <model> --point <file> --x <file> --y <file> [--json]`: log joint at one parameter point. */
import { flag, parseCommand, requiredOption } from '../args.js';
import type { Command } from '../command.js';
import { withEngine } from '../gpu.js';
import { readModelFile, readPointFile, readX, readY } from '../inputs.js';
import { tableRows } from '../matrix-file.js';
import { scoreJson, scoreTable } from '../report.js';

const HELP = `Usage: webgpu-bnn score <model> --point <file> --x <file> --y <file> [--json]

Log-probabilities at one point in parameter space, computed on the GPU: the prior log
density of every latent site (summed over its elements), "obs" = the log likelihood of y
given x (dropout off), and their sum, the log joint — what a Pyro trace's log_prob_sum gives.

Arguments:
  <model>            model file (.safetensors: webgpu-bnn format or Pyro AutoNormal export)

Options:
  --point <file>     safetensors with one tensor per site, named by site ('0.weight', 'sigma')
                     or 'AutoNormal.locs.<site>' (a guide file: its locs are the point)
  --x <file>         inputs (CSV or JSON, as for predict)
  --y <file>         observed targets, one row per row of x
  --json             print exactly {"sites": {"<site>": logprob, ...}, "log_joint": number}
  -h, --help         show this help
`;

const GRAMMAR = {
  command: 'score',
  positionals: ['model'],
  options: {
    point: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'log prior per site, log likelihood and log joint at a parameter point',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const modelPath = line.positionals[0] ?? '';
    const pointPath = requiredOption(line, 'point', 'score');
    const xPath = requiredOption(line, 'x', 'score');
    const yPath = requiredOption(line, 'y', 'score');
    const model = await readModelFile(modelPath);
    const point = await readPointFile(pointPath, model);
    const x = await readX(xPath, model);
    const y = await readY(yPath, model, x);
    const result = await withEngine(io, model, (engine) => engine.score(point, tableRows(x), tableRows(y)));
    io.stdout(flag(line, 'json') ? scoreJson(result) : scoreTable(result));
    return 0;
  },
};
