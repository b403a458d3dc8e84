/** The shape of a CLI command. */
import type { CliIo } from './io.js';

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Runs with the arguments after the command name; resolves to the exit status. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
