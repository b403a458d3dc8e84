/** `webgpu-bnn info <model> [--json]`: architecture, sites, noise model, parameter count. */
import { flag, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import type { Model } from '../../model/spec.js';
import { readModelMembers } from '../inputs.js';
import { modelInfo, modelInfoJson } from '../report.js';

const HELP = `Usage: webgpu-bnn info <model> [--json]

Describes a model file without touching the GPU: architecture, latent sites with their
posteriors and priors, the noise model and the parameter count.

Arguments:
  <model>            model file (.safetensors: webgpu-bnn format or Pyro AutoNormal export); for a
                     deep-ensemble file, the member count and the first member

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
    const members = await readModelMembers(modelPath);
    const model = members[0] as Model;
    if (flag(line, 'json')) {
      io.stdout(modelInfoJson(model, modelPath, members.length));
      return 0;
    }
    if (members.length > 1) io.stdout(`deep ensemble of ${members.length} members (predicted as their uniform mixture); member 0:\n`);
    io.stdout(modelInfo(model, modelPath));
    return 0;
  },
};
