/**
 * Typed errors. Every failure the library can diagnose is one of these, so callers (and the CLI)
 * can tell a user's mistake from a broken GPU without parsing messages. Each class names itself in
 * `name` literally: bundlers minify class names, so `new.target.name` would print 'u'.
 */

/**
 * Longest message an error carries. Messages quote what the caller gave (names, values, file
 * paths), which a hostile file can make megabytes long; beyond this the middle is cut, so the CLI's
 * one line and the demo's status stay readable. Echo sites shorten their quotes first (preview()).
 */
export const MAX_MESSAGE_LENGTH = 1000;

/** `text` cut to `max` characters with the number left out said, keeping its start and end. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = ` ... [${text.length - max} characters cut] ... `;
  const keep = Math.max(0, max - marker.length);
  const head = Math.ceil(keep * 0.75);
  return text.slice(0, head) + marker + text.slice(text.length - (keep - head));
}

/** A quoted piece of user input for a message, at most `max` characters. */
export function preview(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** Base class: `code` is stable and machine-readable; `message` names the problem for a person. */
export class BnnError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(truncateText(message, MAX_MESSAGE_LENGTH), options);
    this.name = 'BnnError';
    this.code = code;
  }
}

/** The caller passed something wrong: shapes, NaN, unknown names, out-of-range options. */
export class InvalidInputError extends BnnError {
  override readonly name: string = 'InvalidInputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_INPUT', message, options);
  }
}

/** A model file or model description is malformed, truncated, hostile or inconsistent. */
export class ModelFormatError extends BnnError {
  override readonly name: string = 'ModelFormatError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('MODEL_FORMAT', message, options);
  }
}

/** No WebGPU adapter or device could be obtained; the message says how to get one. */
export class GpuUnavailableError extends BnnError {
  override readonly name: string = 'GpuUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU_UNAVAILABLE', message, options);
  }
}

/** A request exceeds what the device can do even after chunking (e.g. one layer too wide). */
export class DeviceLimitError extends BnnError {
  override readonly name: string = 'DeviceLimitError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_LIMIT', message, options);
  }
}

/** The GPU device was lost (driver reset, destroy, out of memory); the engine cannot continue. */
export class DeviceLostError extends BnnError {
  override readonly name: string = 'DeviceLostError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('DEVICE_LOST', message);
    this.reason = reason;
  }
}

/** WGSL failed to compile or a pipeline failed validation: carries the compiler's messages. */
export class ShaderCompileError extends BnnError {
  override readonly name: string = 'ShaderCompileError';
  readonly kernel: string;
  readonly messages: readonly string[];
  readonly source: string;
  constructor(kernel: string, messages: readonly string[], source: string) {
    super('SHADER_COMPILE', `kernel '${kernel}' failed to compile:\n${messages.join('\n')}`);
    this.kernel = kernel;
    this.messages = messages;
    this.source = source;
  }
}

/** A WebGPU validation / out-of-memory / internal error surfaced by an error scope or uncapturederror. */
export class GpuExecutionError extends BnnError {
  override readonly name: string = 'GpuExecutionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU_EXECUTION', message, options);
  }
}

/**
 * A computation left float32's range or became NaN: a training loss that diverged (learning rate
 * too high, data too large), or a predictive statistic that overflows. The message says which
 * value, where, and what to change; the result is never returned silently wrong.
 */
export class NumericalError extends BnnError {
  override readonly name: string = 'NumericalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('NUMERICAL', message, options);
  }
}

/** Using an engine after dispose(). */
export class DisposedError extends BnnError {
  override readonly name: string = 'DisposedError';
  constructor(what: string) {
    super('DISPOSED', `${what} was used after dispose()`);
  }
}

/**
 * Error codes that mean the caller asked for something wrong or impossible here (bad input, a bad
 * file, a request beyond the device, no GPU, a numerically impossible request), as opposed to a
 * failure inside the library or the GPU. The CLI exits 2 for these.
 */
export const CALLER_ERROR_CODES: ReadonlySet<string> = new Set(['INVALID_INPUT', 'MODEL_FORMAT', 'DEVICE_LIMIT', 'GPU_UNAVAILABLE', 'NUMERICAL']);

/** Whether `error` is a typed error whose code is one of CALLER_ERROR_CODES. */
export function isCallerError(error: unknown): error is BnnError {
  return error instanceof BnnError && CALLER_ERROR_CODES.has(error.code);
}
