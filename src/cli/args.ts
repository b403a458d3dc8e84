/**
 * Command-line argument parsing (node:util parseArgs, strict) and the checks of option values.
 * Every mistake becomes a UsageError (an InvalidInputError, so the CLI exits 2 with one line).
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { InvalidInputError } from '../errors.js';
import { KERNEL_CHOICES } from '../infer/predict-options.js';
import type { KernelChoice, SamplingPath } from '../infer/types.js';

/** A mistake in how the CLI was called: unknown command or flag, missing or malformed value. */
export class UsageError extends InvalidInputError {}

export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export interface CommandGrammar {
  /** Command name, for messages. */
  readonly command: string;
  readonly options: ParseArgsOptionsConfig;
  /** Names of the positional arguments, all required. */
  readonly positionals: readonly string[];
}

/** Whether the arguments ask for help (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** Parses one command's arguments; unknown flags, missing values and extra or missing positionals are UsageErrors. */
export function parseCommand(args: readonly string[], grammar: CommandGrammar): CommandLine {
  const hint = `see 'webgpu-bnn ${grammar.command} --help'`;
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: grammar.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${grammar.command}: ${describeParseError(error)} (${hint})`, { cause: error });
  }
  const { positionals } = parsed;
  if (positionals.length < grammar.positionals.length) {
    const missing = grammar.positionals
      .slice(positionals.length)
      .map((p) => `<${p}>`)
      .join(' ');
    throw new UsageError(`${grammar.command}: missing ${missing} (${hint})`);
  }
  if (positionals.length > grammar.positionals.length) {
    throw new UsageError(`${grammar.command}: unexpected argument '${positionals[grammar.positionals.length] ?? ''}' (${hint})`);
  }
  const values: Record<string, string | boolean | undefined> = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    // No option is declared `multiple`, so arrays do not occur; keep the last value if one did.
    values[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return { values, positionals };
}

/** parseArgs' error, reworded without its advice about '--'. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${quoted ?? message}'`;
  const option = quoted?.split(' ')[0];
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(message)) return `option '${option}' takes no value`;
    if (/argument missing/.test(message)) return `option '${option}' needs a value`;
    if (/ambiguous/.test(message)) return `option '${option}' needs a value (write ${option}=<value> for one starting with '-')`;
  }
  return message.split('\n')[0] ?? message;
}

/** A string option's value, or undefined when absent. */
export function stringOption(line: CommandLine, name: string): string | undefined {
  const v = line.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A required string option. */
export function requiredOption(line: CommandLine, name: string, command: string): string {
  const v = stringOption(line, name);
  if (v === undefined) throw new UsageError(`${command}: --${name} <file> is required (see 'webgpu-bnn ${command} --help')`);
  return v;
}

export function flag(line: CommandLine, name: string): boolean {
  return line.values[name] === true;
}

/** A decimal integer in [min, max] (no sign, exponent or fraction). */
export function parseIntegerOption(text: string, name: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** --level: a probability strictly between 0 and 1. */
export function parseLevel(text: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!(value > 0 && value < 1)) throw new UsageError(`--level must be a number between 0 and 1 (exclusive), got '${text}'`);
  return value;
}

export function parsePath(text: string): SamplingPath | 'auto' {
  if (text === 'auto' || text === 'joint' || text === 'marginal') return text;
  throw new UsageError(`--path must be 'auto', 'joint' or 'marginal', got '${text}'`);
}

export function parseKernel(text: string): KernelChoice {
  const choice = KERNEL_CHOICES.find((k) => k === text);
  if (choice !== undefined) return choice;
  const names = KERNEL_CHOICES.map((k) => `'${k}'`);
  throw new UsageError(`--kernel must be ${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}, got '${text}'`);
}

/** Largest S the engine takes (a u32 count). */
export const MAX_SAMPLES = 0xffffffff;

/** The options shared by predict and demo. */
export interface SamplingOptions {
  readonly samples: number;
  readonly seed: number;
}

export function samplingOptions(line: CommandLine, defaultSamples: number): SamplingOptions {
  const samplesText = stringOption(line, 'samples');
  const seedText = stringOption(line, 'seed');
  return {
    samples: samplesText === undefined ? defaultSamples : parseIntegerOption(samplesText, 'samples', 1, MAX_SAMPLES),
    seed: seedText === undefined ? 0 : parseIntegerOption(seedText, 'seed', 0, Number.MAX_SAFE_INTEGER),
  };
}
