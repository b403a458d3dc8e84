/** `webgpu-bnn info <model> [--json]`: architecture, sites, noise model, parameter count. */
import { flag, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { readModelFile } from '../inputs.js';
import { modelInfo, modelInfoJson } from '../report.js';

const HELP = `Usage: webgpu-bnn info <model> [--json]

Describes a model file without touching the GPU: architecture, latent sites with their
posteriors and priors, the noise model and the parameter count.

Arguments:
  <model>            model file (.safetensors: webgpu-bnn format or Pyro AutoNormal export)

Options:
  --json             print the summary and the full model description as JSON
  -h, --help         show this help
`;

const GRAMMAR = { command: 'info', positionals: ['model'], options: { json: { type: 'boolean' } } } as const;

export const infoCommand: Command = {
  name: 'info',
  summary: 'architecture, sites, noise model and parameter count of a model file',
  help: HELP,
  async run(args, io) {
    const line = parseCommand(args, GRAMMAR);
    const modelPath = line.positionals[0] ?? '';
    const model = await readModelFile(modelPath);
    io.stdout(flag(line, 'json') ? modelInfoJson(model, modelPath) : modelInfo(model, modelPath));
    return 0;
  },
};
