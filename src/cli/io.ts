/** What the CLI talks to: output writers, the environment and where its GPU context comes from. */
import type { GpuContext } from '../gpu/device.js';

export interface CliIo {
  /** Writes text to standard output (the caller adds nothing: `text` carries its newlines). */
  readonly stdout: (text: string) => void;
  /** Writes text to standard error. */
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal. Default: no. */
  readonly stdoutIsTTY?: boolean;
  /** Whether stderr is a terminal (progress then redraws one line instead of printing lines). Default: no. */
  readonly stderrIsTTY?: boolean;
  /** Environment variables (DEBUG=webgpu-bnn shows stacks of internal errors). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Supplies the WebGPU context. By default the CLI creates one with createNodeContext() and destroys
   * it when the command ends; a context from this hook is borrowed and left alive (tests share one).
   */
  readonly context?: () => Promise<GpuContext>;
}
