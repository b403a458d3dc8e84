/**
 * Command lines of the bench scripts: a mistake (an unknown option, a missing or out-of-range
 * value) is one line naming the script and exit status 2, not a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Prints `script: message` on stderr and exits 2. */
export function exitWithUsageError(script: string, message: string): never {
  console.error(`${script}: ${message}`);
  process.exit(2);
}

/** node:util's parseArgs, with its errors reported by exitWithUsageError. */
export function parseBenchArgs<T extends ParseArgsConfig>(script: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    return exitWithUsageError(script, error instanceof Error ? error.message : String(error));
  }
}
