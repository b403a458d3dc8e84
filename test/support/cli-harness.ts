/** Runs the CLIs in process (runCli, runUciCli) with captured output, for the CLI test files. */
import { runCli, type CliIo } from '../../src/cli/run.js';
import { gpu } from './gpu.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The GPU must not be reached: mistakes are found before it, so this hook failing would show up as exit 1. */
export const noGpu = (): Promise<never> => Promise.reject(new Error('the GPU context was requested'));

/** Runs a command-line entry point (`runCli`, `runUciCli`) in process with captured output; the GPU is refused unless `extra` lends one. */
export async function captureRun(run: (argv: readonly string[], io: CliIo) => Promise<number>, argv: readonly string[], extra: Partial<CliIo> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    context: noGpu,
    ...extra,
  });
  return { code, stdout, stderr };
}

/** Runs `webgpu-bnn <argv>`; the GPU is refused unless `extra` supplies a context (withGpu). */
export function cli(argv: readonly string[], extra: Partial<CliIo> = {}): Promise<CliRun> {
  return captureRun(runCli, argv, extra);
}

/** CliIo fields that lend the tests' shared GPU context (and anything else in `extra`). */
export function withGpu(extra: Partial<CliIo> = {}): Partial<CliIo> {
  const ctx = gpu;
  if (!ctx) throw new Error('no GPU context');
  return { context: () => Promise.resolve(ctx), ...extra };
}
