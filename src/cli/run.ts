/**
 * The CLI as a function: runCli(argv, io) dispatches to a command and turns every failure into one
 * line on stderr and an exit status — 2 for the user's mistakes (usage, input, model file, device
 * limits, no GPU), 1 for anything unexpected (with the stack only under DEBUG=webgpu-bnn).
 */
import { BnnError, isCallerError } from '../errors.js';
import { UsageError, wantsHelp } from './args.js';
import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { distillCommand } from './commands/distill.js';
import { infoCommand } from './commands/info.js';
import { predictCommand } from './commands/predict.js';
import { scoreCommand } from './commands/score.js';
import { trainCommand } from './commands/train.js';
import type { CliIo } from './io.js';
import { packageVersion } from './package-root.js';

export type { CliIo } from './io.js';

export const COMMANDS: readonly Command[] = [predictCommand, scoreCommand, infoCommand, trainCommand, distillCommand, demoCommand];

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: webgpu-bnn <command> [options]

Bayesian neural networks on WebGPU: training, Monte-Carlo posterior predictive and scoring on the GPU.

Commands:
${list}

Run 'webgpu-bnn <command> --help' for a command's options; 'webgpu-bnn --version' for the version.
`;
}

/** Runs the CLI with `argv` (the arguments after the program name); resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("no command given (try 'webgpu-bnn --help')");
  if (name === '--help' || name === '-h') {
    io.stdout(mainHelp());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (name === 'help') {
    const topic = rest[0];
    const command = topic === undefined ? undefined : findCommand(topic);
    io.stdout(command ? command.help : mainHelp());
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (wantsHelp(rest)) {
    io.stdout(command.help);
    return EXIT_OK;
  }
  return command.run(rest, io);
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const what = name.startsWith('-') ? `unknown option '${name}'` : `unknown command '${name}'`;
  throw new UsageError(`${what}; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see 'webgpu-bnn --help')`);
}

/** Messages may span lines (compiler output, nested causes); the CLI prints one. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function debugEnabled(io: CliIo): boolean {
  const debug = io.env?.['DEBUG'] ?? '';
  return debug.split(/[\s,]+/).some((d) => d === 'webgpu-bnn' || d === '*');
}

function reportError(error: unknown, io: CliIo): number {
  if (isCallerError(error)) {
    io.stderr(`webgpu-bnn: ${oneLine(error.message)}\n`);
    return EXIT_USAGE;
  }
  const kind = error instanceof BnnError ? error.code : error instanceof Error ? error.name : 'error';
  const message = error instanceof Error ? error.message : String(error);
  const debug = debugEnabled(io);
  const hint = debug ? '' : ' (set DEBUG=webgpu-bnn for the stack)';
  io.stderr(`webgpu-bnn: internal error: ${kind}: ${oneLine(message)}${hint}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT_INTERNAL;
}
